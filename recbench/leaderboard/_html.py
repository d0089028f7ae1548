"""index.html: the table and its two charts in one self-contained page (no scripts, no network)."""

from __future__ import annotations

from html import escape

from recbench.leaderboard._cells import cells, explanations, header, row_labels, title
from recbench.leaderboard._svg import Point, interval_chart, pareto_chart
from recbench.leaderboard._table import Table

STYLE = """
body { font-family: sans-serif; margin: 2em; color: #212121; max-width: 80em; }
table { border-collapse: collapse; font-size: 0.9em; }
th, td { border: 1px solid #bdbdbd; padding: 0.25em 0.5em; }
th { background: #eeeeee; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
tr.best td { font-weight: bold; }
tr.tied td { background: #e3f2fd; }
figure { margin: 2em 0; }
""".strip()


def _points(table: Table) -> list[Point]:
    metric = table.primary_metric
    return [
        Point(
            label=label,
            value=row.metrics[metric].mean,
            low=row.metrics[metric].ci_low,
            high=row.metrics[metric].ci_high,
            cost=row.train_seconds,
            verdict=row.verdict,
            pareto=row.pareto,
        )
        for row, label in zip(table.rows, row_labels(table))
    ]


def html_page(table: Table, version: int) -> str:
    head = header(table)
    numeric = {0, *range(3, len(head) - 3)}
    lines = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{escape(title(table, version))}</title>",
        f"<style>\n{STYLE}\n</style>",
        "</head>",
        "<body>",
        f"<h1>{escape(title(table, version))}</h1>",
        *(f"<p>{escape(p)}</p>" for p in explanations(table, version)),
        '<table id="leaderboard">',
        "<thead><tr>" + "".join(f"<th>{escape(h)}</th>" for h in head) + "</tr></thead>",
        "<tbody>",
    ]
    for row, values in zip(table.rows, cells(table)):
        tds = "".join(f'<td class="number">{escape(v)}</td>' if i in numeric else f"<td>{escape(v)}</td>" for i, v in enumerate(values))
        lines.append(f'<tr class="{escape(row.verdict)}">{tds}</tr>')
    lines += ["</tbody>", "</table>"]
    points = _points(table)
    for figure_id, chart in (("intervals", interval_chart), ("pareto", pareto_chart)):
        lines += [f'<figure id="{figure_id}">', chart(points, table.primary_metric), "</figure>"]
    lines += ["</body>", "</html>"]
    return "\n".join(lines) + "\n"
