"""Page images → text with Tesseract (SPEC §7): scanned PDFs and photographed pages.

Tesseract is called directly, one process per page, its page image on stdin and its TSV on
stdout: no temporary files, and each call gets ``OMP_THREAD_LIMIT=1`` in its own environment
(Tesseract's OpenMP threads are slower than one process per page on two cores). Pages run in
parallel, ``jobs`` at a time, from threads that only wait on those processes.

The text is rebuilt from the TSV (words → lines → paragraphs, as Tesseract's own text output
does) so one run gives both the text and each word's confidence. Output is NFC-normalised
before anything else sees it.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from ..errors import IngestError
from ..i18n import _
from ..text.normalize import nfc

MODES = ("auto", "always", "never")
LANGUAGE = "vie"
#: Mean word confidence (0–100) under which an import line carries a warning. Measured
#: (python -m tools.evaluate ocr): every generated page, clean or degraded, 94–96 at 99 %
#: character accuracy; the corpus's two EPSON scans 89 and 94; a page read at an eighth of its
#: resolution (a bad fax) 40–64, with most words wrong.
LOW_CONFIDENCE = 70.0

#: Where the Windows installers put Tesseract when it is not on PATH.
_WINDOWS_PATHS = (r"C:\Program Files\Tesseract-OCR\tesseract.exe", r"C:\Program Files (x86)\Tesseract-OCR\tesseract.exe")


@dataclass(frozen=True)
class OcrOptions:
    """How an import treats pages without a text layer.

    ``mode``: ``auto`` reads every page without a usable text layer, ``always`` every page,
    ``never`` none (scans fail as before OCR existed). ``jobs``: pages read at once.
    ``page_seconds``: how long one page may take."""

    mode: str = "auto"
    jobs: int = 1
    page_seconds: float = 120.0
    language: str = LANGUAGE


@dataclass(frozen=True)
class PageImage:
    """One page to read: its 1-based number, the image as PNM bytes, and its resolution."""

    number: int
    pnm: bytes
    dpi: int | None = None


@dataclass
class OcrPage:
    number: int
    text: str
    confidences: list[float] = field(default_factory=list)


@dataclass(frozen=True)
class Engine:
    """A Tesseract that can read the language: its executable and version."""

    command: str
    version: str
    language: str


@dataclass
class OcrResult:
    """The pages read, in order, and what the store records as ``source.ocr``."""

    engine: Engine
    pages: list[OcrPage]

    @property
    def confidence(self) -> float | None:
        words = [c for p in self.pages for c in p.confidences]
        return round(sum(words) / len(words), 1) if words else None

    def record(self) -> dict:
        return {"engine": "tesseract", "version": self.engine.version, "language": self.engine.language,
                "confidence": self.confidence, "pages": len(self.pages),
                "page_numbers": page_ranges(p.number for p in self.pages)}

    def warnings(self) -> list[str]:
        conf = self.confidence
        if conf is None:
            return [_("OCR found no words on the scanned pages")]
        if conf < LOW_CONFIDENCE:
            return [_("OCR confidence is low ({conf:.0f} %); check the text against the original").format(conf=conf)]
        return []


def page_ranges(numbers: Iterable[int]) -> str:
    """1, 2, 3, 5 → "1-3, 5"."""
    out: list[str] = []
    nums = sorted(set(numbers))
    i = 0
    while i < len(nums):
        j = i
        while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
            j += 1
        out.append(str(nums[i]) if i == j else f"{nums[i]}-{nums[j]}")
        i = j + 1
    return ", ".join(out)


# --- what to install ----------------------------------------------------------------------------
def install_hint_python() -> str:
    return _("reading scans needs the OCR extra: pip install 'archive-cli[ocr]'")


def install_hint_tesseract() -> str:
    return _("reading scans needs Tesseract with its Vietnamese model: install tesseract-ocr and "
             "tesseract-ocr-vie (Debian, Ubuntu) or the Tesseract installer (Windows, macOS: see the README)")


def install_hint_language(language: str) -> str:
    return _("reading scans needs Tesseract's Vietnamese model: install tesseract-ocr-{lang} (Debian, Ubuntu) "
             "or {lang}.traineddata into Tesseract's tessdata folder").format(lang=language)


def require_python() -> None:
    """IngestError naming the extra when Pillow or pypdfium2 is missing."""
    from importlib.util import find_spec

    if find_spec("PIL") is None or find_spec("pypdfium2") is None:
        raise IngestError(install_hint_python())


def find_tesseract() -> str | None:
    found = shutil.which("tesseract")
    if found:
        return found
    if os.name == "nt":
        return next((p for p in _WINDOWS_PATHS if os.path.isfile(p)), None)
    return None


def engine(language: str = LANGUAGE) -> Engine:
    """The Tesseract to use, checked: IngestError with what to install when it or the language
    model is missing."""
    command = find_tesseract()
    if command is None:
        raise IngestError(install_hint_tesseract())
    try:
        out = subprocess.run([command, "--version"], capture_output=True, timeout=30, env=_env())
        langs = subprocess.run([command, "--list-langs"], capture_output=True, timeout=30, env=_env())
    except (OSError, subprocess.SubprocessError):
        raise IngestError(install_hint_tesseract()) from None
    m = re.search(rb"tesseract\s+v?(\d[\w.\-]*)", out.stdout + out.stderr, re.I)
    if out.returncode != 0 or not m:
        raise IngestError(install_hint_tesseract())
    listed = {line.strip() for line in (langs.stdout + langs.stderr).decode("utf-8", "replace").splitlines()}
    if language not in listed:
        raise IngestError(install_hint_language(language))
    return Engine(command, m.group(1).decode("ascii", "replace"), language)


def _env() -> dict[str, str]:
    """Tesseract's environment: this process's, with OpenMP held to one thread per page."""
    return {**os.environ, "OMP_THREAD_LIMIT": "1"}


# --- reading -----------------------------------------------------------------------------------
def recognise(pages: Iterable[PageImage], total: int, options: OcrOptions,
              on_page: Callable[[int, int], None] | None = None, eng: Engine | None = None) -> OcrResult:
    """Read ``pages`` (an iterator: page images are made one at a time, as workers free up),
    ``options.jobs`` at once; ``on_page(done, total)`` after each page, in this thread.
    ``eng`` is the checked Tesseract (found here when not given)."""
    from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

    eng = eng or engine(options.language)
    runner = _Runner(eng, options.page_seconds)
    jobs = max(1, options.jobs)
    done: dict[int, OcrPage] = {}
    it: Iterator[PageImage] = iter(pages)
    pool = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="ocr")
    try:
        running: set = set()
        exhausted = False
        while True:
            # Keep each worker busy and one page ready: page images are large (9 MB at 300 dpi).
            while not exhausted and len(running) < jobs + 1:
                page = next(it, None)
                if page is None:
                    exhausted = True
                    break
                running.add(pool.submit(runner.read, page))
            if not running:
                break
            finished, running = wait(running, return_when=FIRST_COMPLETED)
            for fut in finished:
                page = fut.result()
                done[page.number] = page
                if on_page is not None:
                    on_page(len(done), total)
    finally:
        runner.stop()
        pool.shutdown(wait=True, cancel_futures=True)
    return OcrResult(eng, [done[n] for n in sorted(done)])


class _Runner:
    """Runs Tesseract on one page at a time per thread; ``stop()`` kills what still runs (a page
    that outlived the import's time budget must not go on in the background)."""

    def __init__(self, eng: Engine, seconds: float) -> None:
        self.engine = eng
        self.seconds = seconds
        self._procs: set[subprocess.Popen] = set()
        self._lock = threading.Lock()
        self._stopped = False

    def read(self, page: PageImage) -> OcrPage:
        args = [self.engine.command, "stdin", "stdout", "-l", self.engine.language, "--psm", "3"]
        if page.dpi:
            args += ["--dpi", str(page.dpi)]
        args.append("tsv")
        with self._lock:
            if self._stopped:
                raise IngestError(_("reading was stopped"))
            proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env())
            self._procs.add(proc)
        try:
            out, err = proc.communicate(page.pnm, timeout=self.seconds if self.seconds > 0 else None)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            raise IngestError(_("OCR of page {n} took longer than {s:g} s; it was stopped").format(
                n=page.number, s=self.seconds)) from None
        finally:
            with self._lock:
                self._procs.discard(proc)
        if proc.returncode != 0:
            raise IngestError(_("Tesseract could not read page {n} ({reason})").format(
                n=page.number, reason=_last_line(err)))
        text, confidences = text_from_tsv(out.decode("utf-8", "replace"))
        return OcrPage(page.number, text, confidences)

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            for proc in self._procs:
                proc.kill()


def _last_line(err: bytes) -> str:
    lines = [line.strip() for line in err.decode("utf-8", "replace").splitlines() if line.strip()]
    return lines[-1] if lines else _("no detail")


def text_from_tsv(tsv: str) -> tuple[str, list[float]]:
    """Tesseract's TSV → (text, word confidences). Words of a line joined by spaces, lines of a
    paragraph by newlines, paragraphs and blocks by a blank line; NFC throughout."""
    paragraphs: list[list[list[str]]] = []
    confidences: list[float] = []
    last_par = last_line = None
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5":
            continue
        word = nfc(cols[11]).strip()
        if not word:
            continue
        par = (cols[1], cols[2], cols[3])
        line = par + (cols[4],)
        if par != last_par:
            paragraphs.append([])
            last_par, last_line = par, None
        if line != last_line:
            paragraphs[-1].append([])
            last_line = line
        paragraphs[-1][-1].append(word)
        try:
            conf = float(cols[10])
        except ValueError:
            continue
        if conf >= 0:
            confidences.append(conf)
    text = "\n\n".join("\n".join(" ".join(words) for words in par) for par in paragraphs)
    return text, confidences
