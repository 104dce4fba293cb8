"""Outcome-rate charts drawn on the server: inline SVG, no script, styled only by classes in app.css.

One horizontal bar per value: the upheld share (left) and the overturned share (right), each a
link that adds the value's filter to the question; a whisker over the bar spans the 95% Wilson
interval of the upheld share, and a line of text says the same in words. Lengths are percentages
of the chart's width, so the text stays its own size from a 390 px phone to a desktop.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from markupsafe import Markup

MOST_ROWS = 8
ROW = 50  # height of one value's rows: label, bar, words
LABEL_Y, BAR_Y, BAR_H, WORDS_Y = 14, 20, 14, 46


def percent(share: float) -> str:
    return f"{100 * share:.0f}%"


def rate_chart(rows: list[dict], title: str, chart_id: str, href: Callable[[dict, str], str],
               most: int = MOST_ROWS) -> Markup:
    """Draw rows of {"value", "upheld", "overturned", "total", "upheld_rate", "ci_low", "ci_high"}.

    `href(row, side)` gives the link of a row's upheld or overturned bar.
    """
    shown = rows[:most]
    height = ROW * len(shown) + 4
    parts = [f'<svg class="rate-chart" width="100%" height="{height}" role="group" '
             f'aria-labelledby="{chart_id}-title" xmlns="http://www.w3.org/2000/svg">',
             f'<title id="{chart_id}-title">{escape(title)}</title>']
    for number, row in enumerate(shown):
        parts.append(_row(row, number * ROW, href))
    parts.append("</svg>")
    if len(rows) > most:
        parts.append(f'<p class="hint">and {len(rows) - most} more values, not drawn</p>')
    return Markup("".join(parts))


def _row(row: dict, top: int, href: Callable[[dict, str], str]) -> str:
    value, rate = escape(str(row["value"])), row["upheld_rate"]
    words = (f'{percent(rate)} upheld · {row["upheld"]} of {row["total"]} · '
             f'95% CI {percent(row["ci_low"])}–{percent(row["ci_high"])}')
    out = [f'<g class="rate-row"><text class="rate-label" x="0" y="{top + LABEL_Y}">{value}</text>']
    for side, start, share in (("upheld", 0.0, rate), ("overturned", rate, 1 - rate)):
        count = row[side]
        if not count:
            continue
        link = href(row, side)
        label = escape(f'{row["value"]}: {count} of {row["total"]} {side} ({percent(share)}). '
                       f'Show only {row["value"]}.', quote=True)
        bar = (f'<rect class="bar bar-{side}" x="{100 * start:.2f}%" y="{top + BAR_Y}" '
               f'width="{100 * share:.2f}%" height="{BAR_H}"></rect>')
        out.append(f'<a href="{escape(link, quote=True)}" aria-label="{label}">{bar}</a>' if link else bar)
    middle = top + BAR_Y + BAR_H // 2
    low, high = 100 * row["ci_low"], 100 * row["ci_high"]
    out.append(f'<line class="ci" x1="{low:.2f}%" x2="{high:.2f}%" y1="{middle}" y2="{middle}"></line>')
    out.extend(f'<line class="ci" x1="{end:.2f}%" x2="{end:.2f}%" y1="{middle - 5}" y2="{middle + 5}"></line>'
               for end in (low, high))
    out.append(f'<text class="rate-words" x="0" y="{top + WORDS_Y}">{escape(words)}</text></g>')
    return "".join(out)
