"""Store files are meant to be edited by hand (SPEC §3). Any valid YAML rewrite of a store
file's front matter — quoting, key order, comments, flow or block lists — must leave ``check``
and ``check --repair`` unable to lose an original, and the archive consistent afterwards."""
from __future__ import annotations

import json
import random
import shutil

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import DOCUMENTS, run


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    root = tmp_path_factory.mktemp("edits") / "archive"
    assert run(root, "import", str(DOCUMENTS), "--jobs", "1").exit_code == 0
    return root


def _originals(root):
    return {p.name: p.read_bytes() for p in (root / "originals").rglob("*") if p.is_file()}


class _Quoting(yaml.SafeDumper):
    pass


def rewrite(text: str, seed: int, style: str | None, flow: bool, comments: bool, order: str) -> str:
    """The same front matter written another valid way."""
    fm, body = text.split("\n---\n", 1)
    meta = yaml.safe_load(fm.removeprefix("---\n"))
    keys = list(meta)
    rng = random.Random(seed)
    if order == "shuffle":
        rng.shuffle(keys)
    elif order == "sorted":
        keys.sort()
    dumped = yaml.dump({k: meta[k] for k in keys}, Dumper=_Quoting, allow_unicode=True, sort_keys=False,
                       default_style=style, default_flow_style=flow, width=rng.choice([40, 80, 1000]))
    lines = dumped.splitlines()
    if comments:  # whole-line comments before top-level keys (always valid there)
        out = ["# sửa tay"]
        for line in lines:
            if not flow and line[:1].isalnum() and ":" in line and rng.random() < 0.5:
                out.append("# ghi chú")
            out.append(line)
        lines = out
    return "---\n" + "\n".join(lines) + "\n---\n" + body


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10**6), style=st.sampled_from([None, '"', "'"]), flow=st.booleans(),
       comments=st.booleans(), order=st.sampled_from(["keep", "shuffle", "sorted"]),
       which=st.integers(0, 5))
def test_a_hand_rewritten_front_matter_loses_nothing(pristine, tmp_path_factory, seed, style, flow, comments, order, which):
    root = tmp_path_factory.mktemp("edit") / "archive"
    shutil.copytree(pristine, root)
    before = _originals(root)
    files = sorted((root / "documents").glob("*.md"))
    path = files[which % len(files)]
    new = rewrite(path.read_text(encoding="utf-8"), seed, style, flow, comments, order)
    path.write_text(new, encoding="utf-8")
    assert yaml.safe_load(new.split("\n---\n", 1)[0].removeprefix("---\n"))  # still valid YAML
    report = json.loads(run(root, "check", "--json").stdout)
    assert not [p for p in report["problems"] if p["kind"] in ("orphan-original", "unreadable", "no-original")], report
    res = run(root, "check", "--repair", "--json")
    assert res.exit_code == 0, res.stdout
    assert _originals(root) == before
    assert not (root / "quarantine").exists()
    assert json.loads(run(root, "check", "--json").stdout)["ok"]
    doc = json.loads(run(root, "show", path.stem, "--json").stdout)
    assert doc["id"] == path.stem and doc["source"]["sha256"] in before
