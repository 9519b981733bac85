"""``python -m tools.evaluate legacy``: how well legacy TCVN3/VNI files come out as Unicode.

For each real document in ``legacy-viparse/{tcvn3,vni}/`` the sidecar JSON names a ground-truth
transcript. Character accuracy = 1 − CER, where CER = edit distance / length of the truth, both
texts with runs of white space collapsed (line wrapping is not an error). The edit distance is
computed on the changed blocks of a word-level diff only: patience-diff anchors (words unique in
both texts) cut the texts into short segments, difflib aligns the words of each segment, and
Levenshtein runs inside each small replaced block (a character-level diff inside large ones). The
result is an upper bound on the true distance, equal to it when changes are scattered; the whole
set of 64 documents takes about 20 s.

``--synthetic`` adds the 12 synthetic VNI .docx files, scored apart by line precision.
``--all-corpus`` instead runs :func:`archive_cli.ingest.extract` on every file in the corpus and
prints the outcome counts: ok by format (and encoding), failed by reason.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

_WS = re.compile(r"\s+")
DEFAULT_CORPUS = Path(os.environ.get("ARCHIVE_CORPUS", Path(__file__).resolve().parents[3] / "shared" / "corpus"))


def normalise(text: str) -> str:
    """NFC, white space runs collapsed to one space, ends trimmed."""
    import unicodedata

    return _WS.sub(" ", unicodedata.normalize("NFC", text)).strip()


def _levenshtein(a: str, b: str) -> int:
    """Plain O(len(a)·len(b)) distance with two rows; only called on small changed blocks."""
    if len(a) < len(b):
        a, b = b, a
    if not b:
        return len(a)
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def _block_distance(a: str, b: str) -> int:
    """A large changed block: character-level diff, each differing stretch costs its longer side
    (an upper bound on the edit distance, close to it for scattered changes)."""
    from difflib import SequenceMatcher

    sm = SequenceMatcher(None, a, b, autojunk=False)
    return sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in sm.get_opcodes() if tag != "equal")


def _anchors(wa: list[str], wb: list[str]) -> list[tuple[int, int]]:
    """Patience-diff anchors: words occurring once in each text, in an order both agree on
    (longest increasing subsequence). They cut the texts into small segments to diff."""
    import bisect
    from collections import Counter

    ca, cb = Counter(wa), Counter(wb)
    where_b = {w: j for j, w in enumerate(wb) if cb[w] == 1}
    pairs = [(i, where_b[w]) for i, w in enumerate(wa) if ca[w] == 1 and w in where_b]
    tails: list[int] = []  # LIS over the b positions, keeping back-pointers
    tail_idx: list[int] = []
    back = [-1] * len(pairs)
    for k, (_, j) in enumerate(pairs):
        pos = bisect.bisect_left(tails, j)
        if pos == len(tails):
            tails.append(j)
            tail_idx.append(k)
        else:
            tails[pos] = j
            tail_idx[pos] = k
        back[k] = tail_idx[pos - 1] if pos else -1
    out = []
    k = tail_idx[-1] if tail_idx else -1
    while k >= 0:
        out.append(pairs[k])
        k = back[k]
    return out[::-1]


def _segment_distance(wa: list[str], wb: list[str]) -> int:
    from difflib import SequenceMatcher

    if not wa or not wb:
        return len(" ".join(wa or wb)) + 1 if (wa or wb) else 0
    total = 0
    sm = SequenceMatcher(None, wa, wb, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            continue
        sa, sb = " ".join(wa[i1:i2]), " ".join(wb[j1:j2])
        if tag == "delete":
            total += len(sa) + 1
        elif tag == "insert":
            total += len(sb) + 1
        elif len(sa) * len(sb) > 250_000:
            total += _block_distance(sa, sb)
        else:
            total += _levenshtein(sa, sb)
    return total


def edit_distance(a: str, b: str) -> int:
    """Edit distance between two space-separated texts: exact inside each differing block of a
    word-level diff, so an upper bound that equals the true distance when changes are scattered.
    Patience anchors first split the texts so the diff never runs on 100 KB at once."""
    wa, wb = a.split(" "), b.split(" ")
    total = 0
    prev_i = prev_j = 0
    for i, j in _anchors(wa, wb) + [(len(wa), len(wb))]:
        total += _segment_distance(wa[prev_i:i], wb[prev_j:j])
        prev_i, prev_j = i + 1, j + 1
    return total


def accuracy(got: str, truth: str, fold_case: bool) -> float:
    got, truth = normalise(got), normalise(truth)
    if fold_case:
        got, truth = got.lower(), truth.lower()
    if not truth:
        return 1.0 if not got else 0.0
    return max(0.0, 1.0 - edit_distance(got, truth) / len(truth))


def line_precision(got: str, truth: str, fold_case: bool) -> float:
    """Share of the extracted lines (white space collapsed) found among the truth's lines."""
    def lines(text: str) -> list[str]:
        out = [normalise(line) for line in text.splitlines()]
        return [line.lower() if fold_case else line for line in out if line]

    truth_lines = set(lines(truth))
    got_lines = lines(got)
    return sum(line in truth_lines for line in got_lines) / len(got_lines) if got_lines else 0.0


def _synthetic(corpus: Path) -> list[tuple[Path, Path, str]]:
    """The synthetic VNI .docx files (not real documents). They hold a selection of the lines of
    the transcript they were re-encoded from, so they are scored by line precision: the share of
    extracted lines that are lines of the transcript."""
    docs = []
    for path in sorted((corpus / "legacy-viparse" / "synthetic-vni").glob("*.docx")):
        truth = corpus / "legacy-viparse" / "ground-truth" / (path.stem.removeprefix("synthetic-vni-") + ".txt")
        if truth.is_file():
            docs.append((path, truth, "synthetic-vni"))
    return docs


