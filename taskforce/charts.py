"""Charts drawn on the server as inline SVG: no chart library and no JavaScript in the browser.

Every chart is an image with a title and a text description (``role="img"``,
``aria-labelledby``) and is always shown beside a table of the same figures
(``taskforce/includes/chart_with_table.html``), which is what screen reader users and anyone who
cannot read the chart will use.

No ``style`` attributes: the Content Security Policy forbids inline styles, so colours come from
SVG presentation attributes (a sensible default) overridden by classes in
``static/scss/_taskforce-charts.scss``. Meaning is never carried by colour alone: the target and
baseline lines differ by dash pattern and carry text labels, points carry markers.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# The drawing is laid out in these units and scaled by the browser to the width available,
# down to 320 px (viewBox, width 100% in the stylesheet).
WIDTH = 640
LINE_HEIGHT = 320
FONT_SIZE = 14


def format_value(value: float | Decimal | None, unit: str) -> str:
    """84 and "%" -> "84%"; 1200 and "people" -> "1,200 people". Trailing zeros dropped."""
    if value is None:
        return ""
    number = Decimal(str(value)).quantize(Decimal("0.01")).normalize()
    # normalize() turns 100 into 1E+2; format fixed-point again.
    text = f"{number:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if not unit:
        return text
    if unit in {"%", "£"}:
        return f"£{text}" if unit == "£" else f"{text}%"
    return f"{text} {unit}"


def _num(x: float) -> str:
    # Coordinates with at most one decimal place keep the markup short and diffable.
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _nice_step(span: float, ticks: int = 5) -> float:
    raw = span / max(ticks, 1)
    if raw <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 2.5, 5, 10):
        if raw <= multiple * magnitude:
            return multiple * magnitude
    return 10 * magnitude


def _domain(values: Sequence[float]) -> tuple[float, float, float]:
    """A scale from zero (or below, for negative figures) to a round number above the largest."""
    low = min([0.0, *values])
    high = max([0.0, *values])
    if high == low:
        high = low + 1
    step = _nice_step(high - low)
    low = math.floor(low / step) * step
    high = math.ceil(high / step) * step
    return low, high, step


def _line_domain(values: Sequence[float]) -> tuple[float, float, float]:
    """A scale that frames the figures: a line chart's axis need not start at zero (unlike a bar
    chart's), or a change from 80% to 84% would be a flat line at the top."""
    low, high = min(values), max(values)
    if low < 0 or high == low:
        return _domain(values)
    step = _nice_step(high - low, ticks=4)
    start = max(0.0, math.floor(low / step) * step - step)
    end = math.ceil(high / step) * step + (step if high % step == 0 else 0)
    if start <= (end - start) / 2:  # close enough to zero: show zero
        return _domain(values)
    return start, end, step


def _chart_id(kind: str, title: str, data: object) -> str:
    # Stable ids (the same chart renders the same markup) that differ between charts on a page.
    digest = hashlib.sha1(f"{kind}|{title}|{data!r}".encode(), usedforsecurity=False)
    return f"tf-chart-{digest.hexdigest()[:10]}"


def _open_svg(chart_id: str, height: float, title: str, desc: str, kind: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="tf-chart tf-chart--{kind}" '
        f'viewBox="0 0 {WIDTH} {_num(height)}" role="img" focusable="false" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-size="{FONT_SIZE}" font-family="Arial, sans-serif">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
    ]


def _floats(values: Sequence[float | Decimal | None]) -> list[float | None]:
    return [None if v is None else float(v) for v in values]


def _line_desc(
    title: str,
    points: Sequence[tuple[str, float | None]],
    unit: str,
    target: float | None,
    baseline: float | None,
) -> str:
    shown = [(label, v) for label, v in points if v is not None]
    parts: list[str] = []
    if not points:
        return _("Line chart of %(title)s. There are no figures yet.") % {"title": title}
    parts.append(
        _("Line chart of %(title)s, %(first)s to %(last)s.")
        % {"title": title, "first": points[0][0], "last": points[-1][0]}
    )
    if shown:
        first_label, first = shown[0]
        last_label, last = shown[-1]
        if len(shown) > 1:
            parts.append(
                _("It went from %(first)s in %(first_period)s to %(last)s in %(last_period)s.")
                % {
                    "first": format_value(first, unit),
                    "first_period": first_label,
                    "last": format_value(last, unit),
                    "last_period": last_label,
                }
            )
        else:
            parts.append(
                _("The only figure shown is %(value)s in %(period)s.")
                % {"value": format_value(last, unit), "period": last_label}
            )
    gaps = len(points) - len(shown)
    if gaps:
        parts.append(
            ngettext(
                "%(count)s period not shown: too few people or no figure.",
                "%(count)s periods not shown: too few people or no figure.",
                gaps,
            )
            % {"count": gaps}
        )
    if baseline is not None:
        parts.append(_("Baseline %(value)s.") % {"value": format_value(baseline, unit)})
    if target is not None:
        parts.append(_("Target %(value)s.") % {"value": format_value(target, unit)})
    return " ".join(parts)


