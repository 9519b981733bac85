"""The index version is derived from the schema: any change to what the index holds gives
another version, and an index of another version is detected and rebuilt from the store."""
from __future__ import annotations

import json

import pytest

from archive_cli.index.whoosh.analysis import FoldingFilter, VietnameseTokenizer
from archive_cli.index.whoosh.schema import make_schema, schema_version
from tests.helpers import run


def _mutations():
    from whoosh.fields import ID, KEYWORD, STORED, TEXT

    def add_field(s):
        s.add("extra", ID())

    def drop_field(s):
        s.remove("cites")

    def text_without_positions(s):
        s.remove("text")
        s.add("text", TEXT(analyzer=VietnameseTokenizer() | FoldingFilter(), phrase=False))

    def gap(s):
        s.remove("text")
        s.add("text", TEXT(analyzer=VietnameseTokenizer(gap=2) | FoldingFilter(), phrase=True))

    def range_size(s):
        s.remove("title_words")
        s.add("title_words", TEXT(analyzer=VietnameseTokenizer(range_size=1 << 10) | FoldingFilter(), phrase=True))

    def analysis_version(s):
        s.remove("text")
        s.add("text", TEXT(analyzer=VietnameseTokenizer(analysis=999) | FoldingFilter(), phrase=True))

    def no_folding(s):
        s.remove("issuer_words")
        s.add("issuer_words", TEXT(analyzer=VietnameseTokenizer(), phrase=True))

    def stored_becomes_indexed(s):
        s.remove("stamp")
        s.add("stamp", ID(stored=True))

    def keyword_commas(s):
        s.remove("tags")
        s.add("tags", KEYWORD())

    def not_sortable(s):
        s.remove("issued")
        s.add("issued", ID(stored=True))

    def unstored(s):
        s.remove("title")
        s.add("title", STORED())
        s.remove("doc_type")

    return [add_field, drop_field, text_without_positions, gap, range_size, analysis_version, no_folding,
            stored_becomes_indexed, keyword_commas, not_sortable, unstored]


def test_the_version_is_stable():
    assert schema_version(make_schema()) == schema_version(make_schema())


@pytest.mark.parametrize("mutate", _mutations(), ids=lambda f: f.__name__)
def test_every_schema_change_gives_another_version(mutate):
    schema = make_schema()
    mutate(schema)
    assert schema_version(schema) != schema_version(make_schema())


@pytest.mark.parametrize("mutate", _mutations()[:4], ids=lambda f: f.__name__)
def test_an_index_of_a_changed_schema_is_rebuilt(loaded, mutate):
    """Stamp the live index with the version a changed schema would have: as after an upgrade
    that changed the schema. Reads ask for a rebuild, check reports it, repair rebuilds it."""
    schema = make_schema()
    mutate(schema)
    path = loaded / "index" / "CURRENT"
    cur = json.loads(path.read_text())
    cur["version"] = schema_version(schema)
    path.write_text(json.dumps(cur))
    res = run(loaded, "search", "chuyen doi so")
    assert res.exit_code == 1 and "archive reindex" in res.stderr
    assert json.loads(run(loaded, "check", "--json").stdout)["problems"][0]["kind"] == "index-outdated"
    assert run(loaded, "check", "--repair").exit_code == 0
    assert json.loads(path.read_text())["version"] == schema_version(make_schema())
    assert run(loaded, "search", "chuyen doi so").exit_code == 0
