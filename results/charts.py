"""Server-drawn SVG charts for the organisers' quality page: no JavaScript library, no CDN, and
nothing the strict CSP forbids (colours and sizes are SVG attributes and CSS classes, never
inline ``style``). Each function takes plain values and returns safe markup; labels are escaped.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

ROW = 18  # height of one judge's row
LABEL = 150  # width of the judges' names column
PLOT = 460  # width of the plot area
PAD = 24
# Presentation attributes, not CSS: the CSP allows no inline style, and the site's stylesheet
# need not know these charts.
PAINT = {
    "axis": 'stroke="#6c757d" stroke-width="1"',
    "zero": 'stroke="#212529" stroke-width="1"',
    "tick": 'font-size="10" fill="#6c757d"',
    "label": 'font-size="11" fill="#212529"',
    "whisker": 'stroke="#6c757d" stroke-width="1.5"',
    "iqr": 'fill="#9ec5fe" stroke="#0d6efd"',
    "iqr-flagged": 'fill="#f1aeb5" stroke="#dc3545"',
    "median": 'stroke="#052c65" stroke-width="2"',
    "positive": 'fill="#75b798"',
    "negative": 'fill="#6ea8fe"',
    "flagged": 'fill="#dc3545"',
    "day": 'fill="#9ec5fe"',
    "cumulative": 'fill="none" stroke="#198754" stroke-width="2"',
}


@dataclass
class Box:
    label: str
    low: float
    q1: float
    median: float
    q3: float
    high: float
    flagged: bool = False


def _n(value: float) -> str:
    return f"{value:.1f}"


def _line(x1: float, y1: float, x2: float, y2: float, paint: str) -> str:
    return (
        f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" '
        f'class="{paint}" {PAINT[paint]}/>'
    )


def _rect(x: float, y: float, w: float, h: float, cls: str, paint: str, tip: str = "") -> str:
    title = f"<title>{escape(tip)}</title>" if tip else ""
    return (
        f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" class="{cls}" '
        f"{PAINT[paint]}>{title}</rect>"
    )


def _text(x: float, y: float, text: object, paint: str = "tick", anchor: str = "middle") -> str:
    return (
        f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}" class="{paint}" {PAINT[paint]}>'
        f"{escape(text)}</text>"
    )


def _svg(width: float, height: float, title: str, body: list[str]) -> SafeString:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="quality-chart" role="img" '
        f'viewBox="0 0 {_n(width)} {_n(height)}" width="100%" preserveAspectRatio="xMinYMin meet">'
        f"<title>{escape(title)}</title>"
    )
    return mark_safe(head + "".join(body) + "</svg>")  # noqa: S308 -- every label is escaped


def _scale(lo: float, hi: float, x0: float, width: float):
    span = hi - lo if hi > lo else 1.0
    return lambda v: x0 + (v - lo) / span * width


def _axis(lo: float, hi: float, x, y: float, ticks: int = 5) -> list[str]:
    out = [_line(x(lo), y, x(hi), y, "axis")]
    for i in range(ticks + 1):
        v = lo + (hi - lo) * i / ticks
        out.append(_text(x(v), y + 14, f"{v:.4g}"))
    return out


def _label(text: str, y: float) -> str:
    return _text(LABEL - 6, y + 4, text[:24], "label", "end")


def box_plot(boxes: Sequence[Box], title: str) -> SafeString:
    """One horizontal box per judge: whiskers to the lowest and highest total, box from the
    first to the third quartile, a bar at the median. Flagged judges' boxes are red."""
    if not boxes:
        return mark_safe("")
    lo = min(b.low for b in boxes)
    hi = max(b.high for b in boxes)
    x = _scale(lo, hi, LABEL, PLOT)
    body = []
    for i, b in enumerate(boxes):
        y = PAD / 2 + i * ROW + ROW / 2
        five = " · ".join(_n(v) for v in (b.low, b.q1, b.median, b.q3, b.high))
        body += [
            _label(b.label, y),
            f'<g class="{"box flagged" if b.flagged else "box"}">',
            _line(x(b.low), y, x(b.high), y, "whisker"),
            _rect(
                x(b.q1),
                y - 6,
                max(x(b.q3) - x(b.q1), 1),
                12,
                "iqr",
                "iqr-flagged" if b.flagged else "iqr",
                f"{b.label}: {five}",
            ),
            _line(x(b.median), y - 6, x(b.median), y + 6, "median"),
            "</g>",
        ]
    axis_y = PAD / 2 + len(boxes) * ROW + 4
    body += _axis(lo, hi, x, axis_y)
    return _svg(LABEL + PLOT + PAD, axis_y + PAD, title, body)


def diverging_bars(rows: Sequence[tuple[str, float, bool]], title: str) -> SafeString:
    """Horizontal bars from 0 (label, value, flagged): leniency above or below the panel."""
    if not rows:
        return mark_safe("")
    reach = max(abs(v) for _l, v, _f in rows) or 1.0
    x = _scale(-reach, reach, LABEL, PLOT)
    body = []
    for i, (label, value, flagged) in enumerate(rows):
        y = PAD / 2 + i * ROW + ROW / 2
        left, right = sorted((x(0), x(value)))
        side = "positive" if value >= 0 else "negative"
        cls = f"bar {side} flagged" if flagged else f"bar {side}"
        paint = "flagged" if flagged else side
        tip = f"{label}: {value:+.2f}"
        body += [_label(label, y), _rect(left, y - 6, max(right - left, 1), 12, cls, paint, tip)]
    bottom = PAD / 2 + len(rows) * ROW
    body.append(_line(x(0), PAD / 2, x(0), bottom, "zero"))
    body += _axis(-reach, reach, x, bottom + 4, ticks=4)
    return _svg(LABEL + PLOT + PAD, bottom + PAD + 4, title, body)


def progress_chart(days: Sequence[tuple[str, int, int]], expected: int, title: str) -> SafeString:
    """Bars of sheets submitted per day (label, count, cumulative) and the running total as a
    line against the right-hand scale, which ends at `expected` (or the total reached)."""
    if not days:
        return mark_safe("")
    width, height, left = LABEL + PLOT, 180.0, 40.0
    top, base = 10.0, 150.0
    slot = (width - left - 40) / len(days)
    peak = max(n for _d, n, _c in days) or 1
    goal = max(expected, days[-1][2], 1)
    body = [_line(left, base, width - 40, base, "axis")]
    points = []
    for i, (label, n, cumulative) in enumerate(days):
        x0 = left + i * slot
        h = (base - top) * n / peak
        body.append(
            _rect(x0 + slot * 0.15, base - h, slot * 0.7, h, "bar day", "day", f"{label}: {n}")
        )
        points.append(f"{_n(x0 + slot / 2)},{_n(base - (base - top) * cumulative / goal)}")
        if len(days) <= 14 or i % max(1, len(days) // 10) == 0:
            body.append(_text(x0 + slot / 2, base + 14, label))
    body += [
        f'<polyline points="{" ".join(points)}" class="cumulative" {PAINT["cumulative"]}/>',
        _text(left - 4, top + 4, peak, anchor="end"),
        _text(width - 36, top + 4, goal, anchor="start"),
    ]
    return _svg(width, height + 4, title, body)
