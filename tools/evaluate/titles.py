"""``python -m tools.evaluate titles``: titles, types and numbers over the whole imported corpus.

Imports every file of the corpus folder (as ``archive import CORPUS`` does: every format
archive-cli reads; sidecar ``.json`` files and ``SOURCES.md`` are not documents) into a
temporary archive, or reuses ``--archive DIR``, then reads every store file's front matter and
prints one JSON report (issue 18):

- ``documents``, ``titled``, ``title_share``: documents with a non-empty title;
- ``boilerplate_titles``: titles that are header or form furniture (``parse.title.is_boilerplate``);
- ``untitled``: the rest, by source path;
- ``title_sources``: how many titles came from the document, a portal caption, a first heading or
  a first line; ``untyped``, ``no_number``;
- ``shouting``: titles still mostly in capitals after the type words; ``long_titles``: over 150
  characters;
- ``shared_cong_van_titles``: Công văn whose title (with subtitle) another Công văn shares.

Exit code 0 when at least ``--target`` of the documents have a title and none is boilerplate.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
NOT_DOCUMENTS = {"SOURCES.md"}


def corpus_files(corpus: Path) -> list[Path]:
    return sorted(p for p in corpus.rglob("*") if p.is_file() and p.suffix.lower() != ".json"
                  and p.name not in NOT_DOCUMENTS)


def report(archive_dir: Path, corpus: Path, jobs: int) -> dict:
    from archive_cli.archive import Archive
    from archive_cli.front_matter import read

    try:
        from archive_cli.parse.title import is_boilerplate
        from archive_cli.text.casing import is_shouting
    except ImportError:  # a checkout from before issue 18 (to measure "before"): no such checks
        is_boilerplate = is_shouting = None

    arch = Archive(archive_dir)
    files = corpus_files(corpus)
    results = list(arch.import_paths(files, jobs=jobs))
    paths: dict[str, list[str]] = {}
    failed = []
    for r in results:
        if r.status in ("imported", "duplicate") and r.id:
            paths.setdefault(r.id, []).append(str(Path(r.path).resolve().relative_to(corpus.resolve())))
        else:
            failed.append({"path": str(r.path), "status": r.status, "error": r.error})
    metas = {}
    for doc_id in paths:
        text = (archive_dir / "documents" / f"{doc_id}.md").read_text(encoding="utf-8")
        metas[doc_id] = read(text)[0]
    titled = {i for i, m in metas.items() if str(m.get("title") or "").strip()}
    boiler = None if is_boilerplate is None else sorted(
        paths[i][0] + ": " + str(metas[i]["title"]) for i in titled if is_boilerplate(str(metas[i]["title"])))
    heads = ("Công văn ", "Quyết định ", "Nghị quyết ", "Thông tư ", "Kế hoạch ", "Nghị định ", "Thông báo ")

    def summary(t: str) -> str:
        return next((t[len(h):] for h in heads if t.startswith(h)), t)

    cv = Counter(" — ".join(x for x in (str(m.get("title") or ""), str(m.get("subtitle") or "")) if x)
                 for m in metas.values() if m.get("doc_type") == "Công văn")
    n = len(metas)
    return {
        "corpus": str(corpus), "files": len(files), "failed": failed, "documents": n,
        "titled": len(titled), "title_share": round(len(titled) / n, 4) if n else None,
        "boilerplate_titles": boiler,
        "untitled": sorted(paths[i][0] for i in metas if i not in titled),
        "title_sources": dict(Counter(str(m.get("title_source")) for i, m in metas.items() if i in titled)),
        "untyped": sum(1 for m in metas.values() if not m.get("doc_type")),
        "no_number": sum(1 for m in metas.values() if not m.get("number")),
        "shouting": None if is_shouting is None else len(
            [i for i in titled if is_shouting(summary(str(metas[i]["title"])))]),
        "long_titles": sum(1 for i in titled if len(str(metas[i]["title"])) > 150),
        "cong_van": sum(cv.values()),
        "shared_cong_van_titles": sum(c for c in cv.values() if c > 1),
        "subtitles": sum(1 for m in metas.values() if m.get("subtitle")),
    }


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m tools.evaluate titles",
                                 description="Title, type and number coverage over the imported corpus (JSON).")
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--archive", type=Path, help="reuse (or create) this archive instead of a temporary one")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--target", type=float, default=0.99)
    args = ap.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"corpus folder not found: {args.corpus}", file=sys.stderr)
        return 2
    if args.archive:
        result = report(args.archive, args.corpus, args.jobs)
    else:
        with tempfile.TemporaryDirectory(prefix="titles-") as tmp:
            result = report(Path(tmp) / "archive", args.corpus, args.jobs)
    json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
    print()
    ok = result["title_share"] is not None and result["title_share"] >= args.target and not result["boilerplate_titles"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