def _documents(corpus: Path) -> list[tuple[Path, Path, str]]:
    docs = []
    for sub in ("tcvn3", "vni"):
        for sidecar in sorted((corpus / "legacy-viparse" / sub).glob("*.json")):
            meta = json.loads(sidecar.read_text("utf-8"))
            truth = (sidecar.parent / meta["ground_truth"]).resolve()
            originals = [p for p in sidecar.parent.glob(sidecar.stem + ".*") if p.suffix != ".json"]
            if originals and truth.is_file():
                docs.append((originals[0], truth, meta.get("encoding", sub)))
    return docs


def run_legacy(corpus: Path, synthetic: bool = False) -> dict:
    from archive_cli.errors import IngestError
    from archive_cli.ingest import extract

    rows = []
    for path, truth_path, declared in _documents(corpus) + (_synthetic(corpus) if synthetic else []):
        truth = truth_path.read_text("utf-8")
        start = time.perf_counter()
        try:
            got = extract(path.name, path.read_bytes())
            text, fmt, enc, error = got.text, got.format, got.encoding, None
        except IngestError as exc:
            text, fmt, enc, error = "", None, None, str(exc)
        if declared == "synthetic-vni":
            acc_ci, acc_cs = line_precision(text, truth, True), line_precision(text, truth, False)
        else:
            acc_ci, acc_cs = accuracy(text, truth, True), accuracy(text, truth, False)
        rows.append({
            "file": f"{path.parent.name}/{path.name}", "declared": declared, "format": fmt,
            "detected": enc, "error": error, "acc_ci": round(acc_ci, 5), "acc_cs": round(acc_cs, 5),
            "seconds": round(time.perf_counter() - start, 3),
        })
    summary = {}
    real = [r for r in rows if r["declared"] != "synthetic-vni"]
    groups = {"all": real}
    for enc in sorted({r["declared"] for r in rows}):
        groups[enc] = [r for r in rows if r["declared"] == enc]
    for ext in sorted({Path(r["file"]).suffix for r in real}):
        groups[ext] = [r for r in real if Path(r["file"]).suffix == ext]
    for key, group in groups.items():
        if group:
            summary[key] = {
                "n": len(group),
                "median_ci": statistics.median(r["acc_ci"] for r in group),
                "worst_ci": min(r["acc_ci"] for r in group),
                "median_cs": statistics.median(r["acc_cs"] for r in group),
                "worst_cs": min(r["acc_cs"] for r in group),
            }
    return {"documents": rows, "summary": summary}


def run_all(corpus: Path) -> dict:
    from archive_cli.errors import IngestError
    from archive_cli.ingest import extract

    ok: Counter[str] = Counter()
    failed: Counter[str] = Counter()
    by_folder: dict[str, Counter[str]] = {}
    files = []
    for path in sorted(p for p in corpus.rglob("*") if p.is_file()):
        rel = path.relative_to(corpus).as_posix()
        try:
            got = extract(path.name, path.read_bytes())
            key = f"{got.format} ({got.encoding})" if got.encoding else got.format
            ok[key] += 1
            by_folder.setdefault(_folder(rel), Counter())[f"ok {got.format}"] += 1
            files.append({"file": rel, "outcome": "ok", "format": got.format, "encoding": got.encoding, "chars": len(got.text)})
        except IngestError as exc:
            failed[str(exc)] += 1
            by_folder.setdefault(_folder(rel), Counter())[f"failed: {exc}"] += 1
            files.append({"file": rel, "outcome": "failed", "reason": str(exc)})
    return {"ok": dict(ok.most_common()), "failed": dict(failed.most_common()),
            "by_folder": {k: dict(v.most_common()) for k, v in sorted(by_folder.items())},
            "total": len(files), "files": files}


def _folder(rel: str) -> str:
    """Top two levels of a corpus path (legacy-viparse/tcvn3), or the file's own folder."""
    parts = rel.split("/")[:-1]
    return "/".join(parts[:2]) or "."


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m tools.evaluate legacy", description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    ap.add_argument("--all-corpus", action="store_true", help="extract every corpus file and count outcomes")
    ap.add_argument("--synthetic", action="store_true",
                    help="also score the 12 synthetic VNI .docx files (reported apart, not in 'all')")
    args = ap.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"corpus not found at {args.corpus}", file=sys.stderr)
        return 2
    if args.all_corpus:
        result = run_all(args.corpus)
        if args.json:
            print(json.dumps(result, ensure_ascii=False, indent=1))
            return 0
        print(f"{result['total']} files")
        print("ok:")
        for key, n in result["ok"].items():
            print(f"  {n:5d}  {key}")
        print("failed:")
        for key, n in result["failed"].items():
            print(f"  {n:5d}  {key}")
        print("by folder:")
        for folder, counts in result["by_folder"].items():
            print(f"  {folder}: " + ", ".join(f"{n} {key}" for key, n in counts.items()))
        return 0
    result = run_legacy(args.corpus, synthetic=args.synthetic)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return 0
    print(f"{'document':60s} {'encoding':9s} {'detected':18s} {'acc ci':>8s} {'acc cs':>8s}")
    for r in result["documents"]:
        det = r["detected"] or (r["error"] or "-")[:18]
        print(f"{r['file'][:60]:60s} {r['declared'][:9]:9s} {det[:18]:18s} {r['acc_ci']:8.2%} {r['acc_cs']:8.2%}")
    print()
    for key, s in result["summary"].items():
        print(f"{key:13s} n={s['n']:3d}  case-insensitive median {s['median_ci']:.2%} worst {s['worst_ci']:.2%}"
              f"  | case-sensitive median {s['median_cs']:.2%} worst {s['worst_cs']:.2%}")
    return 0
