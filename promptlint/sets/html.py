"""`promptlint simulate --format html`: one self-contained page from the JSON document.

The page is rendered from ``report.document(...)``, never from the dataclasses, so the
HTML and JSON outputs cannot disagree. It references nothing outside itself (no scripts,
stylesheets, fonts or images by URL: it may be opened offline or attached to a ticket),
and every string from the document is escaped: prompt text, paths and notes come from
the files being simulated.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from typing import Any, Iterable, Sequence

# The chart keeps to the groups that cost the most: past a few dozen bars it stops being readable.
CHART_GROUPS = 40
# The request table lists the first requests only; the JSON document lists every one.
PAGE_REQUESTS = 200
PAGE_GROUPS = 500  # the costliest; --format json lists every group
# Generic rendering of fields this module does not know (e.g. "observed"): bounded, since they can be large.
_GENERIC_DEPTH = 3
_GENERIC_ROWS = 50

_WITH = "#2f6f9f"
_WITHOUT = "#e8a33d"

_CSS = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222; margin: 2em auto; max-width: 1400px; padding: 0 1em; }
h1 { font-size: 1.5em; margin-bottom: .2em; }
h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ddd; padding-bottom: .2em; }
h3 { font-size: 1.05em; margin-top: 1.6em; }
td { font-variant-numeric: tabular-nums; }
table { border-collapse: collapse; margin: .5em 0; font-size: 13px; }
th, td { border-bottom: 1px solid #e4e4e4; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f5f5f5; }
.scroll { overflow-x: auto; }
table.groups td:nth-child(2) { overflow-wrap: anywhere; min-width: 10em; }
table.groups td:nth-child(3), table.requests td:nth-child(2), table.requests td:nth-child(3), table.requests td:nth-child(6) { white-space: nowrap; }
table.groups td:last-child { min-width: 22em; }
table.requests td:last-child { min-width: 16em; }
dl.summary { display: grid; grid-template-columns: max-content auto; gap: 2px 1.2em; }
dl.summary dt { color: #555; }
dl.summary dd { margin: 0; }
.muted, .note { color: #666; }
.below-minimum { color: #a61b1b; }
.uncertain { color: #8a5a00; }
.saves { color: #1d6b2f; font-weight: 600; }
.costs { color: #a61b1b; font-weight: 600; }
.chart { max-width: 100%; height: auto; }
"""


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _usd(value: Any, currency: str = "USD") -> str:
    if not isinstance(value, (int, float)):
        return "n/a"
    return f"${value:,.4f}" if currency == "USD" else f"{value:,.4f} {currency}"


def _pct(value: Any) -> str:
    return f"{value:.0%}" if isinstance(value, (int, float)) else "n/a"


