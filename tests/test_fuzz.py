"""Random bytes through the whole import path: never an uncaught exception, and a failure
changes nothing in the archive (SPEC §7). The quick run is part of the suite; the 10,000-case
run is marked slow: `python -m pytest -m slow tests/test_fuzz.py`."""
from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive_cli.archive import Archive

NAMES = st.sampled_from(["a.txt", "b.md", "c.html", "d.docx", "e.pdf", "f.rtf", "g.doc", "h", "i.TXT", "j.htm"])
VIET = st.text(alphabet=st.characters(codec="utf-8"), max_size=400)
PAYLOAD = st.one_of(
    st.binary(max_size=2000),
    VIET.map(lambda s: s.encode("utf-8")),
    VIET.map(lambda s: ("---\n" + s + "\n---\n" + s).encode("utf-8")),
    st.builds(lambda a, b: a + b, st.sampled_from([b"%PDF-1.4\n", b"PK\x03\x04", b"{\\rtf1", b"<html>",
                                                    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\xff\xfe", b"\xef\xbb\xbf"]),
              st.binary(max_size=1500)),
)


def _snapshot(root: Path) -> dict[str, bytes]:
    docs = root / "documents"
    return {p.name: p.read_bytes() for p in docs.iterdir()} if docs.is_dir() else {}


def _check_one(arch: Archive, folder: Path, name: str, data: bytes) -> None:
    path = folder / name
    path.write_bytes(data)
    before = _snapshot(arch.root)
    results = list(arch.import_paths([path], jobs=1))
    assert len(results) == 1
    r = results[0]
    assert r.status in ("imported", "duplicate", "failed")
    if r.status == "failed":
        assert r.error and "\n" not in r.error and "Traceback" not in r.error
        assert _snapshot(arch.root) == before
    else:
        assert arch.store.exists(r.id)
    path.unlink()


def _fuzz(tmp_path_factory, examples: int):
    root = tmp_path_factory.mktemp("fuzz")
    arch = Archive(root / "a", wait=30)
    folder = root / "in"
    folder.mkdir()

    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(NAMES, PAYLOAD)
    def run(name, data):
        # Hypothesis seeds the global `random` per example; Whoosh names segments with it, so
        # every example would reuse one segment name. Real processes start from os.urandom.
        random.seed(os.urandom(16))
        _check_one(arch, folder, name, data)

    run()
    report = arch.check()
    assert report.ok, [p.message for p in report.problems][:5]


def test_fuzz_import_quick(tmp_path_factory):
    _fuzz(tmp_path_factory, int(os.environ.get("FUZZ_EXAMPLES", "150")))


@pytest.mark.slow
def test_fuzz_import_10000(tmp_path_factory):
    _fuzz(tmp_path_factory, 10_000)
