"""Vietnamese normalisation and analysis (SPEC §5): unit cases and hypothesis properties."""
from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archive_cli.search.query import Number, Phrase, Word, parse_query
from archive_cli.text.analysis import folded, looks_like_number, number_key, tokens
from archive_cli.text.normalize import canon_tones, fold, has_diacritics, normalize

VIET_LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
viet_text = st.text(alphabet=st.sampled_from(list(VIET_LETTERS + VIET_LETTERS.upper() + " ,.-/0123456789\n")), max_size=200)


@pytest.mark.parametrize("old,new", [
    ("hoá", "hóa"), ("thuỷ", "thủy"), ("khoẻ", "khỏe"), ("Uỷ ban", "Ủy ban"), ("HOÁ", "HÓA"),
    ("Thuỵ", "Thụy"), ("qúy", "quý"), ("Tỉnh uỷ", "Tỉnh ủy"),
])
def test_tone_placement_moves_to_the_first_vowel(old, new):
    assert normalize(old) == new


@pytest.mark.parametrize("word", ["quý", "hoàn", "thuyết", "khuya", "khoái", "xoáy", "huỳnh", "khuỷu",
                                  "suýt", "của", "mùa", "quà", "QUÝ"])
def test_closed_and_marked_syllables_are_unchanged(word):
    assert normalize(word) == word


def test_lookalikes_and_invisible_characters():
    assert normalize("NÐ-CP") == "NĐ-CP"  # U+00D0 → U+0110
    assert normalize("văn\u00a0bản") == "văn bản"
    assert normalize("chuyển\u200b đổi\u00ad số") == "chuyển đổi số"


def test_fold():
    assert fold("Ðảng") == "Dang" and fold("người") == "nguoi" and fold("ĐỒNG") == "DONG"
    assert has_diacritics("mã") and not has_diacritics("ma")


def test_tokens_and_folded():
    toks = tokens("Phòng, chống dịch Covid-19; Tỉnh uỷ")
    assert toks == ["phòng", "chống", "dịch", "covid", "19", "tỉnh", "ủy"]
    assert folded(toks) == ["phong", "chong", "dich", "covid", "19", "tinh", "uy"]
    assert folded(tokens("PHÒNG, CHỐNG")) == folded(tokens("phòng chống"))


def test_numbers():
    assert number_key("46- KH/TU") == "46-kh/tu"
    assert number_key("142/2025/NĐ-CP") == "142/2025/nd-cp"
    assert looks_like_number("125/kh-ubnd") and looks_like_number("30/2021/QH15")
    assert not looks_like_number("07/10/2021") and not looks_like_number("2024")


def test_query_parsing():
    q = parse_query('"tổ chức thực hiện" OR kế -covid title:hoá 125/KH-UBND')
    kinds = [type(c).__name__ for c in q.clauses]
    assert kinds == ["Or", "Not", "Word", "Number"]
    assert isinstance(q.clauses[0].nodes[0], Phrase)
    assert q.clauses[2] == Word("hóa", True, "title")
    assert q.clauses[3] == Number("125/kh-ubnd", "125/KH-UBND")


@given(viet_text)
def test_normalize_is_idempotent_and_nfc(s):
    n = normalize(s)
    assert normalize(n) == n
    assert unicodedata.is_normalized("NFC", n)


@given(viet_text)
def test_nfd_input_normalises_to_the_same(s):
    assert normalize(unicodedata.normalize("NFD", s)) == normalize(s)


@given(viet_text)
def test_fold_leaves_no_marks_and_keeps_length_of_tokens(s):
    f = fold(normalize(s))
    assert not any(unicodedata.combining(c) for c in unicodedata.normalize("NFD", f))
    assert "đ" not in f and "Đ" not in f
    assert len(tokens(s)) == len(folded(tokens(s)))


@given(viet_text)
def test_tone_canonicalisation_never_changes_the_folded_text(s):
    assert fold(canon_tones(s)) == fold(s)


@given(st.text(max_size=300))
def test_query_parser_never_raises(s):
    parse_query(s)
