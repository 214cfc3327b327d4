"""`promptlint simulate --format html`: one self-contained page that agrees with the JSON.

The page is meant to be opened offline or attached to a ticket, so the tests check that it
references nothing outside itself, both statically (its markup) and in a real browser
(Chromium's network log while it renders the page).
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import struct
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from promptlint.cli import cli
from promptlint.sets.html import CHART_GROUPS, PAGE_REQUESTS, render
from tests.test_simulate import TOOLS, cc, logged, zq

SVG_NAMESPACE = 'xmlns="http://www.w3.org/2000/svg"'
HOSTILE_MODEL = '<script>alert("model")</script>'
HOSTILE_PROMPT = '<script>alert("prompt")</script> & <img src=x onerror=alert(1)>'
URL_ATTRIBUTES = {"src", "href", "srcset", "xlink:href", "action", "formaction", "poster", "data", "background", "ping"}


def usd(value: float) -> str:
    return f"${value:,.4f}"


def write_log(folder: Path) -> Path:
    """Five logged requests: a shared prefix read twice, one with its tools reordered (a new
    group), and one whose model name is markup (it flows into the groups, advice and notes)."""

    def body(tools: list, n: int, **extra) -> dict:
        return {
            "tools": tools,
            "system": [{"type": "text", "text": zq(2000), "cache_control": cc()}],
            "messages": [{"role": "user", "content": f"question {n} {HOSTILE_PROMPT}"}],
            **extra,
        }

    records = [
        logged(0, body(TOOLS, 1)),
        logged(60, body(TOOLS, 2)),
        logged(120, body(TOOLS[::-1], 3)),
        logged(180, body(TOOLS, 4)),
        logged(240, body(TOOLS, 5, model=HOSTILE_MODEL)),
    ]
    path = folder / "set.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def simulate_both(folder: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[dict, str, Path]:
    """The JSON document and the HTML page for the same file, both written with -o."""
    monkeypatch.chdir(folder)
    write_log(folder)
    for fmt in ("json", "html"):
        result = CliRunner().invoke(cli, ["simulate", "--format", fmt, "-o", f"out.{fmt}", "set.jsonl"], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    page = folder / "out.html"
    return json.loads((folder / "out.json").read_text(encoding="utf-8")), page.read_text(encoding="utf-8"), page


class References(HTMLParser):
    """Everything in the markup that could make a browser fetch something."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.tags: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "script" and any(name == "src" for name, _ in attrs):
            self.problems.append("<script src>")
        if tag in ("link", "base", "iframe", "object", "embed"):
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            value = (value or "").strip()
            if name in URL_ATTRIBUTES and not value.startswith(("#", "data:")):
                self.problems.append(f"<{tag} {name}={value!r}>")
            if name == "style":
                self._check_css(value, f"<{tag} style>")
        self._in_style = tag == "style"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self._in_style = False

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self._check_css(data, "<style>")

    def _check_css(self, css: str, where: str) -> None:
        lowered = css.lower()
        if "@import" in lowered:
            self.problems.append(f"@import in {where}")
        rest = lowered
        while "url(" in rest:
            rest = rest[rest.index("url(") + 4 :].lstrip(" \"'")
            if not rest.startswith(("#", "data:")):
                self.problems.append(f"url({rest[:40]}) in {where}")


def assert_self_contained(page: str) -> References:
    parser = References()
    parser.feed(page)
    parser.close()
    assert parser.problems == []
    # The one URL allowed is the SVG namespace name, an identifier that is never fetched.
    rest = page.replace(SVG_NAMESPACE, "").lower()
    assert "http://" not in rest and "https://" not in rest
    return parser


# -- the page, statically -----------------------------------------------------------------


def test_page_agrees_with_the_json(tmp_path, monkeypatch):
    doc, page, _ = simulate_both(tmp_path, monkeypatch)
    (s,) = doc["sets"]
    assert len(s["groups"]) >= 2 and s["cost"]["without_caching"] > 0  # the fixture exercises the chart
    assert page.startswith("<!DOCTYPE html>") and "set.jsonl" in page.split("</title>")[0]
    for g in s["groups"]:
        assert f"<td>{g['id']}</td>" in page
        assert usd(g["cost"]["with_caching"]) in page and usd(g["cost"]["without_caching"]) in page
        assert f"<td>{g['path']}:{g['line']}</td>" in page
    for key in ("with_caching", "without_caching", "saving"):
        assert usd(s["cost"][key]) in page
    assert f"{s['hit_rate']:.0%} of simulated requests" in page
    assert f"{s['tokens']['read']:,}" in page
    assert page.count("<svg") == 1 and page.count("<rect") >= 2  # the legend, then two bars per charted group


