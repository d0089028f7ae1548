"""Every example in docs/ runs, in page order.

``console`` blocks: each ``$ `` line runs (recbench, pip and pytest commands).
A block preceded by ``<!-- file: path -->`` is written to that path instead.
Other ``python`` blocks are executed, in one namespace per page. Packages a page installs are uninstalled after it.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import tomllib
import types
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
BLOCK = re.compile(r"(?:<!-- file: (?P<file>\S+) -->\n)?^```(?P<kind>\w*)\n(?P<body>.*?)^```", re.MULTILINE | re.DOTALL)
RUNNERS = {"recbench": [sys.executable, "-m", "recbench.cli"], "pip": [sys.executable, "-m", "pip"], "pytest": [sys.executable, "-m", "pytest"]}


def run_console(page: str, body: str, installed: list[str]) -> None:
    for line in body.splitlines():
        if not line.startswith("$ "):
            continue
        words = shlex.split(line[2:])
        assert words[0] in RUNNERS, f"{page}: unexpected command in an example: {line}"
        done = subprocess.run([*RUNNERS[words[0]], *words[1:]], capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, f"{page}: `{line[2:]}` failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        if words[:2] == ["pip", "install"] and "-e" in words:
            project = Path(words[words.index("-e") + 1]) / "pyproject.toml"
            installed.append(tomllib.loads(project.read_text())["project"]["name"])


# Pages that install packages into the environment belong to the slow tier.
PAGES = [pytest.param(p, marks=[pytest.mark.slow] if "pip install" in p.read_text() else [], id=p.name) for p in sorted(DOCS.glob("*.md"))]


@pytest.mark.parametrize("page", PAGES)
def test_page_examples_run(page, offline_env, tmp_path, monkeypatch):
    blocks = list(BLOCK.finditer(page.read_text()))
    if not any(b["kind"] in ("console", "python") or b["file"] for b in blocks):
        pytest.skip(f"{page.name} has no examples")
    monkeypatch.chdir(tmp_path)
    installed: list[str] = []
    # A page's python blocks run as one session, in a module of their own, as a reader's script
    # would: dataclasses look their module up in sys.modules, and no future import leaks in from here.
    session = types.ModuleType(f"docs_{page.stem.replace('-', '_')}")
    monkeypatch.setitem(sys.modules, session.__name__, session)
    try:
        for block in blocks:
            if block["file"]:
                target = tmp_path / block["file"]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(block["body"])
            elif block["kind"] == "console":
                run_console(page.name, block["body"], installed)
            elif block["kind"] == "python":
                exec(compile(block["body"], f"{page.name}:python", "exec", dont_inherit=True), session.__dict__)
    finally:
        for name in installed:
            subprocess.run([sys.executable, "-m", "pip", "uninstall", "-y", "-q", name], capture_output=True)
