"""bad-files: hostile and odd inputs to `archive import` (SPEC §7, issue 16 faults 3, 4, 7, 9).

Each case copies the six-document sample archive, writes its input under ``in/`` and imports it
with ``--json``. It holds when the import ends within the case's time and memory bound, without a
traceback; each file gets the expected outcome with a one-sentence error; the exit code agrees
with the outcomes; nothing already in the archive changed; exactly one store file and one
original were added per imported file (no orphan original for a failed one); no temp file is
left; `check` is clean; and, for fast cases, the text-mode run names the file on stderr without
raw control characters.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
import zipfile
import zlib
import io
from pathlib import Path

from . import fixtures as fx
from .harness import Case, Ctx, Skip, copy_archive, has_traceback, raw_control, sentence_problem, snapshot

CATEGORY = "bad-files"


def _w(c: Ctx, name, data: bytes) -> str | bytes:
    """Write in/<name> (str or bytes name) and return its path relative to the case folder."""
    if isinstance(name, bytes):
        path = os.path.join(os.fsencode(c.inbox), name)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        return b"in/" + name
    (c.inbox / name).write_bytes(data)
    return f"in/{name}"


def _sample(c: Ctx) -> dict:
    tpl = fx.sample_archive(c.env)
    copy_archive(tpl["path"], c.archive)
    return tpl


def import_case(c: Ctx, make, *, expect: str = "fail", bound: float = 10.0, timeout: float | None = None,
                args: tuple = (), text_check: bool = True, mem_mb: float = 2500, expect_docs: int | None = None,
                env: dict | None = None, as_nobody: bool = False, sentence_name: bool = True) -> list[dict]:
    """The common body of a bad-file case; returns the JSON lines of the import."""
    _sample(c)
    targets = make(c)
    if as_nobody:
        subprocess.run(["chown", "-R", "65534:65534", str(c.archive)], check=True)
    before = snapshot(c.archive)
    r = c.cli("import", "--json", *args, *targets, timeout=timeout or max(bound * 2, 20), env=env, as_nobody=as_nobody)
    c.clean(r, "import", (0, 1))
    if not r.timed_out and r.seconds > bound:
        c.fail(f"import took {r.seconds:.1f} s (bound {bound:g} s)")
    if r.maxrss_mb > mem_mb:
        c.fail(f"import peaked at {r.maxrss_mb:.0f} MB of memory (bound {mem_mb:g} MB)")
    lines: list[dict] = []
    if not r.timed_out:
        try:
            lines = r.json_lines()
        except ValueError:
            c.fail(f"import --json printed something that is not JSON lines: {r.stdout[:100]!r}")
    statuses = [x.get("status") for x in lines]
    failed = [x for x in lines if x.get("status") == "failed"]
    if lines:
        if expect == "fail" and not failed:
            c.fail(f"expected a failure, got {statuses}")
        if expect == "import" and any(s != "imported" for s in statuses):
            c.fail("expected an import, got " + ", ".join(
                f"{s}: {x.get('error')}" if x.get("error") else str(s) for s, x in zip(statuses, lines))[:300])
        want_rc = 1 if failed else 0
        if r.rc is not None and r.rc != want_rc and not has_traceback(r):
            c.fail(f"exit {r.rc} with outcomes {statuses} (expected {want_rc})")
        for x in failed:
            err = x.get("error") or ""
            prob = sentence_problem(err, max_lines=1)
            if prob:
                c.fail(f"error for {x.get('path')!r} is not one clear sentence ({prob})")
    elif not r.timed_out and r.rc == 0:
        c.fail("import printed no result line and exited 0")
    after = snapshot(c.archive)
    changed = [k for k, v in before.store.items() if after.store.get(k) != v]
    if changed:
        c.fail(f"store files already in the archive changed or vanished: {changed[:3]}")
    lost = [k for k, v in before.originals.items() if after.originals.get(k) != v]
    if lost:
        c.fail(f"originals already in the archive changed or vanished: {lost[:3]}")
    new_store = set(after.store) - set(before.store)
    new_orig = set(after.originals) - set(before.originals)
    n_imp = sum(1 for s in statuses if s == "imported")
    if not r.timed_out:
        if expect_docs is not None and len(new_store) != expect_docs:
            c.fail(f"{len(new_store)} documents added, expected {expect_docs}")
        if len(new_store) != n_imp:
            c.fail(f"{len(new_store)} store files added for {n_imp} imported")
        if len(new_orig) != len(new_store):
            c.fail(f"{len(new_orig)} originals added for {len(new_store)} store files (orphan original)")
    if r.timed_out:  # the harness killed it: what a kill leaves is the kills category's business
        return lines
    if after.tmp:
        c.fail(f"temp files left: {after.tmp[:3]}")
    c.expect_consistent("check after the import")
    if text_check and failed and not r.timed_out and r.seconds < 3:
        r2 = c.cli("import", *args, *targets, timeout=30, env=env, as_nobody=as_nobody)
        if c.clean(r2, "import (text mode)", (1,)):
            bad = raw_control(r2.err) or raw_control(r2.out)
            if bad:
                c.fail(f"text-mode output has a control character: {bad}")
            for x in failed:
                base = os.path.basename(x.get("path") or "")
                if sentence_name and base.isprintable() and base and base not in r2.stderr:
                    c.fail(f"text-mode stderr does not name {base!r}: {r2.last_err_line()!r}")
    return lines


def _simple(name: str, data_fn, expect="fail", **kw):
    def fn(c: Ctx) -> None:
        def make(c):
            return [_w(c, name, data_fn(c) if callable(data_fn) else data_fn)]
        desc = (data_fn.__doc__ if callable(data_fn) else None) or f"{len(data_fn)} bytes: {data_fn[:40]!r}"
        c.note(f"in/{name}: {desc}")
        import_case(c, make, expect=expect, **kw)
    return fn


# --- content makers ------------------------------------------------------------------------------

def _elf(c):
    """the first 64 KB of the Python executable"""
    return Path(os.path.realpath(fx.PY)).read_bytes()[:65536]


def _png(c):
    """a PNG header and random bytes"""
    return b"\x89PNG\r\n\x1a\n" + fx.random_bytes(7, 4000)


def _rand(seed):
    def f(c):
        """64 KB of seeded random bytes"""
        return fx.random_bytes(seed, 65536)
    return f


def _truncated_docx(c):
    """a valid python-docx file cut in half"""
    data = fx.docx_bytes()
    return data[: len(data) // 2]


def _docx_bad_xml(c):
    """a docx whose word/document.xml is not well-formed"""
    return fx.docx_with_body([b"<w:p><w:r><w:t>KE HOACH</w:t></w:r><w:p><unclosed"])


def _zip_not_docx(c):
    """a zip of a text file named .docx"""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "xin chào")
    return buf.getvalue()


def _zipbomb_paragraphs(c):
    """docx with 300 MB of word/document.xml (9 M paragraphs), 1 MB zipped"""
    para = b"<w:p><w:r><w:t>a</w:t></w:r></w:p>" * 10000
    n = 300_000_000 // len(para)
    return fx.docx_with_body(para for _ in range(n))


def _zipbomb_text(c):
    """docx with one 400 MB text run, zipped to under 1 MB"""
    run = b"a " * 1_000_000

    def chunks():
        yield b"<w:p><w:r><w:t>"
        for _ in range(200):
            yield run
        yield b"</w:t></w:r></w:p>"
    return fx.docx_with_body(chunks())


def _xxe_docx(secret: Path):
    def f(c):
        """docx whose document.xml declares an external entity reading a local file"""
        header = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                  b'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file://' + os.fsencode(secret) + b'">]>\n'
                  b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">')
        return fx.docx_with_body([b"<w:p><w:r><w:t>KE HOACH &xxe; noi dung</w:t></w:r></w:p>"], header=header)
    return f


def _xml_laughs_docx(c):
    """docx whose document.xml is an XML billion-laughs"""
    ents = b'<!ENTITY l0 "lol">' + b"".join(
        b'<!ENTITY l%d "%s">' % (i, b"".join(b"&l%d;" % (i - 1) for _ in range(10))) for i in range(1, 10))
    header = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<!DOCTYPE w:document [' + ents + b']>\n'
              b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">')
    return fx.docx_with_body([b"<w:p><w:r><w:t>&l9;</w:t></w:r></w:p>"], header=header)


def _pdf_bomb(c):
    """PDF whose one content stream inflates to 200 MB of text operators"""
    unit = b"BT /F1 12 Tf 72 712 Td (aaaaaaaa bbbbbbbb) Tj ET\n" * 20000
    co = zlib.compressobj(9)
    parts = [co.compress(unit) for _ in range(200_000_000 // len(unit))]
    parts.append(co.flush())
    return fx.pdf_bytes([b"".join(parts)], compress="pre")


def _pdf_pages_bomb(c):
    """PDF of 20,000 pages sharing one 50 KB content stream"""
    lines = [f"Noi dung dong {i} ke hoach kiem thu" for i in range(1500)]
    return fx.pdf_bytes([fx.pdf_text_stream(lines)], share_stream_pages=20000)


def _pdf_loop(c):
    """PDF whose page tree lists itself among its kids"""
    return fx.pdf_bytes([fx.pdf_text_stream(["KE HOACH kiem thu vong lap"])], kids_loop=True)


def _pdf_truncated(c):
    """a small valid PDF cut in half"""
    data = fx.pdf_bytes([fx.pdf_text_stream([f"KE HOACH dong {i}" for i in range(200)])])
    return data[: len(data) // 2]


def _ole_random(c):
    """the OLE2 magic followed by random bytes (.doc)"""
    return bytes.fromhex("D0CF11E0A1B11AE1") + fx.random_bytes(11, 20000)


def _deep_html(depth):
    def f(c):
        """deeply nested <div> elements"""
        return (b"<html><body>" + b"<div>" * depth + "Kế hoạch số 12/KH-UBND về kiểm thử".encode() +
                b"</div>" * depth + b"</body></html>")
    return f


def _deep_rtf(c):
    """RTF with 50,000 nested groups"""
    return b"{\\rtf1\\ansi " + b"{" * 50000 + b"KE HOACH" + b"}" * 50000 + b"}"


def _yaml_object(c):
    """Markdown whose front matter asks PyYAML to call os.system"""
    return ("---\ntitle: !!python/object/apply:os.system [\"touch PWNED\"]\nnumber: 1/KH-X\n---\n\n"
            "KẾ HOẠCH\n\nNội dung kiểm thử.\n").encode()


def _yaml_object_new(c):
    """front matter with !!python/object/new:subprocess.Popen"""
    return ("---\ntags: !!python/object/new:subprocess.Popen [[\"touch\", \"PWNED\"]]\n---\n\n"
            "KẾ HOẠCH\n\nNội dung kiểm thử.\n").encode()


def _laughs(levels):
    def f(c):
        """YAML billion laughs under tags:"""
        lines = ["---", "title: Kế hoạch kiểm thử", "tags:", '  - &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
        for i in range(1, levels + 1):
            lines.append(f"  - &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
        lines += ["---", "", "KẾ HOẠCH", "", "Nội dung."]
        return ("\n".join(lines) + "\n").encode()
    return f


def _huge_anchor(c):
    """a 4 MB anchored string aliased 200 times (800 MB if expanded)"""
    big = "x" * 4_000_000
    return ("---\ntitle: Kế hoạch\nnote: &big " + big + "\ntags: [" + ", ".join(["*big"] * 200) + "]\n---\n\nKẾ HOẠCH\n\nNội dung.\n").encode()


def _yaml_deep(c):
    """front matter with 20,000 nested flow lists"""
    return ("---\ntags: " + "[" * 20000 + "]" * 20000 + "\n---\n\nKẾ HOẠCH\n\nNội dung.\n").encode()


def _md_bad_yaml(c):
    """front matter that is not valid YAML (unclosed quote)"""
    return '---\ntitle: "Kế hoạch\nnumber: 12/KH\n---\n\nKẾ HOẠCH\n\nNội dung kiểm thử văn bản.\n'.encode()


def _md_id_traversal(c):
    """front matter with id: ../../../ESCAPED and a store-path-like number"""
    return ("---\nid: ../../../ESCAPED\ntitle: Kế hoạch thoát thư mục\n---\n\nKẾ HOẠCH\n\nNội dung kiểm thử id.\n").encode()


def _txt_nul(c):
    """valid text with NUL bytes inside"""
    return fx.plan_text(3, "nul").encode().replace(b"II.", b"\x00\x00II.", 1)


def _one_line(c):
    """5 MB of one word, no spaces or newlines"""
    return b"KE HOACH\n" + b"a" * 5_000_000


def _utf16(c):
    """a plan as UTF-16 with BOM"""
    return fx.plan_text(4, "utf16").encode("utf-16")


def _cp1258(c):
    """a plan in Windows-1258"""
    return fx.plan_text(5, "cpvn").encode("cp1258", "replace")


def _valid(i, tag):
    def f(c):
        """a valid plan"""
        return fx.plan_text(i, tag).encode()
    return f


# --- cases with their own set-up -----------------------------------------------------------------

def _xxe(c: Ctx) -> None:
    secret = c.dir / "secret.txt"
    secret.write_text("SECRETXXE4711")
    c.note("in/xxe.docx: docx whose document.xml has <!ENTITY xxe SYSTEM 'file://…/secret.txt'>")
    import_case(c, lambda c: [_w(c, "xxe.docx", _xxe_docx(secret)(c))], expect="either", bound=10)
    for p in (c.archive / "documents").glob("*.md"):
        if "SECRETXXE4711" in p.read_text("utf-8", "replace"):
            c.fail(f"the external entity was resolved: secret text in {p.name}")


def _object_case(maker, label):
    def fn(c: Ctx) -> None:
        c.note(f"in/obj.md: {label}")
        import_case(c, lambda c: [_w(c, "obj.md", maker(c))], expect="either", bound=10)
        if (c.dir / "PWNED").exists():
            c.fail("the YAML tag ran code (PWNED was created)")
    return fn


def _laughs_case(levels, bound):
    def fn(c: Ctx) -> None:
        data = _laughs(levels)(c)
        c.note(f"in/laughs.md: {len(data)}-byte front matter, {levels} levels of 9 aliases under tags:")
        import_case(c, lambda c: [_w(c, "laughs.md", data)], expect="fail", bound=bound, timeout=12,
                    mem_mb=1000)
    return fn


def _id_traversal(c: Ctx) -> None:
    c.note("in/idpath.md: front matter id: ../../../ESCAPED")
    import_case(c, lambda c: [_w(c, "idpath.md", _md_id_traversal(c))], expect="either")
    for p in (c.dir, c.dir.parent, c.dir.parent.parent):
        if any(x.name.startswith("ESCAPED") for x in p.iterdir()):
            c.fail(f"a file named by the front matter id was written outside the store ({p})")


def _fake_sha(c: Ctx) -> None:
    """A .md whose front matter claims another document's original; removing it must keep that original."""
    tpl = fx.sample_archive(c.env)
    victim = tpl["ids"][0]
    vtext = (tpl["path"] / "documents" / f"{victim}.md").read_text("utf-8")
    sha = re.search(r"sha256:\s*'?\"?([0-9a-f]{64})", vtext).group(1)
    c.note(f"in/fake.md: front matter source: {{sha256: <sha256 of {victim}'s original>}}")
    lines = import_case(c, lambda c: [_w(c, "fake.md", (
        f"---\ntitle: Kế hoạch giả mạo\nsource:\n  sha256: {sha}\n  filename: x.txt\n---\n\n"
        "KẾ HOẠCH\n\nNội dung giả mạo mã băm.\n").encode())], expect="either")
    new = [x["id"] for x in lines if x.get("status") == "imported" and x.get("id")]
    if new:
        r = c.cli("remove", new[0])
        c.clean(r, "remove", (0,))
        orig = c.archive / "originals" / sha[:2] / sha
        if not orig.is_file():
            c.fail(f"removing the forged document deleted {victim}'s original")
        r = c.cli("show", victim, "--original")
        if r.rc != 0:
            c.fail(f"show {victim} --original after removing the forged document: exit {r.rc} ({r.last_err_line()})")
        c.expect_consistent("check after remove")