def test_page_escapes_what_comes_from_the_files(tmp_path, monkeypatch):
    doc, page, _ = simulate_both(tmp_path, monkeypatch)
    raw = json.dumps(doc)
    assert "<script>" in raw  # the model name reached the document: the page must show it escaped
    assert "<script" not in page.lower() and "<img" not in page.lower()  # no live markup from the files
    assert "&lt;script&gt;alert(&quot;model&quot;)&lt;/script&gt;" in page


def test_page_references_nothing_outside_itself(tmp_path, monkeypatch):
    _, page, _ = simulate_both(tmp_path, monkeypatch)
    parser = assert_self_contained(page)
    assert "script" not in parser.tags  # no JavaScript at all: none is needed
    assert page.count(SVG_NAMESPACE) == 1


def test_the_reference_check_catches_external_resources():
    # The checks above are only worth something if they fail on what they look for.
    for bad in (
        '<link rel="stylesheet" href="s.css">',
        '<img src="https://example.com/x.png">',
        '<script src="a.js"></script>',
        "<style>@import 'x.css';</style>",
        "<style>body { background: url(http://example.com/b.png) }</style>",
        '<div style="background:url( \'x.png\')"></div>',
        '<svg><use xlink:href="other.svg#a"/></svg>',
        "<p>see https://example.com</p>",
    ):
        with pytest.raises(AssertionError):
            assert_self_contained(f"<html><body>{bad}</body></html>")
    assert_self_contained(f'<svg {SVG_NAMESPACE}><rect fill="url(#g)"/><a href="#top">top</a></svg>')


def test_empty_and_unpriced_sets():
    doc = {
        "version": 1,
        "sets": [
            {"path": "none.jsonl", "kind": "log", "requests": 0, "simulated": 0, "groups": [], "per_request": [], "cost": {"currency": "USD", "unpriced_requests": 0}},
            {
                "path": "unpriced.jsonl",
                "kind": "batch",
                "requests": 1,
                "simulated": 1,
                "hit_rate": None,
                "token_hit_rate": None,
                "tokens": {"read": 0, "write_5m": 10, "write_1h": 0, "uncached": 0},
                "cost": {"currency": "USD", "with_caching": 0.0, "without_caching": 0.0, "saving": 0.0, "unpriced_requests": 1},
                "groups": [{"id": "g1", "path": "unpriced.jsonl", "line": 1, "model": "mystery", "cost": {"with_caching": 0.0, "without_caching": 0.0}}],
                "per_request": [{"path": "unpriced.jsonl", "line": 1, "time": 0.0, "simulated": True, "read": None}],
            },
        ],
    }
    page = render(doc)
    assert "<svg" not in page and page.count("No prices") == 1 and "No prefix groups" in page
    assert "<td>g1</td>" in page and "n/a" in page
    assert_self_contained(page)
    assert "No request sets" in render({"version": 1, "sets": []})


def test_extra_keys_and_an_observed_section(tmp_path, monkeypatch):
    doc, _, _ = simulate_both(tmp_path, monkeypatch)
    base = copy.deepcopy(doc)
    doc["new_top_level"] = {"x": 1}
    s = doc["sets"][0]
    s["unknown_key"] = [1, 2, 3]
    s["groups"][0]["unknown_key"] = "ignored"
    s["observed"] = {"requests_with_usage": 5, "read_tokens": {"observed": 7604, "simulated": 7000}, "note": "<b>from the log</b>", "lines": [1, 2]}
    page = render(doc)
    assert "<h3>Observed</h3>" in page and "requests_with_usage" in page and "7,604" in page
    assert "&lt;b&gt;from the log&lt;/b&gt;" in page and "<b>from the log" not in page
    s["observed"] = [{"line": 1, "read": 3}, {"line": 2, "read": 4}]
    assert "<h3>Observed</h3>" in render(doc)
    s["observed"] = "not a mapping"
    assert "<h3>Observed</h3>" not in render(doc)
    assert "<h3>Observed</h3>" not in render(base)


def test_chart_and_request_table_are_capped(tmp_path, monkeypatch):
    doc, _, _ = simulate_both(tmp_path, monkeypatch)
    s = doc["sets"][0]
    template, request = s["groups"][0], s["per_request"][0]
    extra = 5
    s["groups"] = [
        {**template, "id": f"g{n}", "cost": {"with_caching": n / 1000, "without_caching": n / 500}} for n in range(1, CHART_GROUPS + extra + 1)
    ]
    s["per_request"] = [{**request, "line": n} for n in range(1, PAGE_REQUESTS + 51)]
    s["requests"] = PAGE_REQUESTS + 50
    s["groups_omitted"] = 7  # a huge set: the document holds only the costliest groups
    page = render(doc)
    chart = page[page.index("<svg") : page.index("</svg>")]
    assert chart.count("<rect") == 2 + 2 * CHART_GROUPS  # legend swatches, then two bars a group
    assert f">g{CHART_GROUPS + extra} · " in chart and ">g1 · " not in chart  # the largest, not the first
    assert f"{extra} more groups left out" in page
    assert "<td>g1</td>" in page  # the group table lists every group the document holds
    assert "… 7 more groups, each costing less" in page
    assert "… 50 more requests" in page and f"<td>{PAGE_REQUESTS}</td>" in page and f"<td>{PAGE_REQUESTS + 1}</td>" not in page


