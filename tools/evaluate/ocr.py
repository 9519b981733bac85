"""``python -m tools.evaluate ocr``: how well and how fast scans are read (issue 19).

The set: real corpus text (``tvpl-md-tnt305``, documents of varied types, at most a few of
each) laid out as official pages by :mod:`tools.evaluate.pages`: header block, type and
summary, body, a table, the signature block. Each page is drawn at 300 and 200 dpi, clean
and degraded (rotation ≤ 1.2°, blur, noise, JPEG), then read by :func:`archive_cli.ingest.extract`
exactly as an import reads a PNG.

Printed as JSON:

- ``accuracy``: character accuracy (1 − edit distance / length, white space collapsed, as
  ``tools.evaluate legacy`` counts it) against the page's printed text; median, min, mean
  OCR confidence per set;
- ``fields``: on the clean sets, documents whose type, number and date parse from the OCR
  text as they parse from the printed text;
- ``seconds_per_page``: CPU seconds per page on one core (``cpu``: Tesseract's, measured
  from its process, plus ours: decoding the image, the page image, parsing the TSV;
  ``tesseract_cpu`` alone) and wall seconds, medians by dpi; pages are read one at a time per
  worker process (``--workers``, default 2), one Tesseract thread each;
- ``scan_20_pages``: a 20-page image-only PDF imported by the real CLI with ``--jobs 2``: wall
  seconds, the machine's load average beside it, and the CPU seconds the import used (divided
  by the jobs: its wall time on two otherwise idle cores);
- ``corpus_scans``: the real scans of the corpus: pages, confidence, type, number, date.
"""
from __future__ import annotations

import argparse
import json
import resource
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .legacy import DEFAULT_CORPUS, accuracy
from .pages import PageSpec, degrade, pdf_bytes, png_bytes, render

SOURCE = "tvpl-md-tnt305/md"
SCANS = ("qlvb-attachments-hpbaotho/pdf", "vbpl-crawl-minh0511/pdf")
PER_TYPE = 4
MOTTO = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
_MARKUP = re.compile(r"[*_#>`|]+|\[([^\]]*)\]\([^)]*\)")


def _clean(line: str) -> str:
    return " ".join(_MARKUP.sub(lambda m: m.group(1) or " ", line).split())


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0]


def _date(iso: str, place: str | None) -> str:
    y, m, d = iso.split("-")
    return f"{place or 'Hà Nội'}, ngày {d} tháng {m} năm {y}"


def choose(corpus: Path, count: int) -> list[tuple[str, PageSpec]]:
    """Documents of varied types with type, number, date and issuer, as page specs."""
    from archive_cli.ingest import extract
    from archive_cli.parse import parse

    chosen: list[tuple[str, PageSpec]] = []
    per_type: Counter[str] = Counter()
    for path in sorted((corpus / SOURCE).glob("*.md")):
        if len(chosen) >= count:
            break
        try:
            ex = extract(path.name, path.read_bytes())
            p = parse(ex.text, markdown=ex.markdown, hints=dict(ex.metadata))
        except Exception:
            continue
        if not (p.doc_type and p.number and p.issued and p.issuer and p.title) or per_type[p.doc_type] >= PER_TYPE:
            continue
        lines = [_clean(x) for x in p.body.splitlines()]
        lines = [x for x in lines if len(x) > 25 and "thuvienphapluat" not in x.lower()]
        if len(lines) < 6:
            continue
        body, size = [], 0
        for line in lines[:-3]:
            body.append(_cut(line, 380))
            size += len(body[-1])
            if size > 650:
                break
        rest = [_cut(x, 70) for x in lines[len(body):len(body) + 2]]
        summary = p.title[len(p.doc_type):].strip() if p.title.startswith(p.doc_type) else p.title
        signer = (p.signer_title or "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH").replace("/", "\n").splitlines()
        spec = PageSpec(
            header_left=[*_cut(p.issuer.upper(), 60).split("\n"), f"Số: {p.number}"],
            header_right=[*MOTTO, _date(p.issued, p.place)],
            title=[p.doc_type.upper(), _cut(summary, 160)],
            paragraphs=body,
            table=[["STT", "Nội dung", "Thời gian"], *[[str(i), r, f"Năm {p.issued[:4]}"] for i, r in enumerate(rest, 1)]],
            recipients=["Nơi nhận:", "- Như trên;", "- Lưu: VT."],
            signature=[*(s.strip().upper() for s in signer[:2] if s.strip()), p.signer or "Nguyễn Văn An"],
        )
        per_type[p.doc_type] += 1
        chosen.append((path.name, spec))
    return chosen


def _fields(text: str) -> tuple:
    from archive_cli.parse import parse

    p = parse(text)
    return p.doc_type, p.number, p.issued


def _read_page(task: tuple) -> dict:
    """One page, in a worker process: drawn, maybe degraded, read as a PNG import reads it."""
    from archive_cli.ingest import extract
    from archive_cli.ingest.ocr import OcrOptions

    name, spec, dpi, degraded, seed = task
    page = render(spec, dpi)
    image = degrade(page.image, seed) if degraded else page.image
    data = png_bytes(image, dpi)
    self0 = resource.getrusage(resource.RUSAGE_SELF)
    kids0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    try:
        ex = extract(name + ".png", data, ocr=OcrOptions(jobs=1))
        text, conf = ex.text, (ex.ocr or {}).get("confidence")
    except Exception as exc:  # a page OCR cannot read scores 0
        text, conf = "", None
        print(f"{name} {dpi} {'degraded' if degraded else 'clean'}: {exc}", file=sys.stderr)
    wall = time.perf_counter() - t0
    self1 = resource.getrusage(resource.RUSAGE_SELF)
    kids1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    ours = self1.ru_utime + self1.ru_stime - self0.ru_utime - self0.ru_stime
    tess = kids1.ru_utime + kids1.ru_stime - kids0.ru_utime - kids0.ru_stime
    out = {"name": name, "dpi": dpi, "degraded": degraded, "accuracy": accuracy(text, page.text, False),
           "confidence": conf, "cpu": ours + tess, "tesseract_cpu": tess, "wall": wall}
    if not degraded:
        out["fields_ok"] = _fields(text) == _fields(page.text)
        out["fields"] = [list(_fields(text)), list(_fields(page.text))]
    return out