def _same_twice(c: Ctx) -> None:
    c.note("in/a.txt passed twice, in/b.txt the same bytes under another name")
    def make(c):
        data = fx.plan_text(7, "twice").encode()
        return [_w(c, "a.txt", data), "in/a.txt", _w(c, "b.txt", data)]
    lines = import_case(c, make, expect="either", expect_docs=1)
    if sum(1 for x in lines if x.get("status") == "imported") != 1:
        c.fail(f"outcomes {[x.get('status') for x in lines]}: the same bytes must import once")


def _copies_jobs(c: Ctx) -> None:
    c.note("10 copies of the same bytes and 4 other files, --jobs 2 (worker processes)")
    def make(c):
        data = fx.plan_text(8, "copies").encode()
        out = [_w(c, f"copy{i}.txt", data) for i in range(10)]
        out += [_w(c, f"other{i}.txt", fx.plan_text(20 + i, "other").encode()) for i in range(4)]
        return out
    import_case(c, make, expect="either", args=("--jobs", "2"), expect_docs=5)


def _latin1(c: Ctx) -> None:
    c.note("in/caf\\xe9.txt: a valid plan whose file name has a Latin-1 byte (not UTF-8)")
    import_case(c, lambda c: [_w(c, b"caf\xe9-ke-hoach.txt", fx.plan_text(9, "latin").encode())], expect="either",
                sentence_name=False)


