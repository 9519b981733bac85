"""hand-edits: edits of ARCHIVE/documents/<id>.md, which people are meant to edit (issue 16 faults 1, 2, 9c).

After each edit: `check --json`, `check --repair --json`, `check --json` again. A case holds only
if no original's bytes left the archive (moving one to a quarantine folder inside it is fine),
no command crashed, the repair's count makes sense (it does not report more problems remaining
than it found), a damaged store file is reported by its name, the archive ends consistent or
with the damaged file still reported, no id is listed that cannot be shown, no id is listed
twice, and `show <id> --original` gives the original's bytes or one sentence (never "Is a
directory"). Valid edits must also end consistent with the document still found by its number.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import yaml

from . import fixtures as fx
from .harness import Case, Ctx, copy_archive, lost_originals, sentence_problem, snapshot

CATEGORY = "hand-edits"
TARGET_NUMBER = "125/KH-UBND"


def _split(text: str) -> tuple[str, str]:
    """(front matter YAML, rest after the closing ---)."""
    m = re.match(r"---\r?\n(.*?)\r?\n---\r?\n?(.*)", text, re.S)
    assert m, "store file without front matter"
    return m.group(1), m.group(2)


def _join(fm: str, body: str) -> str:
    return f"---\n{fm}\n---\n{body}"


def _sha(text: str) -> str:
    return re.search(r"sha256:\s*['\"]?([0-9a-f]{64})", text).group(1)


def _sub(pattern, repl, flags=0):
    def edit(p: Path, info: dict) -> None:
        text = p.read_text("utf-8")
        new, n = re.subn(pattern, repl, text, count=1, flags=flags)
        assert n, f"edit pattern {pattern!r} did not match"
        p.write_text(new, "utf-8")
    return edit


def _reorder(p: Path, info: dict) -> None:
    fm, body = _split(p.read_text("utf-8"))
    data = yaml.safe_load(fm)
    data = dict(reversed(list(data.items())))
    if isinstance(data.get("source"), dict):
        data["source"] = dict(reversed(list(data["source"].items())))
    p.write_text(_join(yaml.safe_dump(data, allow_unicode=True, sort_keys=False).rstrip("\n"), body), "utf-8")


def _comments(p: Path, info: dict) -> None:
    fm, body = _split(p.read_text("utf-8"))
    out = ["# sửa tay: ghi chú của văn thư"]
    for line in fm.splitlines():
        if re.match(r"\s*sha256:", line):
            out.append(line + "  # mã băm của bản gốc")
        elif re.match(r"[a-z_]+:", line):
            out.append("# --- " + line.split(":")[0])
            out.append(line)
        else:
            out.append(line)
    p.write_text(_join("\n".join(out), body), "utf-8")


def _flow(p: Path, info: dict) -> None:
    fm, body = _split(p.read_text("utf-8"))
    data = yaml.safe_load(fm)
    lines = []
    for k, v in data.items():
        if isinstance(v, (list, dict)):
            lines.append(f"{k}: " + yaml.safe_dump(v, default_flow_style=True, allow_unicode=True, width=10_000).strip())
        else:
            lines.append(yaml.safe_dump({k: v}, allow_unicode=True, width=10_000).strip())
    p.write_text(_join("\n".join(lines), body), "utf-8")


def _crlf(p: Path, info: dict) -> None:
    p.write_bytes(p.read_bytes().replace(b"\n", b"\r\n"))


def _bom(p: Path, info: dict) -> None:
    p.write_bytes(b"\xef\xbb\xbf" + p.read_bytes())


def _zero(p: Path, info: dict) -> None:
    p.write_bytes(b"")


def _bad_utf8_body(p: Path, info: dict) -> None:
    data = p.read_bytes()
    i = data.index(b"\n---\n") + 40
    p.write_bytes(data[:i] + b"\xff\xfe\xc3(" + data[i:])


def _bad_utf8_fm(p: Path, info: dict) -> None:
    p.write_bytes(re.sub(rb"(place: )", lambda m: m.group(1) + b"\xe9\xff ", p.read_bytes(), count=1))


def _truncate_fm(p: Path, info: dict) -> None:
    data = p.read_bytes()
    end = data.index(b"\n---\n", 4)
    p.write_bytes(data[: end * 2 // 5])


def _no_fm(p: Path, info: dict) -> None:
    _fm, body = _split(p.read_text("utf-8"))
    p.write_text(body, "utf-8")


def _no_source(p: Path, info: dict) -> None:
    fm, body = _split(p.read_text("utf-8"))
    fm = re.sub(r"^source:\n(?:[ \t]+.*\n?)*", "", fm + "\n", flags=re.M).rstrip("\n")
    p.write_text(_join(fm, body), "utf-8")


def _other_sha(p: Path, info: dict) -> None:
    text = p.read_text("utf-8")
    p.write_text(text.replace(_sha(text), info["other_sha"], 1), "utf-8")


def _delete(p: Path, info: dict) -> None:
    p.unlink()


def _rename(p: Path, info: dict) -> None:
    p.rename(p.with_name("ghi-chu-ke-hoach.md"))


def _duplicate(p: Path, info: dict) -> None:
    p.with_name(p.stem + " (copy).md").write_bytes(p.read_bytes())


def _directory(p: Path, info: dict) -> None:
    p.unlink()
    p.mkdir()


def _symlink_other(p: Path, info: dict) -> None:
    p.unlink()
    os.symlink(f"{info['other_id']}.md", p)


def _python_tag(p: Path, info: dict) -> None:
    text = p.read_text("utf-8")
    p.write_text(text.replace("\nlanguage:", "\nextra: !!python/object/apply:os.system [\"touch PWNED\"]\nlanguage:", 1),
                 "utf-8")


def _laughs(p: Path, info: dict) -> None:
    lines = ['tags:', '  - &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        lines.append(f"  - &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    text = p.read_text("utf-8")
    p.write_text(text.replace("\nlanguage:", "\n" + "\n".join(lines) + "\nlanguage:", 1), "utf-8")


def _anchor(p: Path, info: dict) -> None:
    text = p.read_text("utf-8")
    text = re.sub(r"\nplace: (.*)", r"\nplace: &noi \1\nplace_note: *noi", text, count=1)
    p.write_text(text, "utf-8")


def _dup_key(p: Path, info: dict) -> None:
    text = p.read_text("utf-8")
    p.write_text(text.replace("\nlanguage:", "\ntitle: Kế hoạch zqxduplicate\nlanguage:", 1), "utf-8")


def _stray_original(p: Path, info: dict) -> None:
    d = p.parent.parent / "originals" / "zz"
    d.mkdir(exist_ok=True)
    (d / "ghi-chu.txt").write_text("ghi chú của văn thư, không phải bản gốc\n", "utf-8")


def _stray_docs(p: Path, info: dict) -> None:
    (p.parent / "README.txt").write_text("Thư mục lưu văn bản.\n", "utf-8")
    (p.parent / "ghi-chu.md").write_text("# Ghi chú\n\nKhông có front matter.\n", "utf-8")


def _nfd_title(p: Path, info: dict) -> None:
    import unicodedata
    text = p.read_text("utf-8")
    text = re.sub(r"\ntitle: (.*)", lambda m: "\ntitle: " + unicodedata.normalize("NFD", "Kế hoạch zqxnfd ") + m.group(1),
                  text, count=1)
    p.write_text(text, "utf-8")


# (name, edit, kind, fault): kind "valid" (same data or a correction: must end consistent and
# intact), "damage" (the first check must name the file), "other" (semantic changes)
EDITS = [
    ("quote-sha256-double", _sub(r"sha256: ([0-9a-f]{64})", r'sha256: "\1"'), "valid", "1"),
    ("quote-sha256-single", _sub(r"sha256: ([0-9a-f]{64})", r"sha256: '\1'"), "valid", "1"),
    ("sha256-str-tag", _sub(r"sha256: ([0-9a-f]{64})", r"sha256: !!str \1"), "valid", "1"),
    ("sha256-folded-block", _sub(r"( +)sha256: ([0-9a-f]{64})", r"\1sha256: >-\n\1  \2"), "valid", "1"),
    ("reorder-keys", _reorder, "valid", "1"),
    ("comments", _comments, "valid", "1"),
    ("flow-style", _flow, "valid", "1"),
    ("crlf-line-ends", _crlf, "valid", None),
    ("utf8-bom", _bom, "valid", None),
    ("edit-title", _sub(r"\ntitle: ", "\ntitle: zqxedited "), "valid", None),
    ("nfd-title", _nfd_title, "valid", None),
    ("yaml-anchor-alias", _anchor, "other", None),
    ("duplicate-key", _dup_key, "other", None),
    ("sha256-uppercase", lambda p, i: p.write_text(p.read_text("utf-8").replace(_sha(p.read_text("utf-8")), _sha(p.read_text("utf-8")).upper()), "utf-8"), "other", "1"),
    ("change-id-new", _sub(r"^id: \w+", "id: deadbeef0001", re.M), "other", "9c"),
    ("change-id-existing", None, "other", "9c"),  # filled in cases()
    ("zero-byte", _zero, "damage", "1"),
    ("invalid-utf8-body", _bad_utf8_body, "damage", "2"),
    ("invalid-utf8-front-matter", _bad_utf8_fm, "damage", "2"),
    ("invalid-yaml-unclosed-quote", _sub(r"\nplace: ", '\nplace: "'), "damage", None),
    ("invalid-yaml-tab-indent", _sub(r"\n  sha256:", "\n\tsha256:"), "damage", "1"),
    ("truncated-in-front-matter", _truncate_fm, "damage", "1"),
    ("replaced-by-folder", _directory, "damage", "1"),
    ("python-object-tag", _python_tag, "damage", None),
    ("billion-laughs-tags", _laughs, "damage", None),
    ("no-front-matter", _no_fm, "other", "1"),
    ("no-source", _no_source, "other", "1"),
    ("no-sha256-line", _sub(r"\n +sha256: .*", ""), "other", "1"),
    ("other-documents-sha256", _other_sha, "other", "1"),
    ("store-file-deleted", _delete, "other", "1"),
    ("store-file-renamed", _rename, "other", "1"),
    ("store-file-copied", _duplicate, "other", None),
    ("symlink-to-other-document", _symlink_other, "other", "1"),
    ("stray-file-in-originals", _stray_original, "other", "1"),
    ("stray-files-in-documents", _stray_docs, "other", None),
]


def _make(name: str, edit, kind: str):
    def fn(c: Ctx) -> None:
        tpl = fx.sample_archive(c.env)
        copy_archive(tpl["path"], c.archive)
        doc_id = tpl["by_number"][TARGET_NUMBER]
        other_id = next(i for i in tpl["ids"] if i != doc_id)
        path = c.archive / "documents" / f"{doc_id}.md"
        text = path.read_text("utf-8")
        sha = _sha(text)
        info = {"id": doc_id, "other_id": other_id,
                "other_sha": _sha((c.archive / "documents" / f"{other_id}.md").read_text("utf-8"))}
        original = (c.archive / "originals" / sha[:2] / sha).read_bytes()
        before = snapshot(c.archive)
        edit(path, info)
        c.note(f"edit A/documents/<id of {TARGET_NUMBER}>.md: {name}")
        damaged_name = f"{doc_id}.md"

        def hung() -> bool:
            return any("still running" in x for x in c.problems)

        first = c.check_json("check --json", timeout=12)
        if hung():
            return
        if kind == "damage" and first is not None:
            msgs = " ".join(p.get("message", "") for p in first.get("problems", []))
            if first.get("ok"):
                c.fail("check says OK about a damaged store file")
            elif damaged_name not in msgs and doc_id not in msgs:
                c.fail(f"check does not name the damaged file {damaged_name}: {msgs[:160]!r}")
        rep = c.check_json("check --repair --json", "--repair", timeout=20)
        if hung():
            return
        if rep is not None:
            found, remaining = len(rep.get("problems", [])), len(rep.get("remaining", []))
            if remaining > found:
                c.fail(f"repair reports {found - remaining} problems fixed ({found} found, {remaining} remaining)")
        after_rep = snapshot(c.archive)
        lost = lost_originals(before, after_rep)
        if lost:
            c.fail(f"repair deleted original(s) {', '.join(x.split('/')[-1][:12] for x in lost)} "
                   f"(report: {'OK' if rep and rep.get('ok') else 'problems'})")
        final = c.check_json("check --json (after repair)", timeout=20)
        if final is not None and not final.get("ok"):
            msgs = " ".join(p.get("message", "") for p in final.get("problems", []))
            if kind == "valid":
                c.fail(f"a valid edit does not end consistent: {msgs[:200]!r}")
            elif damaged_name not in msgs and doc_id not in msgs and "ghi-chu" not in msgs and "copy" not in msgs:
                c.fail(f"not consistent after repair, and the edited file is not named: {msgs[:200]!r}")
        # ghosts and duplicates
        ids = c.list_ids()
        if ids is not None:
            if len(ids) != len(set(ids)):
                c.fail(f"list shows an id twice: {sorted(i for i in set(ids) if ids.count(i) > 1)}")
            for i in set(ids) - set(tpl["ids"]):
                r = c.cli("show", i, "--json")
                if r.rc != 0:
                    c.fail(f"ghost: list shows {i}, but show {i} gives exit {r.rc} ({r.last_err_line()})")
            if kind == "valid" and doc_id not in ids:
                c.fail(f"{doc_id} is no longer listed after a valid edit")
        r = c.cli("show", doc_id, "--original", timeout=20)
        if r.rc == 0:
            if r.out != original and kind != "other":
                c.fail("show --original printed bytes that are not the original")
        else:
            c.clean(r, "show --original", (1,))
            prob = sentence_problem(r.stderr)
            if "Is a directory" in r.stderr and (kind != "damage" or "originals" in r.stderr or name != "replaced-by-folder"):
                c.fail(f"show --original says {r.last_err_line()!r}")
            elif prob:
                c.fail(f"show --original: {prob}")
            elif kind == "valid":
                c.fail(f"show --original after a valid edit: exit {r.rc} ({r.last_err_line()})")
        if kind == "valid":
            s = c.cli("search", TARGET_NUMBER, "--json")
            if c.clean(s, "search by number", (0, 1)):
                try:
                    hits = [h["id"] for h in s.json().get("results", [])]
                except ValueError:
                    hits = []
                if doc_id not in hits:
                    c.fail(f"search {TARGET_NUMBER} no longer finds the edited document")
            if name in ("edit-title", "nfd-title"):
                word = "zqxedited" if name == "edit-title" else "zqxnfd"
                s = c.cli("search", word, "--json")
                if s.rc != 0:
                    c.fail(f"after repair, search {word} does not find the corrected title (exit {s.rc})")
        if (c.dir / "PWNED").exists() or (c.archive / "PWNED").exists():
            c.fail("a YAML tag in a store file ran code (PWNED was created)")
    return fn


def cases(env) -> list[Case]:
    out = []
    for name, edit, kind, fault in EDITS:
        if name == "change-id-existing":
            def edit(p, info):
                text = p.read_text("utf-8")
                p.write_text(re.sub(r"^id: \w+", f"id: {info['other_id']}", text, count=1, flags=re.M), "utf-8")
        out.append(Case(CATEGORY, name, _make(name, edit, kind), fault))
    return out