def _summary(rows: list[dict]) -> dict:
    acc = [r["accuracy"] for r in rows]
    conf = [r["confidence"] for r in rows if r["confidence"] is not None]
    return {"pages": len(rows), "median": round(statistics.median(acc), 4), "min": round(min(acc), 4),
            "mean_confidence": round(statistics.mean(conf), 1) if conf else None,
            "min_confidence": round(min(conf), 1) if conf else None}


def _scan_20(specs: list[PageSpec], jobs: int) -> dict:
    """A 20-page image-only PDF imported by the CLI with ``--jobs``: wall seconds."""
    pages = [render(specs[i % len(specs)], 300).image for i in range(20)]
    with tempfile.TemporaryDirectory() as tmp:
        scan = Path(tmp) / "scan-20.pdf"
        scan.write_bytes(pdf_bytes(pages, 300))
        load = os.getloadavg()[0]
        kids0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        res = subprocess.run([sys.executable, "-m", "archive_cli", "--archive", str(Path(tmp) / "a"), "import",
                              str(scan), "--jobs", str(jobs), "--json"], capture_output=True, text=True)
        wall = time.perf_counter() - t0
        kids1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        line = json.loads(res.stdout.splitlines()[0]) if res.stdout.strip() else {}
    cpu = kids1.ru_utime + kids1.ru_stime - kids0.ru_utime - kids0.ru_stime
    # cpu / jobs: the wall time the same work takes on that many otherwise idle cores
    return {"command": f"archive import scan-20.pdf --jobs {jobs}", "pages": 20, "seconds": round(wall, 1),
            "cpu_seconds": round(cpu, 1), "cpu_seconds_per_job": round(cpu / jobs, 1),
            "status": line.get("status"), "load_average_before": round(load, 2)}


def _corpus_scans(corpus: Path) -> list[dict]:
    from archive_cli.ingest import extract
    from archive_cli.ingest.ocr import OcrOptions
    from archive_cli.parse import parse

    out = []
    for folder in SCANS:
        for path in sorted((corpus / folder).glob("*.pdf")):
            try:
                ex = extract(path.name, path.read_bytes(), ocr=OcrOptions(jobs=2))
            except Exception as exc:
                out.append({"file": f"{folder}/{path.name}", "error": str(exc)})
                continue
            p = parse(ex.text)
            out.append({"file": f"{folder}/{path.name}", "ocr": ex.ocr, "chars": len(ex.text),
                        "doc_type": p.doc_type, "number": p.number, "issued": p.issued, "warnings": ex.warnings})
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tools.evaluate ocr", description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--pages", type=int, default=32, help="documents in the set (default 32)")
    ap.add_argument("--workers", type=int, default=2, help="pages read at once, one per process (default 2)")
    ap.add_argument("--no-speed", action="store_true", help="leave out the 20-page import")
    ap.add_argument("--no-corpus-scans", action="store_true", help="leave out the corpus's real scans")
    args = ap.parse_args(argv)
    if not (args.corpus / SOURCE).is_dir():
        print(f"corpus not found at {args.corpus}", file=sys.stderr)
        return 2
    chosen = choose(args.corpus, args.pages)
    tasks = [(name, spec, dpi, degraded, i) for i, (name, spec) in enumerate(chosen)
             for dpi in (300, 200) for degraded in (False, True)]
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=max(1, args.workers)) as pool:
        rows = list(pool.map(_read_page, tasks))
    report: dict = {"documents": len(chosen), "types": dict(Counter(s.title[0] for _n, s in chosen)),
                    "tesseract": _version(), "font": _font()}
    report["accuracy"] = {f"{dpi}dpi_{'degraded' if d else 'clean'}": _summary([r for r in rows if r["dpi"] == dpi and r["degraded"] == d])
                          for dpi in (300, 200) for d in (False, True)}
    clean = [r for r in rows if not r["degraded"]]
    report["fields"] = {f"{dpi}dpi_clean": round(sum(r["fields_ok"] for r in clean if r["dpi"] == dpi)
                                                 / max(1, sum(1 for r in clean if r["dpi"] == dpi)), 3)
                        for dpi in (300, 200)}
    report["fields_wrong"] = [{"doc": r["name"], "dpi": r["dpi"], "ocr": r["fields"][0], "printed": r["fields"][1]}
                              for r in clean if not r["fields_ok"]]
    report["seconds_per_page"] = {
        f"{dpi}dpi": {key + "_median": round(statistics.median(r[key] for r in rows if r["dpi"] == dpi), 2)
                      for key in ("cpu", "tesseract_cpu", "wall")}
        for dpi in (300, 200)}
    report["set_seconds"] = round(time.perf_counter() - t0, 1)
    if not args.no_speed:
        report["scan_20_pages"] = _scan_20([s for _n, s in chosen], 2)
    if not args.no_corpus_scans:
        report["corpus_scans"] = _corpus_scans(args.corpus)
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0


def _version() -> str | None:
    from archive_cli.ingest.ocr import engine

    try:
        return engine().version
    except Exception:
        return None


def _font() -> str | None:
    from .pages import find_font

    found = find_font()
    return Path(found[0]).name if found else None