def _latin1_dir(c: Ctx) -> None:
    c.note("in/d\\xe9p/: a folder with a Latin-1 byte holding two valid plans, imported as a folder")
    def make(c):
        d = os.path.join(os.fsencode(c.inbox), b"d\xe9p")
        os.mkdir(d)
        for i in range(2):
            with open(os.path.join(d, b"k%d\xe9.txt" % i), "wb") as f:
                f.write(fx.plan_text(40 + i, "latindir").encode())
        return ["in"]
    import_case(c, make, expect="either", sentence_name=False)


def _ctrl_name(label, byte):
    def fn(c: Ctx) -> None:
        name = b"ke" + byte + b"hoach.txt"
        c.note(f"in/ke{label}hoach.txt: a valid plan whose name has {label}")
        import_case(c, lambda c: [_w(c, name, fx.plan_text(10 + byte[0], "ctrl").encode())], expect="import",
                    sentence_name=False)
    return fn


def _long_name(c: Ctx) -> None:
    name = "a" * 250 + ".txt"
    c.note("in/aaaa…(254 chars).txt: a valid plan with a 254-byte name")
    import_case(c, lambda c: [_w(c, name, fx.plan_text(11, "long").encode())], expect="import")


def _long_vn_name(c: Ctx) -> None:
    name = ("kế hoạch " * 30)[:80] + ".txt"
    while len(name.encode()) > 255:
        name = name[:-5] + ".txt"
    c.note(f"in/<{len(name.encode())}-byte Vietnamese name>.txt")
    import_case(c, lambda c: [_w(c, name, fx.plan_text(12, "longvn").encode())], expect="import")


