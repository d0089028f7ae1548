"""Two small SVG charts, written by hand so that the page needs no plotting library and
the same table always gives the same bytes (coordinates are rounded to 0.01 px)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

FONT = 'font-family="sans-serif" font-size="12"'
COLOURS = {"best": "#1b5e20", "tied": "#1565c0", "worse": "#757575"}


@dataclass(frozen=True)
class Point:
    label: str
    value: float  # the metric's mean
    low: float | None  # confidence interval, None with one seed
    high: float | None
    cost: float  # train seconds
    verdict: str  # best, tied or worse
    pareto: bool


def _n(x: float) -> str:
    return f"{x:.2f}"


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high], about ``count`` of them."""
    if high <= low:
        high = low + (abs(low) or 1.0) * 0.1
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.floor(low / step) * step
    ticks = []
    value = first
    while value <= high + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    if ticks[-1] < high:
        ticks.append(round(value, 10))
    return ticks


def _tick_label(value: float) -> str:
    return f"{value:g}" if abs(value) >= 1e-3 or value == 0 else f"{value:.1e}"


def _frame(width: int, height: int, title: str, body: list[str]) -> str:
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">',
            f"<title>{escape(title)}</title>",
            f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
            *body,
            "</svg>",
        ]
    )


def interval_chart(points: list[Point], metric: str) -> str:
    """One line per row: the mean as a dot, the 95% confidence interval as a bar."""
    left, right, top, line = 230, 30, 30, 24
    width = 760
    height = top + line * len(points) + 50
    lows = [p.low if p.low is not None else p.value for p in points]
    highs = [p.high if p.high is not None else p.value for p in points]
    ticks = nice_ticks(min(lows), max(highs))
    span = ticks[-1] - ticks[0] or 1.0

    def x(value: float) -> float:
        return left + (value - ticks[0]) / span * (width - left - right)

    body = [f'<text x="{left}" y="18" {FONT} font-weight="bold">{escape(metric)}: mean over seeds with 95% confidence interval</text>']
    bottom = top + line * len(points)
    for tick in ticks:
        body.append(f'<line x1="{_n(x(tick))}" y1="{top}" x2="{_n(x(tick))}" y2="{bottom}" stroke="#e0e0e0"/>')
        body.append(f'<text x="{_n(x(tick))}" y="{bottom + 16}" {FONT} text-anchor="middle">{_tick_label(tick)}</text>')
    body.append(f'<text x="{_n((left + width - right) / 2)}" y="{bottom + 36}" {FONT} text-anchor="middle">{escape(metric)} (test)</text>')
    for index, point in enumerate(points):
        y = top + line * index + line / 2
        colour = COLOURS.get(point.verdict, "#000000")
        body.append(f'<text x="{left - 8}" y="{_n(y + 4)}" {FONT} text-anchor="end">{escape(point.label)}</text>')
        if point.low is not None and point.high is not None:
            body.append(f'<line x1="{_n(x(point.low))}" y1="{_n(y)}" x2="{_n(x(point.high))}" y2="{_n(y)}" stroke="{colour}" stroke-width="2"/>')
            for end in (point.low, point.high):
                body.append(f'<line x1="{_n(x(end))}" y1="{_n(y - 5)}" x2="{_n(x(end))}" y2="{_n(y + 5)}" stroke="{colour}" stroke-width="2"/>')
        body.append(f'<circle cx="{_n(x(point.value))}" cy="{_n(y)}" r="4" fill="{colour}"><title>{escape(point.label)}: {point.value:.4f} ({escape(point.verdict)})</title></circle>')
    return _frame(width, height, f"{metric} per model with 95% confidence intervals", body)


def _free_spot(left: float, baseline: float, width: float, placed: list[tuple[float, float, float, float]]) -> tuple[float, float]:
    """The first of a few positions beside a point where its label overlaps no other label or point."""
    for shift in (0, 14, -14, 28, -28, 42):
        box = (left, baseline + shift - 11, left + width, baseline + shift + 2)
        if not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed):
            placed.append(box)
            return left, baseline + shift
    placed.append((left, baseline - 11, left + width, baseline + 2))
    return left, baseline