def _int(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else _e(value if value is not None else "-")


def _num(value: Any) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0.0


def _cost(item: dict, key: str) -> Any:
    cost = item.get("cost")
    return cost.get(key) if isinstance(cost, dict) else None


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _row(cells: Iterable[str]) -> str:
    return "<tr>" + "".join(f"<td>{text}</td>" for text in cells) + "</tr>"


def _table(name: str, columns: Sequence[tuple[str, bool]], rows: list[str]) -> str:
    head = "".join(f"<th>{_e(title)}</th>" for title, _ in columns)
    return f'<div class="scroll"><table class="{name}"><thead><tr>{head}</tr></thead><tbody>' + "".join(rows) + "</tbody></table></div>"


def _align(name: str, columns: Sequence[tuple[str, bool]]) -> str:
    # Right-aligned numbers by column position: a class on every cell would add a large share of a big page.
    numeric = [n for n, (_, is_number) in enumerate(columns, 1) if is_number]
    cells = ", ".join(f"table.{name} td:nth-child({n})" for n in numeric)
    heads = ", ".join(f"table.{name} th:nth-child({n})" for n in numeric)
    return f"{cells} {{ text-align: right; white-space: nowrap; }}\n{heads} {{ text-align: right; }}\n"


def _when(time: Any, assumed: bool) -> str:
    if not isinstance(time, (int, float)):
        return "-"
    if assumed and time < 10**8:  # seconds from the start, not a date
        return f"+{time:g}s"
    try:
        return dt.datetime.fromtimestamp(time, dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    except (OverflowError, OSError, ValueError):
        return _e(time)


# -- the summary ---------------------------------------------------------------------------


def _priced(s: dict) -> bool:
    requests = s.get("requests")
    unpriced = _cost(s, "unpriced_requests")
    if isinstance(requests, int) and isinstance(unpriced, int):
        return unpriced < requests
    return _num(_cost(s, "with_caching")) > 0 or _num(_cost(s, "without_caching")) > 0


def _summary(s: dict) -> str:
    currency = _cost(s, "currency") or "USD"
    items: list[tuple[str, str]] = [
        ("kind", _e(s.get("kind"))),
        ("requests", f"{_int(s.get('requests'))} ({_int(s.get('simulated'))} simulated)"),
        ("hit rate", f"{_pct(s.get('hit_rate'))} of simulated requests, {_pct(s.get('token_hit_rate'))} of their input tokens"),
    ]
    tokens = s.get("tokens")
    if isinstance(tokens, dict):
        items.append(("tokens (estimates)", ", ".join(f"{_e(str(k).replace('_', ' '))} {_int(v)}" for k, v in tokens.items())))
    discounts = sorted({r.get("batch_discount") for r in _list(s.get("per_request")) if isinstance(r, dict) and _num(r.get("batch_discount")) > 0})
    if discounts:
        items.append(("batch", ", ".join(f"{d:.0%}" for d in discounts) + " discount applied to input prices"))
    if not s.get("requests"):
        items.append(("input cost", '<span class="muted">no requests</span>'))
    elif _priced(s):
        with_, without, saving = _cost(s, "with_caching"), _cost(s, "without_caching"), _cost(s, "saving")
        items.append(("input cost with caching", _usd(with_, currency)))
        items.append(("input cost without caching", _usd(without, currency)))
        if isinstance(saving, (int, float)):
            verdict = (
                f'<span class="saves">saves {_usd(saving, currency)}</span>' if saving > 0
                else f'<span class="costs">costs {_usd(-saving, currency)} more</span>' if saving < 0
                else "no difference"
            )
            items.append(("saving", verdict))
    else:
        items.append(("input cost", '<span class="muted">no prices: no request has a model with a known price</span>'))
    unpriced = _cost(s, "unpriced_requests")
    if isinstance(unpriced, int) and unpriced and _priced(s):
        items.append(("without a price", f"{unpriced:,} request{'s' if unpriced != 1 else ''} (not in the costs)"))
    if s.get("assumption"):
        items.append(("assumption", _e(s.get("assumption"))))
    for note in _list(s.get("notes")):
        items.append(("note", _e(note)))
    return '<dl class="summary">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in items) + "</dl>"


# -- the chart -----------------------------------------------------------------------------


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _larger_cost(g: dict) -> float:
    return max(_num(_cost(g, "with_caching")), _num(_cost(g, "without_caching")))


def _chart(s: dict) -> str:
    groups = [g for g in _list(s.get("groups")) if isinstance(g, dict)]
    currency = _cost(s, "currency") or "USD"
    if not groups:
        return '<p class="muted">No prefix groups to chart.</p>'
    if not _priced(s):
        return '<p class="muted">No prices: no request has a model with a known price, so there is no cost to chart.</p>'
    costly = [g for g in groups if _larger_cost(g) > 0]
    if not costly:
        return '<p class="muted">No prefix group has a cost to chart (nothing is cached, or no group is priced).</p>'
    shown = sorted(costly, key=_larger_cost, reverse=True)[:CHART_GROUPS]
    top = _larger_cost(shown[0])

    label_w, bars_w, value_w = 300, 560, 110
    bar_h, gap, legend_h = 13, 12, 30
    row_h = 2 * bar_h + gap
    width = label_w + bars_w + value_w
    height = legend_h + row_h * len(shown) + 4
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="cost per prefix group, with and without caching" font-family="system-ui, sans-serif" font-size="12">',
        f'<rect x="{label_w}" y="6" width="12" height="12" fill="{_WITH}"/><text x="{label_w + 18}" y="16">with caching</text>',
        f'<rect x="{label_w + 130}" y="6" width="12" height="12" fill="{_WITHOUT}"/><text x="{label_w + 148}" y="16">without caching</text>',
    ]
    for n, g in enumerate(shown):
        y = legend_h + n * row_h
        label = f"{g.get('id')} · {g.get('model') or 'unknown model'} · bp{g.get('breakpoint')}"
        parts.append(f'<text x="{label_w - 8}" y="{y + bar_h + 4}" text-anchor="end"><title>{_e(label)}</title>{_e(_clip(label, 42))}</text>')
        for k, (key, colour, name) in enumerate((("with_caching", _WITH, "with caching"), ("without_caching", _WITHOUT, "without caching"))):
            value = _cost(g, key)
            w = round(_num(value) / top * bars_w, 1)
            by = y + k * bar_h
            parts.append(
                f'<rect x="{label_w}" y="{by}" width="{w}" height="{bar_h - 2}" fill="{colour}">'
                f"<title>{_e(g.get('id'))} {name}: {_usd(value, currency)}</title></rect>"
                f'<text x="{label_w + w + 4}" y="{by + bar_h - 3}" font-size="11">{_usd(value, currency)}</text>'
            )
    parts.append("</svg>")
    left_out = len(groups) - len(shown)
    caption = f"Input cost per prefix group, scaled to the largest ({_usd(top, currency)})."
    if left_out:
        caption += f" The {len(shown)} costliest are shown; {left_out:,} more group{'s' if left_out != 1 else ''} left out (smaller or without a cost)."
    return "".join(parts) + f'<p class="muted">{caption}</p>'


# -- the tables ----------------------------------------------------------------------------

_GROUP_COLUMNS = [
    ("group", False), ("where", False), ("model", False), ("bp", True), ("section / block", False), ("tokens", True),
    ("ttl", False), ("status", False), ("size", True), ("writes", True), ("reads", True), ("break-even reads", True),
    ("with caching", True), ("without caching", True), ("recommendation", False),
]


def _groups(s: dict) -> str:
    groups = [g for g in _list(s.get("groups")) if isinstance(g, dict)]
    if not groups:
        return '<p class="muted">No prefix groups: no simulated request marks a prefix for caching.</p>'
    currency = _cost(s, "currency") or "USD"
    rows = []
    for g in groups:
        even = g.get("break_even_reads")
        status = g.get("status")
        recommendation = g.get("recommendation") if isinstance(g.get("recommendation"), dict) else {}
        action, advice = recommendation.get("action"), recommendation.get("text")
        rows.append(_row([
            _e(g.get("id")),
            f"{_e(g.get('path'))}:{_e(g.get('line'))}",
            _e(g.get("model") or "-"),
            _e(g.get("breakpoint")),
            f"{_e(g.get('section'))} / {_e(g.get('block'))}",
            _int(g.get("tokens")),
            _e(g.get("ttl") or "-"),
            _e(status) if status == "cached" else f'<span class="{_e(status)}">{_e(status)}</span>',
            _int(g.get("size")),
            _int(g.get("writes")),
            _int(g.get("reads")),
            f"{even:.2f}" if isinstance(even, (int, float)) else "-",
            _usd(_cost(g, "with_caching"), currency),
            _usd(_cost(g, "without_caching"), currency),
            f"<b>{_e(action)}</b>: {_e(advice)}" if action else _e(advice),
        ]))
    omitted = s.get("groups_omitted") or 0
    tail = f'<p class="muted">… {omitted:,} more group{"s" if omitted != 1 else ""}, each costing less (<code>--format json</code> lists every group).</p>' if omitted else ""
    return _table("groups", _GROUP_COLUMNS, rows) + tail


_REQUEST_COLUMNS = [
    ("line", True), ("time", False), ("model", False), ("groups", False), ("wrote", False), ("read", False),
    ("read tok", True), ("write 5m", True), ("write 1h", True), ("uncached", True), ("with caching", True),
    ("without caching", True), ("notes", False),
]


def _requests(s: dict) -> str:
    requests = [r for r in _list(s.get("per_request")) if isinstance(r, dict)]
    if not requests:
        return '<p class="muted">No requests.</p>'
    currency = _cost(s, "currency") or "USD"
    assumed = bool(s.get("assumption"))
    rows = []
    for r in requests[:PAGE_REQUESTS]:
        where = _e(r.get("line")) if r.get("path") == s.get("path") else f"{_e(r.get('path'))}:{_e(r.get('line'))}"
        read = r.get("read")
        if isinstance(read, dict):
            shown_read = f"{_e(read.get('group'))} at bp{_e(read.get('breakpoint'))} (block {_e(read.get('block'))})"
        else:
            shown_read = "-" if r.get("simulated", True) else '<span class="muted">not simulated</span>'
        tokens = r.get("tokens") if isinstance(r.get("tokens"), dict) else {}
        rows.append(_row([
            where,
            _when(r.get("time"), assumed),
            _e(r.get("model") or "-"),
            _e(", ".join(str(g) for g in _list(r.get("groups")))) or "-",
            _e(", ".join(f"bp{b}" for b in _list(r.get("wrote")))) or "-",
            shown_read,
            _int(tokens.get("read", 0)),
            _int(tokens.get("write_5m", 0)),
            _int(tokens.get("write_1h", 0)),
            _int(tokens.get("uncached", 0)),
            _usd(_cost(r, "with_caching"), currency),
            _usd(_cost(r, "without_caching"), currency),
            "<br>".join(f'<span class="note">{_e(n)}</span>' for n in _list(r.get("notes"))),
        ]))
    total = s.get("requests") if isinstance(s.get("requests"), int) else len(requests)
    more = total - min(len(requests), PAGE_REQUESTS)
    tail = f'<p class="muted">… {more:,} more request{"s" if more != 1 else ""} (<code>--format json</code> lists every request).</p>' if more > 0 else ""
    return _table("requests", _REQUEST_COLUMNS, rows) + tail


# -- fields this module does not know ------------------------------------------------------


def _generic(value: Any, depth: int = 0) -> str:
    """Any JSON value as nested key/value tables, bounded in depth and rows."""
    if isinstance(value, dict):
        if depth >= _GENERIC_DEPTH:
            return f"<code>{_e(json.dumps(value, ensure_ascii=False, default=str)[:500])}</code>"
        items = list(value.items())
        rows = "".join(f"<tr><th>{_e(k)}</th><td>{_generic(v, depth + 1)}</td></tr>" for k, v in items[:_GENERIC_ROWS])
        more = f'<tr><td colspan="2" class="muted">… {len(items) - _GENERIC_ROWS:,} more</td></tr>' if len(items) > _GENERIC_ROWS else ""
        return f"<table>{rows}{more}</table>"
    if isinstance(value, list):
        if all(not isinstance(v, (dict, list)) for v in value):
            shown = ", ".join(_e(v) for v in value[:_GENERIC_ROWS])
            return shown + (f" … {len(value) - _GENERIC_ROWS:,} more" if len(value) > _GENERIC_ROWS else "") if value else "[]"
        if depth >= _GENERIC_DEPTH:
            return f"<code>{_e(json.dumps(value, ensure_ascii=False, default=str)[:500])}</code>"
        rows = "".join(f"<tr><th>{n}</th><td>{_generic(v, depth + 1)}</td></tr>" for n, v in enumerate(value[:_GENERIC_ROWS]))
        more = f'<tr><td colspan="2" class="muted">… {len(value) - _GENERIC_ROWS:,} more</td></tr>' if len(value) > _GENERIC_ROWS else ""
        return f"<table>{rows}{more}</table>"
    if value is None or isinstance(value, bool):
        return f'<span class="muted">{json.dumps(value)}</span>' if value is None else json.dumps(value)
    if isinstance(value, float):
        return f"{value:,.6g}"
    return _int(value) if isinstance(value, int) else _e(value)


# -- the page ------------------------------------------------------------------------------


def _set(s: dict, n: int, total: int) -> str:
    heading = f"<h2>{_e(s.get('path'))}</h2>" if total == 1 else f"<h2>{n + 1}. {_e(s.get('path'))}</h2>"
    parts = [heading, _summary(s)]
    observed = s.get("observed")
    if isinstance(observed, (dict, list)):
        parts += ["<h3>Observed</h3>", _generic(observed)]
    parts += ["<h3>Cost per prefix group</h3>", _chart(s)]
    parts += [f"<h3>Prefix groups ({len(_list(s.get('groups'))):,})</h3>", _groups(s)]
    count = len(_list(s.get("per_request")))
    parts += [f"<h3>Requests ({count:,}{', the first ' + format(PAGE_REQUESTS, ',') + ' shown' if count > PAGE_REQUESTS else ''})</h3>", _requests(s)]
    return '<section class="set">' + "\n".join(parts) + "</section>"


def render(document: dict) -> str:
    """The whole page for ``report.document(simulations)``."""
    sets = [s for s in _list(document.get("sets")) if isinstance(s, dict)]
    files = list(dict.fromkeys(str(s.get("path")) for s in sets))
    title = "promptlint simulate: " + (", ".join(files) if files else "no request sets")
    body = "\n".join(_set(s, n, len(sets)) for n, s in enumerate(sets)) or '<p class="muted">No request sets were simulated.</p>'
    estimates = document.get("estimates")
    footer = f'<p class="muted">{_e(estimates)}.</p>' if estimates else ""
    style = _CSS + _align("groups", _GROUP_COLUMNS) + _align("requests", _REQUEST_COLUMNS)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{style}</style>\n</head>\n<body>\n"
        f"<h1>{_e(title)}</h1>\n"
        f'<p class="muted">Cache simulation, JSON document version {_e(document.get("version"))}.</p>\n'
        f"{body}\n{footer}\n</body>\n</html>\n"
    )