def test_html_goes_to_stdout_without_output(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_log(tmp_path)
    result = CliRunner().invoke(cli, ["simulate", "--format", "html", "set.jsonl"], catch_exceptions=False)
    assert result.exit_code == 0 and "<!DOCTYPE html>" in result.output and "</html>" in result.output


# -- the page in a real browser -----------------------------------------------------------


def find_chromium() -> str:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser:
        return browser
    if os.environ.get("CI"):
        pytest.fail("chromium is not installed: CI installs Debian's chromium (.ci/run) for the HTML page test")
    pytest.skip("chromium is not installed: `apt-get install chromium` to render the HTML page in a real browser")


def chromium(browser: str, profile: Path, *args: str) -> subprocess.CompletedProcess:
    flags = [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        # Nothing resolves: the test never reaches the network, and a page request still shows in the log.
        "--host-resolver-rules=MAP * ~NOTFOUND",
        f"--user-data-dir={profile}", "--window-size=1200,1600",
    ]  # fmt: skip
    return subprocess.run([browser, *flags, *args], capture_output=True, text=True, timeout=60)


def page_requests(net_log: Path) -> list[str]:
    """URLs that the page (not the browser itself) asked the network stack for.

    The browser's own background traffic (time sync, account checks) starts with the
    initiator "not an origin"; whatever a file:// page loads has its opaque origin."""
    log = json.loads(net_log.read_text(encoding="utf-8"))
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    urls = []
    for event in log["events"]:
        params = event.get("params") or {}
        if event.get("type") == start_job and "url" in params and params.get("initiator") != "not an origin":
            urls.append(params["url"])
    return urls


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    return struct.unpack(">II", data[16:24])


def png_pixel_bytes(data: bytes) -> bytes:
    """The decompressed (still filtered) image data: enough to tell a blank page from a drawn one."""
    chunks, at = [], 8
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at : at + 8])
        if kind == b"IDAT":
            chunks.append(data[at + 8 : at + 8 + length])
        at += 12 + length
    return zlib.decompress(b"".join(chunks))


def test_page_renders_in_chromium_without_network(tmp_path, monkeypatch):
    browser = find_chromium()
    doc, _, page = simulate_both(tmp_path, monkeypatch)
    shot, net_log = tmp_path / "shot.png", tmp_path / "net.json"
    run = chromium(
        browser, tmp_path / "profile-shot", f"--screenshot={shot}", f"--log-net-log={net_log}", "--net-log-capture-mode=Default", page.as_uri()
    )
    assert shot.is_file(), run.stderr[-2000:]
    data = shot.read_bytes()
    width, height = png_size(data)
    assert 800 <= width <= 4000 and 800 <= height <= 6000
    # A blank page compresses to a handful of distinct byte values; text, tables and bars give many.
    assert len(set(png_pixel_bytes(data))) > 32
    assert net_log.is_file(), run.stderr[-2000:]
    assert page_requests(net_log) == []

    dumped = chromium(browser, tmp_path / "profile-dom", "--dump-dom", page.as_uri())
    dom = dumped.stdout
    assert "<svg" in dom and "</svg>" in dom and "<rect" in dom, dumped.stderr[-2000:]
    for g in doc["sets"][0]["groups"]:
        assert f"<td>{g['id']}</td>" in dom


def test_the_net_log_check_sees_a_page_request(tmp_path):
    # Without this, a Chromium whose net log changed shape would make the test above pass vacuously.
    browser = find_chromium()
    page = tmp_path / "leaky.html"
    page.write_text('<!DOCTYPE html><html><body><img src="http://leak.example.invalid/pixel.png"><p>x</p></body></html>', encoding="utf-8")
    net_log = tmp_path / "net.json"
    run = chromium(browser, tmp_path / "profile", f"--log-net-log={net_log}", "--net-log-capture-mode=Default", "--dump-dom", page.as_uri())
    assert net_log.is_file(), run.stderr[-2000:]
    assert page_requests(net_log) == ["http://leak.example.invalid/pixel.png"]
