"""Every example in docs/ runs: console commands and Python blocks, in page order."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
BLOCK = re.compile(r"^```(console|python)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def examples(page: Path) -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2)) for m in BLOCK.finditer(page.read_text())]


@pytest.mark.parametrize("page", sorted(DOCS.glob("*.md")), ids=lambda p: p.name)
def test_page_examples_run(page, offline_env, tmp_path, monkeypatch):
    blocks = examples(page)
    if not blocks:
        pytest.skip(f"{page.name} has no examples")
    monkeypatch.chdir(tmp_path)
    env = dict(os.environ)
    for kind, body in blocks:
        if kind == "console":
            for line in body.splitlines():
                if not line.startswith("$ "):
                    continue
                words = shlex.split(line[2:])
                assert words[0] == "recbench", f"{page.name}: only recbench commands run here: {line}"
                done = subprocess.run([sys.executable, "-m", "recbench.cli", *words[1:]], env=env, capture_output=True, text=True, timeout=300)
                assert done.returncode == 0, f"{page.name}: `{line[2:]}` failed:\n{done.stderr[-2000:]}"
        else:
            exec(compile(body, f"{page.name}:python", "exec"), {"__name__": "__docs__"})
