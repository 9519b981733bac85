"""The per-file half of an import: read → extract → parse → analyse → store (SPEC §3, §7).

:func:`prepare` needs no lock and runs in worker processes: reading, decoding, parsing, the
index record's analysis, and the content-addressed store writes (idempotent). The pipeline
(:mod:`.pipeline`) then decides duplicates and indexes, in order. Every failure becomes a
per-file result with one sentence.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from ..errors import ArchiveError, IngestError
from ..i18n import _
from ..display import display_name
from ..ingest.ocr import OcrOptions
from ..model import Document, Source
from .files import read_bytes


@dataclass
class Prepared:
    """One file, read and parsed: what the pipeline writes and indexes, or why it cannot."""

    path: str
    id: str | None = None
    sha256: str | None = None
    title: str | None = None
    number: str | None = None
    issued: str | None = None
    record: object | None = None  # IndexRecord; its stamp is the store file's, once written
    data: bytes | None = None  # the original's bytes
    text: str | None = None  # the store file's text
    exists: bool = False  # the store already holds this content
    error: str | None = None
    warning: str | None = None  # for the import line (low OCR confidence …)


def build_document(name: str, data: bytes, sha256: str, doc_id: str, tags: tuple[str, ...] = (), *,
                   ocr: OcrOptions | None = None, on_page: Callable[[int, int], None] | None = None,
                   warnings: list[str] | None = None) -> Document:
    """Extract and parse one file's bytes into a Document (pure but for ``on_page``, called
    after each page OCR reads; raises IngestError). The extraction's warnings are appended to
    ``warnings`` when given."""
    from ..ingest import extract
    from ..parse import parse

    ex = extract(name, data, ocr=ocr, on_page=on_page)
    if warnings is not None:
        warnings.extend(ex.warnings)
    hints = dict(ex.metadata)
    extra_tags = hints.pop("tags", None) or []
    if isinstance(extra_tags, str):
        extra_tags = [extra_tags]
    src = hints.get("source")
    if ex.markdown and isinstance(src, dict) and src.get("sha256"):
        # Our own `export --format md`: the body is already clean, its headings are the
        # outline; read it as the store does so the round trip gives the same document.
        from ..parse import from_store

        parsed = from_store(hints, ex.text)
    else:
        parsed = parse(ex.text, markdown=ex.markdown, hints=hints)
    if not parsed.body.strip():
        raise IngestError(_("no text found in the file"))
    source = Source(
        filename=display_name(os.path.basename(name)), format=ex.format, encoding=ex.encoding, sha256=sha256,
        size=len(data), imported=datetime.now(timezone.utc).replace(microsecond=0).isoformat(), ocr=ex.ocr,
    )
    all_tags = list(dict.fromkeys([*map(str, extra_tags), *tags]))
    return Document(id=doc_id, parsed=parsed, source=source, tags=all_tags)


#: Seconds one file may take to read and parse (``ARCHIVE_MAX_FILE_SECONDS``): a file built to
#: be slow fails with a sentence instead of stalling the batch. For a scan the budget is per
#: page: it starts again each time OCR finishes a page, so a long scan is not cut short while a
#: page stuck in OCR still is.
DEFAULT_MAX_SECONDS = 120.0


class _TooSlow(BaseException):
    """Raised by the time budget; a BaseException, so that no reader's ``except Exception``
    mistakes it for a damaged file."""


@contextmanager
def time_budget(seconds: float):
    """Raise _TooSlow in this thread after ``seconds`` (POSIX, main thread; elsewhere the
    structural limits of each reader still hold). Yields a function that starts the
    ``seconds`` again (called as work visibly progresses: a page read)."""
    import signal
    import threading

    if seconds <= 0 or not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield lambda: None
        return

    def expire(_signum, _frame):
        raise _TooSlow()

    old = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield lambda: signal.setitimer(signal.ITIMER_REAL, seconds)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def prepare(path: str, root: str, max_bytes: int, tags: tuple[str, ...] = (),
            max_seconds: float = DEFAULT_MAX_SECONDS, ocr: OcrOptions | None = None,
            on_page: Callable[[str, int, int], None] | None = None) -> Prepared:
    """Read, parse and analyse one file, and serialise its store file; writes nothing (the
    pipeline writes under the archive's lock). Safe in a worker process. ``on_page(path, done,
    total)`` follows OCR page by page."""
    from dataclasses import replace

    from ..index.records import record_for
    from ..store import Store, content_hash, document_to_text, id_for

    ocr = replace(ocr or OcrOptions(), page_seconds=max_seconds)
    try:
        data = read_bytes(path, max_bytes)
        sha = content_hash(data)
        doc_id = id_for(sha)
        if Store(Path(root)).exists(doc_id):
            return Prepared(path, doc_id, sha, exists=True)
        warnings: list[str] = []
        with time_budget(max_seconds) as restart:
            def page_read(done: int, total: int) -> None:
                restart()
                if on_page is not None:
                    on_page(path, done, total)

            doc = build_document(path, data, sha, doc_id, tags, ocr=ocr, on_page=page_read, warnings=warnings)
            text = document_to_text(doc)
            record = record_for(doc, "")
        return Prepared(path, doc_id, sha, title=doc.parsed.title, number=doc.parsed.number,
                        issued=doc.parsed.issued, record=record, data=data, text=text,
                        warning="; ".join(warnings) or None)
    except _TooSlow:
        return Prepared(path, error=_("reading the file took longer than {n:g} s; it was stopped").format(n=max_seconds))
    except ArchiveError as exc:
        return Prepared(path, error=str(exc))
    except RecursionError:
        return Prepared(path, error=_("the document is nested too deeply to read"))
    except MemoryError:
        return Prepared(path, error=_("the document is too large to read in memory"))
    except Exception as exc:  # a reader library failing on odd bytes is a per-file failure
        return Prepared(path, error=_("the file could not be read ({kind}: {msg})").format(
            kind=type(exc).__name__, msg=str(exc).splitlines()[0][:120] if str(exc) else "no detail"))


def watch_parent(pid: int, interval: float = 0.5) -> None:
    """Worker initializer: exit when the importing process ``pid`` is gone.

    A SIGKILLed import would otherwise leave its workers idle forever: each holds the write end
    of its own task queue (so it never reads end-of-file), and the forkserver that started them
    waits for them. POSIX only (on Windows ``os.kill(pid, 0)`` would terminate the process)."""
    if os.name != "posix":
        return
    import threading
    import time

    def gone() -> bool:
        try:
            os.kill(pid, 0)
        except (ProcessLookupError, PermissionError):  # PermissionError: pid reused by another user
            return True
        try:  # killed but not yet reaped by its own parent: a zombie (Linux)
            with open(f"/proc/{pid}/stat", "rb") as f:
                return f.read().rsplit(b")", 1)[1].split()[0] == b"Z"
        except (OSError, IndexError):
            return False

    def watch() -> None:
        while not gone():
            time.sleep(interval)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="watch-parent").start()


def prepare_many(paths: list[str], root: str, max_bytes: int, tags: tuple[str, ...] = (),
                 max_seconds: float = DEFAULT_MAX_SECONDS, ocr: OcrOptions | None = None) -> list[Prepared]:
    """:func:`prepare` for a chunk of files: one task per chunk keeps inter-process traffic low."""
    return [prepare(p, root, max_bytes, tags, max_seconds, ocr) for p in paths]