def _deep_path(total: int, expect: str):
    def fn(c: Ctx) -> None:
        c.note(f"a valid plan at the bottom of folders nested to a {total}-byte path, imported as the folder in/")

        def make(c):
            fd = os.open(c.inbox, os.O_RDONLY)
            depth = 0
            try:
                while depth * 201 < total:
                    os.mkdir("d" * 200, dir_fd=fd)
                    nfd = os.open("d" * 200, os.O_RDONLY, dir_fd=fd)
                    os.close(fd)
                    fd = nfd
                    depth += 1
                ffd = os.open("deep.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
                os.write(ffd, fx.plan_text(13 + total % 7, f"deep{total}").encode())
                os.close(ffd)
            finally:
                os.close(fd)
            return ["in"]
        import_case(c, make, expect=expect, sentence_name=False)
    return fn


def _symlink_loop(c: Ctx) -> None:
    c.note("in/loop1.txt -> loop2.txt -> loop1.txt")
    def make(c):
        os.symlink("loop2.txt", c.inbox / "loop1.txt")
        os.symlink("loop1.txt", c.inbox / "loop2.txt")
        return ["in/loop1.txt"]
    import_case(c, make, expect="fail")


def _dir_loop(c: Ctx) -> None:
    c.note("in/d/ holds one plan and in/d/up -> .. (a folder loop); import in/d")
    def make(c):
        (c.inbox / "d").mkdir()
        (c.inbox / "d" / "k.txt").write_text(fx.plan_text(14, "dirloop"), encoding="utf-8")
        os.symlink("..", c.inbox / "d" / "up")
        return ["in/d"]
    import_case(c, make, expect="either", expect_docs=1, bound=10, timeout=30)


def _broken_link(c: Ctx) -> None:
    c.note("in/broken.txt -> missing.txt")
    def make(c):
        os.symlink("missing.txt", c.inbox / "broken.txt")
        return ["in/broken.txt"]
    import_case(c, make, expect="fail")


def _unreadable(c: Ctx) -> None:
    if not shutil.which("setpriv"):
        raise Skip("setpriv is missing; as root chmod 0 does not stop reads")
    c.note("in/secret.txt chmod 000 (owner root); the import runs as nobody (setpriv) on an archive nobody owns")
    def make(c):
        p = c.inbox / "secret.txt"
        p.write_text(fx.plan_text(15, "secret"), encoding="utf-8")
        os.chmod(p, 0)
        os.chmod(c.dir, 0o755)
        os.chmod(c.inbox, 0o755)
        return ["in/secret.txt"]
    import_case(c, make, expect="fail", as_nobody=True)


def _unreadable_dir(c: Ctx) -> None:
    if not shutil.which("setpriv"):
        raise Skip("setpriv is missing")
    c.note("in/d/ok.txt readable, in/d/locked/ chmod 000; import in/d as nobody")
    def make(c):
        d = c.inbox / "d"
        (d / "locked").mkdir(parents=True)
        (d / "locked" / "x.txt").write_text(fx.plan_text(16, "locked"), encoding="utf-8")
        (d / "ok.txt").write_text(fx.plan_text(17, "okfile"), encoding="utf-8")
        os.chmod(d / "locked", 0)
        for p in (c.dir, c.inbox, d):
            os.chmod(p, 0o755)
        return ["in/d"]
    lines = import_case(c, make, expect="either", as_nobody=True)
    if not any(x.get("status") == "imported" for x in lines):
        c.fail("the readable file beside an unreadable folder was not imported")


def _unit(c: Ctx) -> tuple[int, str]:
    """What `import --help` says a "MB" of --max-size is: (bytes, name)."""
    def probe():
        r = c.cli("import", "--help", archive=None, record=False)
        text = " ".join(r.stdout.split())
        if "1,048,576" in text or "1048576" in text or "mebibyte" in text.lower() or "MiB" in text:
            return 2 ** 20, "MiB"
        return 10 ** 6, "MB"
    return c.env.cached("size-unit", probe)


def _mb_numbers(err: str) -> list[float]:
    return [float(n) for n in re.findall(r"(\d+(?:\.\d+)?)\s*(?:MB|MiB|megabytes?|mebibytes?)", err)]


def _max_size_over(c: Ctx) -> None:
    unit, uname = _unit(c)
    size = int(1.5 * unit) if unit == 10 ** 6 else 1_500_000 + 500_000  # shown differently in MB and MiB
    c.note(f"in/big.txt of {size:,} bytes, --max-size 1 (the help says a MB is {unit:,} bytes)")
    def make(c):
        text = fx.plan_text(18, "big").encode()
        return [_w(c, "big.txt", (text + b"\n" + b"noi dung " * (size // 9))[:size])]
    lines = import_case(c, make, expect="fail", args=("--max-size", "1"))
    other = 2 ** 20 if unit == 10 ** 6 else 10 ** 6
    for x in lines:
        err = x.get("error") or ""
        nums = _mb_numbers(err)
        if not nums:
            c.fail(f"the size error does not give sizes with their unit: {err!r}")
        elif any(abs(n - size / other) < 0.051 and abs(n - size / unit) > 0.051 for n in nums):
            c.fail(f"the message counts in {'MiB' if other == 2 ** 20 else 'MB'} while the help's unit is "
                   f"{unit:,} bytes ({size:,} bytes = {size / unit:.2f} of them): {err!r}")


def _max_size_unit(env_var: bool):
    def fn(c: Ctx) -> None:
        unit, uname = _unit(c)
        size = int(unit * 1.015)  # just over one unit as the help defines it
        how = "ARCHIVE_MAX_FILE_MB=1" if env_var else "--max-size 1"
        c.note(f"in/mid.txt of {size:,} bytes: just over 1 MB as `import --help` defines it ({unit:,} bytes), {how}")
        def make(c):
            text = fx.plan_text(19, "mid").encode()
            return [_w(c, "mid.txt", (text + b"\n" + b"noi dung " * (size // 9))[:size])]
        from .harness import child_env
        lines = import_case(c, make, expect="either", args=() if env_var else ("--max-size", "1"),
                            env=child_env({"ARCHIVE_MAX_FILE_MB": "1"}) if env_var else None)
        if any(x.get("status") == "imported" for x in lines):
            c.fail(f"a {size:,}-byte file passed a limit of 1 MB, which the help defines as {unit:,} bytes "
                   "(the limit counts another unit)")
    return fn


def _default_limit(c: Ctx) -> None:
    unit, uname = _unit(c)
    size = int(200 * unit * 1.02)  # over the default 200 "MB" as the help defines it, under 200 of the other unit?
    c.note(f"in/big.txt: a sparse file of {size:,} bytes (over 200 MB of {unit:,} bytes: a plan, then zeros), "
           "no --max-size")
    def make(c):
        p = c.inbox / "big.txt"
        p.write_bytes(fx.plan_text(23, "default").encode())
        os.truncate(p, size)
        return ["in/big.txt"]
    lines = import_case(c, make, expect="fail", bound=30, timeout=60, text_check=False)
    for x in lines:
        err = x.get("error") or ""
        if "limit" not in err and not _mb_numbers(err):
            c.fail(f"a {size:,}-byte file passed the default limit of 200 MB (of {unit:,} bytes); "
                   f"it failed only with {err!r}")
        elif any(abs(n - 200 * unit / (2 ** 20 if unit == 10 ** 6 else 10 ** 6)) < 1 for n in _mb_numbers(err)):
            c.fail(f"the default limit is shown in another unit than the help's: {err!r}")


def _dir_named_file(c: Ctx) -> None:
    c.note("in/report.docx/ is an empty folder")
    def make(c):
        (c.inbox / "report.docx").mkdir()
        return ["in/report.docx"]
    _sample(c)
    targets = make(c)
    r = c.cli("import", "--json", *targets)
    c.clean(r, "import", (0, 1))
    if r.rc == 1:
        lines = [x for x in r.stdout.splitlines() if x.strip()]
        msg = r.stderr if not lines else " ".join(lines)
        if not msg.strip():
            c.fail("exit 1 with no message")
    c.expect_consistent()


def _dir_named_file_full(c: Ctx) -> None:
    c.note("in/report.txt/ is a folder holding a valid plan k.txt")
    def make(c):
        (c.inbox / "report.txt").mkdir()
        (c.inbox / "report.txt" / "k.txt").write_text(fx.plan_text(21, "dirfile"), encoding="utf-8")
        return ["in/report.txt"]
    import_case(c, make, expect="import", expect_docs=1)


def _fifo(c: Ctx) -> None:
    c.note("in/pipe.txt is a named pipe (mkfifo) nobody writes to")
    def make(c):
        os.mkfifo(c.inbox / "pipe.txt")
        return ["in/pipe.txt"]
    import_case(c, make, expect="fail", bound=10, timeout=20)


def _dev_zero(c: Ctx) -> None:
    c.note("in/zero.txt -> /dev/zero (stat size 0, endless bytes)")
    def make(c):
        os.symlink("/dev/zero", c.inbox / "zero.txt")
        return ["in/zero.txt"]
    import_case(c, make, expect="fail", bound=10, timeout=25, mem_mb=1500)


def _nonexistent(c: Ctx) -> None:
    c.note("in/missing.txt does not exist")
    import_case(c, lambda c: ["in/missing.txt"], expect="fail")


def _docx_many(n: int, bound: float, kill_at: float):
    def fn(c: Ctx) -> None:
        data = fx.docx_many_paragraphs(n)
        c.note(f"in/many.docx: {len(data) // 1024} KB .docx with {n:,} short paragraphs (python-docx)")
        import_case(c, lambda c: [_w(c, "many.docx", data)], expect="either", bound=bound, timeout=kill_at)
    return fn


def _docx_lock(c: Ctx) -> None:
    """400k paragraphs: the import must end within its bound, and must not hold the write lock
    while it parses (an import of another file and a remove, each with --wait 2, go through)."""
    n, bound, kill_at = 400_000, 30.0, 45.0
    data = fx.docx_many_paragraphs(n)
    tpl = _sample(c)
    _w(c, "many.docx", data)
    _w(c, "other.txt", fx.plan_text(22, "lockprobe").encode())
    c.note(f"in/many.docx: {len(data) // 1024} KB .docx with {n:,} short paragraphs (python-docx), imported in "
           "the background; after 3 s `--wait 2 import in/other.txt` and `--wait 2 remove <a sample id>`")
    before = snapshot(c.archive)
    p, argv, started = c.popen("import", "--json", "in/many.docx")
    from .harness import finish
    time.sleep(3.0)
    probs_imp, probs_rm = [], []
    if p.poll() is None:
        r1 = c.cli("import", "--json", "in/other.txt", wait=2, timeout=30)
        if r1.rc != 0 or has_traceback(r1):
            probs_imp.append(f"import of another file while a .docx parses: exit {r1.rc} after {r1.seconds:.1f} s "
                             f"({r1.last_err_line()})")
        elif r1.seconds > 6:
            probs_imp.append(f"import of another file took {r1.seconds:.1f} s while a .docx parses")
    if p.poll() is None:
        r2 = c.cli("remove", tpl["ids"][0], wait=2, timeout=30)
        if r2.rc != 0 or has_traceback(r2):
            probs_rm.append(f"remove while a .docx parses: exit {r2.rc} after {r2.seconds:.1f} s ({r2.last_err_line()})")
    r = finish(p, argv, started, kill_at)
    if r.timed_out:
        c.fail(f"import: still running after {r.seconds:.0f} s (killed)")
        c.emit("docx-400k-lock-import", probs_imp)
        c.emit("docx-400k-lock-remove", probs_rm)
        return
    else:
        c.clean(r, "import", (0, 1))
        if r.seconds > bound:
            c.fail(f"import took {r.seconds:.1f} s (bound {bound:g} s)")
        lines = r.json_lines() if r.stdout.strip() else []
        for x in lines:
            if x.get("status") == "failed" and sentence_problem(x.get("error") or "", max_lines=1):
                c.fail(f"error is not one sentence: {x.get('error')!r}")
    c.emit("docx-400k-lock-import", probs_imp)
    c.emit("docx-400k-lock-remove", probs_rm)
    after = snapshot(c.archive)
    lost = [k for k, v in before.originals.items() if v not in after.kept and k.split("/")[-1][:12] != tpl["ids"][0]]
    if lost:
        c.fail(f"originals lost: {lost[:2]}")
    c.expect_consistent()


def cases(env) -> list[Case]:
    out: list[tuple] = [
        ("empty-txt", _simple("empty.txt", b"")),
        ("empty-docx", _simple("empty.docx", b"")),
        ("empty-pdf", _simple("empty.pdf", b"")),
        ("empty-doc", _simple("empty.doc", b"")),
        ("empty-md", _simple("empty.md", b"")),
        ("empty-html", _simple("empty.html", b"")),
        ("whitespace-only-txt", _simple("blank.txt", b" \n\t\n\r\n" * 100)),
        ("md-front-matter-only", _simple("fm.md", "---\ntitle: Kế hoạch\n---\n".encode(), expect="either")),
        ("binary-elf-as-txt", _simple("prog.txt", _elf)),
        ("binary-png-as-txt", _simple("image.txt", _png)),
        ("binary-elf-no-ext", _simple("prog", _elf)),
    ]
    for i, ext in enumerate(("txt", "docx", "pdf", "doc", "html", "rtf", "md")):
        out.append((f"random-bytes-{ext}", _simple(f"random.{ext}", _rand(100 + i))))
    out += [
        ("truncated-docx", _simple("half.docx", _truncated_docx)),
        ("docx-malformed-xml", _simple("badxml.docx", _docx_bad_xml, expect="either")),
        ("zip-not-docx", _simple("notword.docx", _zip_not_docx)),
        ("truncated-pdf", _simple("half.pdf", _pdf_truncated, expect="either")),
        ("ole-random-doc", _simple("ole.doc", _ole_random)),
        ("pdf-bomb-200MB-stream", _simple("bomb.pdf", _pdf_bomb, expect="either", bound=30, timeout=60)),
        ("pdf-bomb-20000-pages", _simple("pages.pdf", _pdf_pages_bomb, expect="either", bound=30, timeout=60)),
        ("pdf-page-tree-loop", _simple("loop.pdf", _pdf_loop, expect="either", bound=10)),
        ("zipbomb-docx-paragraphs", _simple("bomb.docx", _zipbomb_paragraphs, expect="either", bound=30, timeout=60)),
        ("zipbomb-docx-text", _simple("bombtext.docx", _zipbomb_text, expect="either", bound=30, timeout=60)),
        ("xxe-docx", _xxe),
        ("xml-billion-laughs-docx", _simple("laughs.docx", _xml_laughs_docx, expect="either", bound=10, mem_mb=1500)),
        ("deep-html-10k", _simple("deep10k.html", _deep_html(10_000), expect="either", bound=15)),
        ("deep-html-200k", _simple("deep200k.html", _deep_html(200_000), expect="either", bound=20, timeout=40)),
        ("deep-rtf-50k", _simple("deep.rtf", _deep_rtf, expect="either", bound=10)),
        ("yaml-python-object-apply", _object_case(_yaml_object, "!!python/object/apply:os.system")),
        ("yaml-python-object-new", _object_case(_yaml_object_new, "!!python/object/new:subprocess.Popen")),
        ("yaml-billion-laughs-9", _laughs_case(9, 1.5)),
        ("yaml-billion-laughs-7", _laughs_case(7, 1.5)),
        ("yaml-huge-anchor", _simple("anchor.md", _huge_anchor, expect="either", bound=10, timeout=30, mem_mb=1500)),
        ("yaml-deep-nesting", _simple("deepyaml.md", _yaml_deep, expect="either", bound=5)),
        ("md-invalid-yaml", _simple("badyaml.md", _md_bad_yaml, expect="either")),
        ("md-front-matter-id-traversal", _id_traversal),
        ("md-front-matter-forged-sha256", _fake_sha),
        ("txt-with-nul-bytes", _simple("nul.txt", _txt_nul, expect="either")),
        ("txt-5MB-one-word", _simple("oneword.txt", _one_line, expect="either", bound=20, timeout=40)),
        ("utf16-bom", _simple("u16.txt", _utf16, expect="import")),
        ("windows-1258", _simple("cp.txt", _cp1258, expect="import")),
        ("docx-40k-paragraphs", _docx_many(40_000, 15, 30)),
        ("docx-400k-paragraphs", _docx_lock),
        ("name-latin1-bytes", _latin1),
        ("folder-latin1-bytes", _latin1_dir),
        ("name-BEL", _ctrl_name("BEL", b"\x07")),
        ("name-CR", _ctrl_name("CR", b"\r")),
        ("name-LF", _ctrl_name("LF", b"\n")),
        ("name-ESC", _ctrl_name("ESC", b"\x1b[31m")),
        ("name-254-bytes", _long_name),
        ("name-vietnamese-255-bytes", _long_vn_name),
        ("path-3900-bytes", _deep_path(3900, "either")),
        ("path-over-PATH_MAX", _deep_path(5200, "either")),
        ("symlink-loop", _symlink_loop),
        ("folder-symlink-loop", _dir_loop),
        ("broken-symlink", _broken_link),
        ("unreadable-file", _unreadable),
        ("unreadable-folder", _unreadable_dir),
        ("over-max-size", _max_size_over),
        ("max-size-MB-vs-MiB", _max_size_unit(False)),
        ("max-size-env-MB-vs-MiB", _max_size_unit(True)),
        ("default-limit-MB-vs-MiB", _default_limit),
        ("folder-named-like-file-empty", _dir_named_file),
        ("folder-named-like-file", _dir_named_file_full),
        ("named-pipe", _fifo),
        ("dev-zero-symlink", _dev_zero),
        ("nonexistent-path", _nonexistent),
        ("same-file-twice", _same_twice),
        ("ten-copies-jobs-2", _copies_jobs),
    ]
    faults = {"yaml-billion-laughs-9": "3", "yaml-billion-laughs-7": "3", "docx-40k-paragraphs": "4",
              "docx-400k-paragraphs": "4", "name-latin1-bytes": "7",
              "folder-latin1-bytes": "7", "max-size-MB-vs-MiB": "9a", "max-size-env-MB-vs-MiB": "9a", "default-limit-MB-vs-MiB": "9a",
              "over-max-size": "9a"}
    return [Case(CATEGORY, name, fn, faults.get(name)) for name, fn in out]