def line_chart(
    *,
    title: str,
    points: Sequence[tuple[str, float | Decimal | None]],
    unit: str,
    target: float | Decimal | None = None,
    baseline: float | Decimal | None = None,
) -> SafeString:
    """A line chart of figures over time. None is a gap in the line (a suppressed or missing
    figure); the target and baseline are labelled horizontal lines."""
    values = _floats([v for _label, v in points])
    target_f = None if target is None else float(target)
    baseline_f = None if baseline is None else float(baseline)
    labels = [str(label) for label, _v in points]
    pairs = list(zip(labels, values, strict=True))
    chart_id = _chart_id("line", title, (pairs, target_f, baseline_f, unit))
    desc = _line_desc(title, pairs, unit, target_f, baseline_f)

    left, right, top, bottom = 64.0, 40.0, 24.0, 56.0
    plot_w = WIDTH - left - right
    plot_h = LINE_HEIGHT - top - bottom
    known = [v for v in values if v is not None]
    low, high, step = _line_domain(
        known + [x for x in (target_f, baseline_f) if x is not None] or [1.0]
    )

    def y_of(v: float) -> float:
        return top + plot_h - (v - low) / (high - low) * plot_h

    def x_of(i: int) -> float:
        if len(points) == 1:
            return left + plot_w / 2
        return left + i * plot_w / (len(points) - 1)

    out = _open_svg(chart_id, LINE_HEIGHT, title, desc, "line")
    # Axes and gridlines: decoration for sighted readers; the table carries the numbers.
    out.append('<g class="tf-chart__grid" aria-hidden="true">')
    tick = low
    while tick <= high + step / 1000:
        y = y_of(tick)
        out.append(
            f'<line class="tf-chart__gridline" x1="{_num(left)}" x2="{_num(WIDTH - right)}" '
            f'y1="{_num(y)}" y2="{_num(y)}" stroke="#b1b4b6" stroke-width="1"/>'
        )
        out.append(
            f'<text class="tf-chart__tick" x="{_num(left - 8)}" y="{_num(y + 5)}" '
            f'text-anchor="end" fill="#0b0c0c">{escape(format_value(tick, unit))}</text>'
        )
        tick += step
    # Label at most about eight periods so they never overlap; the table lists them all.
    every = max(1, math.ceil(len(points) / 8))
    for i, label in enumerate(labels):
        if i % every and i != len(points) - 1:
            continue
        out.append(
            f'<text class="tf-chart__tick" x="{_num(x_of(i))}" '
            f'y="{_num(LINE_HEIGHT - bottom + 24)}" text-anchor="middle" '
            f'fill="#0b0c0c">{escape(label)}</text>'
        )
    out.append("</g>")

    # The baseline is labelled at the left and the target at the right, so the two labels never
    # sit on top of one another when the figures are close.
    for kind, value, dash, text, label_x, anchor in (
        ("baseline", baseline_f, "2 4", _("Baseline"), left + 4, "start"),
        ("target", target_f, "10 6", _("Target"), WIDTH - right, "end"),
    ):
        if value is None:
            continue
        y = y_of(value)
        out.append(
            f'<g class="tf-chart__{kind}">'
            f'<line class="tf-chart__{kind}-line" x1="{_num(left)}" x2="{_num(WIDTH - right)}" '
            f'y1="{_num(y)}" y2="{_num(y)}" stroke="#0b0c0c" stroke-width="2" '
            f'stroke-dasharray="{dash}"/>'
            f'<text class="tf-chart__{kind}-label" x="{_num(label_x)}" '
            f'y="{_num(y - 6)}" text-anchor="{anchor}" fill="#0b0c0c">'
            f"{escape(text)}: {escape(format_value(value, unit))}</text></g>"
        )

    # One path per unbroken run of figures: a missing figure is a visible gap, never a line
    # drawn through a number we did not publish.
    runs: list[list[tuple[float, float]]] = [[]]
    for i, v in enumerate(values):
        if v is None:
            if runs[-1]:
                runs.append([])
            continue
        runs[-1].append((x_of(i), y_of(v)))
    out.append('<g class="tf-chart__series">')
    for run in runs:
        if len(run) > 1:
            d = " ".join(
                f"{'M' if n == 0 else 'L'}{_num(x)} {_num(y)}" for n, (x, y) in enumerate(run)
            )
            out.append(
                f'<path class="tf-chart__line" d="{d}" fill="none" stroke="#1d70b8" '
                f'stroke-width="3"/>'
            )
    for i, v in enumerate(values):
        if v is None:
            # Mark the gap on the axis so it reads as "not shown" rather than as zero.
            out.append(
                f'<text class="tf-chart__gap" x="{_num(x_of(i))}" '
                f'y="{_num(top + plot_h - 8)}" text-anchor="middle" fill="#505a5f">'
                f"{escape(_('not shown'))}</text>"
            )
            continue
        out.append(
            f'<circle class="tf-chart__point" cx="{_num(x_of(i))}" cy="{_num(y_of(v))}" r="5" '
            f'fill="#1d70b8" stroke="#ffffff" stroke-width="2"/>'
        )
    out.append("</g></svg>")
    return mark_safe("".join(out))  # noqa: S308 -- every piece of text above is escaped


