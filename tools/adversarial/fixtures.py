"""Archives and files the cases start from: built once per run, copied per case."""
from __future__ import annotations

import io
import json
import os
import random
import shutil
import zipfile
import zlib
from pathlib import Path

from .harness import PY, Env, run

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "documents"
CORPUS = Path(os.environ.get("ARCHIVE_CORPUS", REPO.parent / "shared" / "corpus"))
CORPUS_MD = CORPUS / "tvpl-md-tnt305" / "md"


def cli_argv(archive: Path, *args) -> list:
    return [PY, "-m", "archive_cli", "--archive", str(archive), *args]


def _import(archive: Path, paths: list, cwd: Path, timeout: float = 600) -> list[dict]:
    r = run(cli_argv(archive, "import", "--json", *map(str, paths)), cwd, timeout=timeout)
    if r.rc not in (0, 1):
        raise RuntimeError(f"building {archive.name} failed: {r.stderr[-300:]}")
    return r.json_lines()


def sample_archive(env: Env) -> dict:
    """The six sample documents: {"path", "ids", "by_number": {number: id}, "docs": list rows}."""
    def build():
        path = env.work / "_templates" / "sample"
        shutil.rmtree(path, ignore_errors=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        _import(path, [SAMPLES], path.parent)
        rows = json.loads(run(cli_argv(path, "list", "--json"), path.parent).stdout)
        return {"path": path, "ids": [r["id"] for r in rows], "docs": rows,
                "by_number": {r["number"]: r["id"] for r in rows if r.get("number")}}
    return env.cached("sample", build)


def corpus_files(limit: int = 500) -> list[Path]:
    if not CORPUS_MD.is_dir():
        return []
    return sorted(CORPUS_MD.glob("*.md"))[:limit]


def corpus_archive(env: Env) -> dict:
    """The first 500 corpus Markdown files (about 470 documents), for queries and pipes."""
    def build():
        files = corpus_files(500)
        if not files:
            return None
        path = env.work / "_templates" / "corpus"
        shutil.rmtree(path, ignore_errors=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        lines = _import(path, [CORPUS_MD], path.parent)
        ids = [x["id"] for x in lines if x["status"] == "imported"]
        return {"path": path, "ids": ids}
    return env.cached("corpus", build)


def mid_archive(env: Env) -> dict:
    """Sample documents plus 60 corpus files imported in three runs (three index segments)."""
    def build():
        path = env.work / "_templates" / "mid"
        shutil.rmtree(path, ignore_errors=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        _import(path, [SAMPLES], path.parent)
        files = corpus_files(60)
        for chunk in (files[:30], files[30:60]):
            if chunk:
                _import(path, chunk, path.parent)
        rows = json.loads(run(cli_argv(path, "list", "--json"), path.parent).stdout)
        return {"path": path, "ids": [r["id"] for r in rows]}
    return env.cached("mid", build)


def kill_sources(env: Env) -> dict:
    """A folder of ~45 files of several formats (some with the same bytes under two names) that
    all import, and the archive they make: {"src", "expected_ids", "full": archive path}."""
    def build():
        base = env.work / "_templates" / "killsrc"
        shutil.rmtree(base, ignore_errors=True)
        src = base / "src"
        src.mkdir(parents=True)
        picks = corpus_files(500)[100:124]
        for ext, n in (("doc", 2), ("docx", 2), ("pdf", 2), ("rtf", 1), ("html", 1)):
            # the smallest of each format: a kill round should not wait on one slow PDF
            picks += sorted(CORPUS.glob(f"**/*.{ext}"), key=lambda p: (p.stat().st_size, p))[:n] if CORPUS.is_dir() else []
        for i, p in enumerate(picks):
            shutil.copy(p, src / f"{i:03d}-{p.name}")
        for i in range(4):
            (src / f"gen-{i:02d}.txt").write_text(plan_text(i, "kill"), encoding="utf-8")
        # a probe import: drop what does not import, so every remaining file must import
        probe = base / "probe"
        lines = _import(probe, [src], base)
        for x in lines:
            if x["status"] != "imported":
                p = Path(x["path"])
                (p if p.is_absolute() else base / p).unlink(missing_ok=True)
        shutil.rmtree(probe)
        # the same bytes under other names: must stay one document each
        kept = sorted(src.iterdir())
        for p in kept[:3]:
            shutil.copy(p, src / f"dup-{p.name}")
        full = base / "full"
        lines = _import(full, [src], base)
        ids = sorted({x["id"] for x in lines if x["status"] in ("imported", "duplicate") and x["id"]})
        if any(x["status"] == "failed" for x in lines):
            raise RuntimeError("kill sources: a file failed to import twice")
        return {"src": src, "expected_ids": ids, "full": full, "files": len(list(src.iterdir()))}
    return env.cached("killsrc", build)


# --- file makers ---------------------------------------------------------------------------------

def plan_text(i: int, tag: str = "x", extra: str = "") -> str:
    return (
        "ỦY BAN NHÂN DÂN\nHUYỆN ĐẠI TỪ\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\n"
        f"Số: {100 + i}/KH-UBND\n\nĐại Từ, ngày {1 + i % 27} tháng {1 + i % 12} năm 2024\n\n"
        f"KẾ HOẠCH\nvề việc kiểm thử {tag} số {i}\n\nI. MỤC ĐÍCH, YÊU CẦU\n"
        f"Bảo đảm không mất văn bản nào trong đợt {tag} {i}.\n\nII. NỘI DUNG\n"
        + " ".join(f"nội dung {tag}{i} mục {j}." for j in range(40)) +
        f"\n\nIII. TỔ CHỨC THỰC HIỆN\nCác phòng ban triển khai kế hoạch {tag} {i}.\n{extra}"
    )


def docx_bytes(paragraphs: list[str] | None = None) -> bytes:
    import docx

    d = docx.Document()
    for p in paragraphs or ["KẾ HOẠCH", "Triển khai số hóa tài liệu", "I. MỤC ĐÍCH, YÊU CẦU", "Nội dung."]:
        d.add_paragraph(p)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def docx_with_body(body_xml_chunks, *, header: bytes | None = None) -> bytes:
    """A python-docx document whose word/document.xml body is replaced by streamed chunks."""
    base = zipfile.ZipFile(io.BytesIO(docx_bytes()))
    buf = io.BytesIO()
    doc_xml = base.read("word/document.xml")
    head, _, _rest = doc_xml.partition(b"<w:body>")
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for item in base.infolist():
            if item.filename == "word/document.xml":
                continue
            z.writestr(item, base.read(item.filename))
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            if header is not None:
                f.write(header)
            else:
                f.write(head)
            f.write(b"<w:body>")
            for chunk in body_xml_chunks:
                f.write(chunk)
            f.write(b"</w:body></w:document>")
    return buf.getvalue()


def docx_many_paragraphs(n: int) -> bytes:
    """n short paragraphs, made by python-docx (three) and repeated in its own XML."""
    import docx

    d = docx.Document()
    d.add_paragraph("KẾ HOẠCH kiểm thử nhiều đoạn")
    d.add_paragraph("I. MỤC ĐÍCH, YÊU CẦU")
    d.add_paragraph("Nội dung.")
    buf = io.BytesIO()
    d.save(buf)
    z = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    xml = z.read("word/document.xml")
    start = xml.rindex(b"<w:p>")
    end = xml.index(b"</w:p>", start) + len(b"</w:p>")
    para = xml[start:end]
    new_xml = xml[:start] + para * n + xml[end:]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as w:
        for item in z.infolist():
            w.writestr(item, new_xml if item.filename == "word/document.xml" else z.read(item.filename))
    return out.getvalue()


def pdf_bytes(content_streams: list[bytes], *, compress: bool = True, kids_loop: bool = False,
              share_stream_pages: int = 0) -> bytes:
    """A minimal PDF with Helvetica text; each stream is one page (or one stream on N pages)."""
    objs: list[bytes] = []

    def add(body: bytes) -> int:
        objs.append(body)
        return len(objs)

    catalog = add(b"")  # placeholder 1
    pages = add(b"")  # placeholder 2
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    page_ids = []
    streams = []
    for raw in content_streams:
        data = zlib.compress(raw, 6) if compress is True else raw
        filt = b" /Filter /FlateDecode" if compress else b""  # compress="pre": raw is deflated
        streams.append(add(b"<< /Length %d%s >>\nstream\n" % (len(data), filt) + data + b"\nendstream"))
    count = share_stream_pages or len(streams)
    for k in range(count):
        s = streams[0] if share_stream_pages else streams[k]
        page_ids.append(add(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>" % (font, s)))
    kids = b" ".join(b"%d 0 R" % p for p in page_ids)
    if kids_loop:
        kids += b" 2 0 R"
    objs[pages - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(page_ids))
    objs[catalog - 1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref))
    return out.getvalue()


def pdf_text_stream(lines: list[str]) -> bytes:
    parts = [b"BT /F1 12 Tf 72 720 Td 14 TL"]
    for line in lines:
        safe = line.encode("latin-1", "replace").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
        parts.append(b"(" + safe + b") Tj T*")
    parts.append(b"ET")
    return b"\n".join(parts)


def random_bytes(seed: int, n: int) -> bytes:
    return random.Random(seed).randbytes(n)
