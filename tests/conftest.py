from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("ARCHIVE_CORPUS", REPO.parent / "shared" / "corpus"))

# The suite asserts English messages: English whatever the machine's locale, in this process and
# the ones it starts. Tests of the Vietnamese interface ask for it themselves (tests/test_i18n.py).
os.environ["ARCHIVE_LANG"] = "en"
os.environ["LANGUAGE"] = "en"


@pytest.fixture(autouse=True)
def _english_again():
    """A test that switched the language (``--lang vi``) leaves English behind it."""
    yield
    from archive_cli import i18n

    if i18n.language() != "en" or os.environ.get("ARCHIVE_LANG") != "en" or os.environ.get("LANGUAGE") != "en":
        i18n.use("en")


@pytest.fixture
def corpus() -> Path:
    """The shared corpus; tests that need it skip cleanly when it is absent (a user's clone)."""
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not present at {CORPUS}")
    return CORPUS


@pytest.fixture
def archive_dir(tmp_path: Path) -> Path:
    """A fresh, empty archive location; the environment variable is cleared so only it is used."""
    os.environ.pop("ARCHIVE_HOME", None)
    return tmp_path / "archive"


@pytest.fixture
def loaded(archive_dir: Path) -> Path:
    """An archive holding the sample documents of documents/."""
    from tests.helpers import DOCUMENTS, run

    res = run(archive_dir, "import", str(DOCUMENTS), "--jobs", "1")
    assert res.exit_code == 0, res.output
    return archive_dir


@pytest.fixture(scope="session")
def ocr_ready() -> str:
    """Tesseract with its Vietnamese model, and a font to draw test pages with: the path of the
    tesseract executable. Skips naming the packages when one is missing."""
    import subprocess

    from archive_cli.ingest.ocr import find_tesseract
    from tools.evaluate.pages import FONT_PACKAGE, find_font

    tesseract = find_tesseract()
    if tesseract is None:
        pytest.skip("Tesseract is not installed (Debian: apt-get install tesseract-ocr tesseract-ocr-vie)")
    langs = subprocess.run([tesseract, "--list-langs"], capture_output=True, text=True).stdout.split()
    if "vie" not in langs:
        pytest.skip("Tesseract's Vietnamese model is not installed (Debian: apt-get install tesseract-ocr-vie)")
    if find_font() is None:
        pytest.skip(f"no font with every Vietnamese glyph (Debian: apt-get install {FONT_PACKAGE})")
    return tesseract


# CI (.ci/run) sets ARCHIVE_TESTS_NO_SKIP=1: there every service, system package and the corpus
# are present, so a skipped test means something a clerk's machine would need went missing.
_skipped: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and os.environ.get("ARCHIVE_TESTS_NO_SKIP") == "1":
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _skipped:
        print(f"\nARCHIVE_TESTS_NO_SKIP=1 but {len(_skipped)} test(s) skipped: " + ", ".join(_skipped[:10]))
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