def _bar_desc(
    title: str,
    bars: Sequence[tuple[str, float | None]],
    unit: str,
    reference: float | None,
    reference_label: str,
) -> str:
    shown = [(label, v) for label, v in bars if v is not None]
    parts = [_("Bar chart of %(title)s, %(count)s bars.") % {"title": title, "count": len(bars)}]
    if shown:
        top_label, top_value = max(shown, key=lambda b: b[1])
        low_label, low_value = min(shown, key=lambda b: b[1])
        parts.append(
            _("Highest %(high_label)s at %(high)s; lowest %(low_label)s at %(low)s.")
            % {
                "high_label": top_label,
                "high": format_value(top_value, unit),
                "low_label": low_label,
                "low": format_value(low_value, unit),
            }
        )
    if reference is not None:
        parts.append(
            _("The line marks %(label)s at %(value)s.")
            % {
                "label": reference_label or _("the reference"),
                "value": format_value(reference, unit),
            }
        )
    missing = len(bars) - len(shown)
    if missing:
        parts.append(_("%(count)s not shown: too few people or no figure.") % {"count": missing})
    return " ".join(parts)


def bar_chart(
    *,
    title: str,
    bars: Sequence[tuple[str, float | Decimal | None]],
    unit: str,
    reference: float | Decimal | None = None,
    reference_label: str = "",
) -> SafeString:
    """Horizontal bars, one per label (each with its label above it so long ward names fit at
    320 px), and an optional vertical reference line such as the town figure."""
    labels = [str(label) for label, _v in bars]
    values = _floats([v for _label, v in bars])
    reference_f = None if reference is None else float(reference)
    pairs = list(zip(labels, values, strict=True))
    chart_id = _chart_id("bar", title, (pairs, reference_f, reference_label, unit))
    desc = _bar_desc(title, pairs, unit, reference_f, reference_label)

    left, right, top, row_h = 8.0, 96.0, 40.0, 44.0
    height = top + row_h * len(bars) + 32
    plot_w = WIDTH - left - right
    known = [v for v in values if v is not None]
    low, high, _step = _domain(known + ([reference_f] if reference_f is not None else []) or [1.0])

    def x_of(v: float) -> float:
        return left + (v - low) / (high - low) * plot_w

    out = _open_svg(chart_id, height, title, desc, "bar")
    zero = x_of(0.0)
    out.append('<g class="tf-chart__bars">')
    for i, (label, v) in enumerate(pairs):
        y = top + i * row_h
        out.append(
            f'<text class="tf-chart__bar-label" x="{_num(left)}" y="{_num(y + 14)}" '
            f'fill="#0b0c0c">{escape(label)}</text>'
        )
        bar_y = y + 20
        if v is None:
            out.append(
                f'<text class="tf-chart__gap" x="{_num(zero + 4)}" y="{_num(bar_y + 13)}" '
                f'fill="#505a5f">{escape(_("not shown"))}</text>'
            )
            continue
        x0, x1 = sorted((zero, x_of(v)))
        out.append(
            f'<rect class="tf-chart__bar" x="{_num(x0)}" y="{_num(bar_y)}" '
            f'width="{_num(max(x1 - x0, 1))}" height="16" fill="#1d70b8"/>'
        )
        out.append(
            f'<text class="tf-chart__bar-value" x="{_num(x1 + 6)}" y="{_num(bar_y + 13)}" '
            f'fill="#0b0c0c">{escape(format_value(v, unit))}</text>'
        )
    out.append("</g>")
    if reference_f is not None:
        x = x_of(reference_f)
        text = (
            f"{reference_label}: {format_value(reference_f, unit)}"
            if reference_label
            else (format_value(reference_f, unit))
        )
        out.append(
            f'<g class="tf-chart__reference">'
            f'<line class="tf-chart__reference-line" x1="{_num(x)}" x2="{_num(x)}" '
            f'y1="{_num(top - 8)}" y2="{_num(height - 24)}" stroke="#0b0c0c" stroke-width="2" '
            f'stroke-dasharray="10 6"/>'
            f'<text class="tf-chart__reference-label" x="{_num(x)}" y="{_num(top - 16)}" '
            f'text-anchor="{"end" if x > WIDTH / 2 else "start"}" fill="#0b0c0c">'
            f"{escape(text)}</text></g>"
        )
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 -- every piece of text above is escaped
