"""table.md: the leaderboard as GitHub renders it."""

from __future__ import annotations

import re

from recbench.leaderboard._cells import cells, explanations, header, title
from recbench.leaderboard._table import Table


# What GitHub would read as the start of an HTML tag or entity rather than as text.
TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")


def _cell(text: str) -> str:
    """Record strings may hold Markdown or HTML; in a cell they must stay text."""
    text = ENTITY.sub("&amp;", text)
    return TAG_START.sub("&lt;", text).replace("|", "\\|").replace("\n", " ")


def markdown_table(table: Table, version: int) -> str:
    head = header(table)
    lines = [f"# {title(table, version)}", ""]
    for paragraph in explanations(table, version):
        lines += [paragraph, ""]
    numeric = {0, *range(3, len(head) - 3)}  # right-align ranks, metrics and costs
    lines.append("| " + " | ".join(_cell(h) for h in head) + " |")
    lines.append("|" + "|".join("---:" if i in numeric else ":---" for i in range(len(head))) + "|")
    for row in cells(table):
        lines.append("| " + " | ".join(_cell(c) for c in row) + " |")
    return "\n".join(lines) + "\n"