def pareto_chart(points: list[Point], metric: str) -> str:
    """Quality against train seconds (log scale); the Pareto front filled and joined by a line."""
    left, right, top, bottom_margin = 70, 150, 30, 50
    width, height = 760, 420
    # A log axis cannot show 0 s: such runs are drawn at the smallest tick.
    costs = [max(p.cost, 1e-3) for p in points]
    low_decade, high_decade = math.floor(math.log10(min(costs))), math.ceil(math.log10(max(costs)))
    if high_decade == low_decade:
        high_decade += 1
    y_ticks = nice_ticks(min(p.value for p in points), max(p.value for p in points))
    y_span = y_ticks[-1] - y_ticks[0] or 1.0
    bottom = height - bottom_margin

    def x(cost: float) -> float:
        return left + (math.log10(cost) - low_decade) / (high_decade - low_decade) * (width - left - right)

    def y(value: float) -> float:
        return bottom - (value - y_ticks[0]) / y_span * (bottom - top)

    body = [f'<text x="{left}" y="18" {FONT} font-weight="bold">{escape(metric)} against train time; Pareto front joined</text>']
    for decade in range(low_decade, high_decade + 1):
        position = _n(x(10.0**decade))
        body.append(f'<line x1="{position}" y1="{top}" x2="{position}" y2="{bottom}" stroke="#e0e0e0"/>')
        body.append(f'<text x="{position}" y="{bottom + 16}" {FONT} text-anchor="middle">{_tick_label(10.0**decade)}</text>')
    for tick in y_ticks:
        body.append(f'<line x1="{left}" y1="{_n(y(tick))}" x2="{width - right}" y2="{_n(y(tick))}" stroke="#e0e0e0"/>')
        body.append(f'<text x="{left - 6}" y="{_n(y(tick) + 4)}" {FONT} text-anchor="end">{_tick_label(tick)}</text>')
    body.append(f'<text x="{_n((left + width - right) / 2)}" y="{bottom + 36}" {FONT} text-anchor="middle">train seconds (mean over seeds, log scale)</text>')
    body.append(f'<text x="16" y="{_n((top + bottom) / 2)}" {FONT} text-anchor="middle" transform="rotate(-90 16 {_n((top + bottom) / 2)})">{escape(metric)} (test)</text>')
    front = sorted((cost, point.value) for cost, point in zip(costs, points) if point.pareto)
    if len(front) > 1:
        path = " ".join(f"{_n(x(c))},{_n(y(v))}" for c, v in front)
        body.append(f'<polyline points="{path}" fill="none" stroke="#c62828" stroke-width="1.5"/>')
    placed: list[tuple[float, float, float, float]] = [(x(c) - 5, y(p.value) - 5, x(c) + 5, y(p.value) + 5) for c, p in zip(costs, points)]
    for cost, point in zip(costs, points):
        fill = "#c62828" if point.pareto else "#ffffff"
        body.append(
            f'<circle cx="{_n(x(cost))}" cy="{_n(y(point.value))}" r="5" fill="{fill}" stroke="#c62828" stroke-width="1.5">'
            f"<title>{escape(point.label)}: {point.value:.4f}, {point.cost:.3f} s{' (Pareto front)' if point.pareto else ''}</title></circle>"
        )
        label_x, label_y = _free_spot(x(cost) + 8, y(point.value) + 4, 7 * len(point.label), placed)
        body.append(f'<text x="{_n(label_x)}" y="{_n(label_y)}" {FONT}>{escape(point.label)}</text>')
    legend = width - right + 16
    body.append(f'<circle cx="{legend}" cy="{top + 6}" r="5" fill="#c62828" stroke="#c62828"/>')
    body.append(f'<text x="{legend + 10}" y="{top + 10}" {FONT}>Pareto front</text>')
    body.append(f'<circle cx="{legend}" cy="{top + 26}" r="5" fill="#ffffff" stroke="#c62828" stroke-width="1.5"/>')
    body.append(f'<text x="{legend + 10}" y="{top + 30}" {FONT}>dominated</text>')
    return _frame(width, height, f"{metric} against train seconds with the Pareto front", body)
