"""HTML: one self-contained page that works offline, for editors to read and act on.

The page has a summary with counts and small inline-SVG bar charts, then one table of
references that can be filtered (severity, resolution status, link status, free text)
and sorted, each finding with its fix, and links to the DOI, the live URL and the
archived copy.

Safety: every piece of document text is HTML-escaped, only absolute http(s) URLs
become ``href``\\ s, and a Content-Security-Policy admits only this page's own style and
script by hash, so even a ``<script>`` that slipped through could not run.
Accessibility: landmarks and headings, labelled controls, sort buttons in the column
headers with ``aria-sort``, a live region announcing how many rows are shown, colours
at WCAG AA contrast and never the only signal (every badge has a word).
"""

from __future__ import annotations

import base64
import hashlib
import html
import re

from refcheck.model import (
    ArticleReport,
    LinkResult,
    ReferenceReport,
    ResolutionStatus,
    RunReport,
    Summary,
)
from refcheck.render._common import (
    LINK_ORDER,
    RESOLUTION_ORDER,
    clean,
    doi_url,
    is_web_url,
    permanent_target,
    severity_key,
    severity_label,
    short_citation,
    sorted_findings,
)
from refcheck.render.interface import Renderer

_CSS = """
:root { --fg: #1d1f23; --muted: #4a4f57; --bg: #ffffff; --panel: #f4f5f7; --line: #c9ccd1;
  --error: #b00020; --warning: #8a4b00; --info: #0b5394; --ok: #1b6e20; --focus: #1a56db; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--fg); background: var(--bg); }
header, main, footer { max-width: 1280px; margin: 0 auto; padding: 0 20px; }
header { padding-top: 16px; }
h1 { font-size: 1.6rem; margin: 0.4em 0 0.1em; }
h2 { font-size: 1.25rem; margin: 1.2em 0 0.5em; }
h3 { font-size: 1rem; margin: 0.2em 0 0.4em; }
.muted, .sub { color: var(--muted); }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 8px; top: 8px; background: var(--bg); padding: 4px 8px; }
a { color: #0645ad; }
a:focus-visible, button:focus-visible, select:focus-visible, input:focus-visible,
summary:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 0; padding: 0; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 8px;
  padding: 8px 14px; min-width: 120px; }
.card dt { font-size: 0.85rem; color: var(--muted); }
.card dd { margin: 0; font-size: 1.6rem; font-weight: 700; }
.card.error dd { color: var(--error); } .card.warning dd { color: var(--warning); }
.card.info dd { color: var(--info); } .card.ok dd { color: var(--ok); }
.charts { display: flex; flex-wrap: wrap; gap: 24px; margin-top: 14px; }
.chart { background: var(--panel); border: 1px solid var(--line); border-radius: 8px;
  padding: 10px 12px; margin: 0; }
.chart svg text { font: 12px system-ui, sans-serif; fill: var(--fg); }
.notice { border-left: 4px solid var(--warning); background: #fff7e6; padding: 8px 12px;
  margin: 8px 0; }
.filters { display: flex; flex-wrap: wrap; gap: 12px; align-items: end; margin: 8px 0 12px;
  background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 10px; }
.filters label { display: block; font-size: 0.85rem; font-weight: 600; }
.filters select, .filters input { font: inherit; padding: 4px 6px; border: 1px solid #6b7079;
  border-radius: 4px; background: var(--bg); color: var(--fg); min-width: 150px; }
#shown { margin: 0 0 0 auto; font-weight: 600; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
th.w-num { width: 3.5em; } th.w-line { width: 4.5em; } th.w-sev { width: 6.5em; }
th.w-ref { width: 22%; } th.w-res { width: 14%; } th.w-links { width: 21%; }
th.w-art { width: 10%; }
table.multi th.w-ref { width: 17%; } table.multi th.w-res { width: 12%; }
table.multi th.w-links { width: 17%; }
caption { text-align: left; color: var(--muted); padding-bottom: 6px; }
th, td { border-bottom: 1px solid var(--line); padding: 8px 6px; vertical-align: top;
  text-align: left; overflow-wrap: anywhere; }
thead th { background: var(--panel); position: sticky; top: 0; }
th button { font: inherit; font-weight: 700; background: none; border: 0; padding: 0;
  cursor: pointer; color: var(--fg); }
th[aria-sort="ascending"] button::after { content: " \\25B2"; }
th[aria-sort="descending"] button::after { content: " \\25BC"; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.badge { display: inline-block; border-radius: 10px; padding: 0 8px; font-size: 0.8rem;
  font-weight: 700; color: #fff; background: var(--muted); white-space: nowrap; }
.sev-error { background: var(--error); } .sev-warning { background: var(--warning); }
.sev-info { background: var(--info); } .sev-ok { background: var(--ok); }
.st { display: inline-block; border: 1px solid var(--line); border-radius: 4px; padding: 0 5px;
  font-size: 0.8rem; background: var(--bg); white-space: nowrap; }
.st.bad { border-color: var(--error); color: var(--error); }
.st.good { border-color: var(--ok); color: var(--ok); }
ul.plain { list-style: none; margin: 0; padding: 0; }
ul.plain li + li { margin-top: 6px; }
.fix { margin-top: 2px; padding-left: 10px; border-left: 3px solid var(--ok); }
.cite { font-weight: 600; }
details.raw summary { cursor: pointer; color: var(--muted); font-size: 0.85rem; }
details.raw p { margin: 4px 0 0; font-size: 0.9rem; overflow-wrap: anywhere; }
code { font-size: 0.85rem; background: var(--panel); padding: 0 3px; border-radius: 3px; }
.url { overflow-wrap: anywhere; }
footer { color: var(--muted); font-size: 0.85rem; padding: 24px 20px; }
"""

_JS = """
(function () {
  "use strict";
  var table = document.getElementById("refs");
  if (!table) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var controls = {
    severity: document.getElementById("f-severity"),
    resolution: document.getElementById("f-resolution"),
    links: document.getElementById("f-links")
  };
  var query = document.getElementById("f-query");
  var shown = document.getElementById("shown");
  document.getElementById("filters").hidden = false;

  function matches(row) {
    var keys = Object.keys(controls);
    for (var i = 0; i < keys.length; i++) {
      var want = controls[keys[i]].value;
      var have = " " + row.getAttribute("data-" + keys[i]) + " ";
      if (want && have.indexOf(" " + want + " ") < 0) { return false; }
    }
    var q = query.value.trim().toLowerCase();
    return !q || row.textContent.toLowerCase().indexOf(q) >= 0;
  }

  function apply() {
    var n = 0;
    rows.forEach(function (row) {
      var ok = matches(row);
      row.hidden = !ok;
      if (ok) { n += 1; }
    });
    shown.textContent = "Showing " + n + " of " + rows.length + " references";
  }

  Object.keys(controls).forEach(function (k) {
    controls[k].addEventListener("change", apply);
  });
  query.addEventListener("input", apply);

  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  headers.forEach(function (th) {
    var button = th.querySelector("button[data-sort]");
    if (!button) { return; }
    button.addEventListener("click", function () {
      var key = button.getAttribute("data-sort");
      var numeric = button.getAttribute("data-numeric") === "1";
      var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
      headers.forEach(function (h) { if (h.hasAttribute("aria-sort")) {
        h.setAttribute("aria-sort", "none"); } });
      th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
      rows.sort(function (a, b) {
        var x = a.getAttribute("data-" + key), y = b.getAttribute("data-" + key);
        var c = numeric ? parseFloat(x) - parseFloat(y) : x.localeCompare(y);
        if (c === 0) {
          c = parseFloat(a.getAttribute("data-order")) - parseFloat(b.getAttribute("data-order"));
          return c;
        }
        return c * dir;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
  apply();
})();
"""

# Chart colours: distinct hues, each dark enough for white labels is not needed because
# every bar's count and name are written beside it in the page's text colour.
_CHART_COLOURS = {
    "error": "#b00020",
    "warning": "#c26a00",
    "info": "#0b5394",
    "ok": "#1b6e20",
    "matched": "#1b6e20",
    "ambiguous": "#c26a00",
    "not_found": "#b00020",
    "skipped": "#7a7f87",
    "redirected": "#2e7d32",
    "broken": "#b00020",
    "soft-404": "#d0434f",
    "blocked": "#6a4fb3",
    "timeout": "#c26a00",
    "server-error": "#a0522d",
    "network-error": "#8a5300",
    "invalid": "#5c2a7a",
}
_BAD_LINKS = {"broken", "soft-404", "invalid"}
_GOOD = {"ok", "matched", "redirected"}


def _e(text: str | None) -> str:
    """Document text, cleaned of control characters and HTML-escaped."""
    return html.escape(clean(text), quote=True)


def _a(label: str, url: str | None, *, cls: str = "url") -> str:
    """A link for an http(s) URL; for any other scheme the URL as inert text."""
    if not url or not is_web_url(url):
        return f'<span class="{cls}">{_e(url)}</span>' if url else ""
    href = html.escape(url.strip(), quote=True)
    return f'<a class="{cls}" href="{href}" rel="noopener noreferrer nofollow">{label}</a>'


_URL_IN_TEXT = re.compile(r"https?://[^\s<>\"']+")


def _linkify(text: str | None) -> str:
    """Escaped text whose http(s) URLs become links (a fix often names the URL to cite)."""
    text = clean(text)
    out, last = [], 0
    for m in _URL_IN_TEXT.finditer(text):
        url = m.group().rstrip(".,;:)]")
        out.append(html.escape(text[last : m.start()], quote=True))
        out.append(
            _a(html.escape(url, quote=True), url)
            if is_web_url(url)
            else html.escape(url, quote=True)
        )
        last = m.start() + len(url)
    out.append(html.escape(text[last:], quote=True))
    return "".join(out)


def _short(url: str) -> str:
    """A URL for display: without its scheme, middle elided when long (href stays full)."""
    text = url.split("://", 1)[-1] if is_web_url(url) else url
    return text if len(text) <= 60 else text[:40] + "…" + text[-15:]


def _csp_hash(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _bar_chart(title: str, counts: dict[str, int], order: list[str], chart_id: str) -> str:
    """A labelled horizontal bar chart as inline SVG (a table-like list for readers)."""
    keys = [k for k in order if counts.get(k)] + sorted(
        k for k in counts if counts[k] and k not in order
    )
    if not keys:
        return (
            f'<figure class="chart"><figcaption><h3>{_e(title)}</h3></figcaption>'
            '<p class="muted">none</p></figure>'
        )
    top = max(counts[k] for k in keys)
    row_h, label_w, bar_w = 24, 110, 170
    height = row_h * len(keys) + 4
    width = label_w + bar_w + 50
    desc = ", ".join(f"{counts[k]} {k}" for k in keys)
    parts = [
        f'<figure class="chart"><figcaption><h3 id="{chart_id}">{_e(title)}</h3></figcaption>',
        f'<svg role="img" aria-labelledby="{chart_id} {chart_id}-d" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}">',
        f'<desc id="{chart_id}-d">{_e(desc)}</desc>',
    ]
    for i, key in enumerate(keys):
        y = i * row_h + 2
        w = max(2, round(bar_w * counts[key] / top))
        colour = _CHART_COLOURS.get(key, "#4a4f57")
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 16}" text-anchor="end">{_e(key)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{w}" height="{row_h - 8}" rx="3" '
            f'fill="{colour}"><title>{_e(key)}: {counts[key]}</title></rect>'
            f'<text x="{label_w + w + 6}" y="{y + 16}">{counts[key]}</text>'
        )
    parts.append("</svg></figure>")
    return "".join(parts)


class HtmlRenderer(Renderer):
    """The HTML report page (UTF-8, no external resources)."""

    name = "html"
    extensions = (".html", ".htm")

    def render(self, report: RunReport) -> str:
        """The whole HTML document."""
        css, js = _CSS.strip(), _JS.strip()
        csp = (
            f"default-src 'none'; style-src {_csp_hash(css)}; script-src {_csp_hash(js)}; "
            "img-src data:; base-uri 'none'; form-action 'none'"
        )
        multi = len(report.articles) > 1
        summary = report.summary
        as_of = sorted({a.as_of.isoformat() for a in report.articles})
        sources = ", ".join(clean(a.source) for a in report.articles) or "no articles"
        out = [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{csp}">',
            '<meta name="referrer" content="no-referrer">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>refcheck report: {html.escape(sources, quote=True)}</title>",
            f"<style>{css}</style>",
            "</head>",
            "<body>",
            '<a class="skip" href="#references">Skip to the references</a>',
            "<header>",
            "<h1>refcheck report</h1>",
            f'<p class="sub">{html.escape(sources, quote=True)} · as of {", ".join(as_of)}'
            + (f" · {len(report.articles)} articles" if multi else "")
            + "</p>",
            "</header>",
            "<main>",
            '<section aria-labelledby="summary-h">',
            '<h2 id="summary-h">Summary</h2>',
            self._cards(report),
            *self._notices(report.articles),
            '<div class="charts">',
            _bar_chart(
                "Findings by severity",
                summary.findings_by_severity,
                ["error", "warning", "info"],
                "chart-sev",
            ),
            _bar_chart("Resolution", summary.resolution, RESOLUTION_ORDER, "chart-res"),
            _bar_chart("Links", summary.links, LINK_ORDER, "chart-links"),
            "</div>",
            "</section>",
            '<section id="references" aria-labelledby="refs-h">',
            '<h2 id="refs-h">References</h2>',
            self._filters(summary),
            self._table(report, multi),
            "</section>",
            "</main>",
            "<footer>Generated by refcheck"
            + (f" {html.escape(report.tool_version)}" if report.tool_version else "")
            + ". Links marked blocked, timeout, server-error or network-error are"
            " inconclusive: nothing was proven broken.</footer>",
            f"<script>{js}</script>",
            "</body>",
            "</html>",
        ]
        return "\n".join(out) + "\n"

    @staticmethod
    def _cards(report: RunReport) -> str:
        s = report.summary
        refs = [r for a in report.articles for r in a.references]
        ok = sum(1 for r in refs if not r.findings)
        sev = s.findings_by_severity
        cards = [
            ("", "References", s.references),
            ("error", "Errors", sev.get("error", 0)),
            ("warning", "Warnings", sev.get("warning", 0)),
            ("info", "Notes", sev.get("info", 0)),
            ("ok", "Without findings", ok),
        ]
        items = "".join(
            f'<div class="card {cls}"><dt>{label}</dt><dd>{n}</dd></div>' for cls, label, n in cards
        )
        return f'<dl class="cards">{items}</dl>'

    @staticmethod
    def _notices(articles: tuple[ArticleReport, ...]) -> list[str]:
        return [
            f'<div class="notice" role="note"><strong>{_e(n.service)}:</strong> '
            f"{_e(n.message)}</div>"
            for a in articles
            for n in a.notices
        ]

    @staticmethod
    def _filters(summary: Summary) -> str:
        def select(ident: str, label: str, values: list[str]) -> str:
            options = '<option value="">all</option>' + "".join(
                f'<option value="{_e(v)}">{_e(v)}</option>' for v in values
            )
            return (
                f'<div><label for="f-{ident}">{label}</label>'
                f'<select id="f-{ident}">{options}</select></div>'
            )

        link_values = [k for k in LINK_ORDER if summary.links.get(k)] + ["none"]
        res_values = [k for k in RESOLUTION_ORDER if summary.resolution.get(k)]
        # Hidden until the script runs: without JavaScript the controls would do nothing.
        return (
            '<div id="filters" class="filters" role="search" hidden>'
            + select("severity", "Severity", ["error", "warning", "info", "ok"])
            + select("resolution", "Resolution", res_values)
            + select("links", "Link status", link_values)
            + '<div><label for="f-query">Search</label>'
            '<input id="f-query" type="search" autocomplete="off"></div>'
            '<p id="shown" role="status" aria-live="polite"></p>'
            "</div>"
        )

    def _table(self, report: RunReport, multi: bool) -> str:
        def th(label: str, key: str, width: str, numeric: bool = False) -> str:
            return (
                f'<th scope="col" class="w-{width}" aria-sort="none">'
                f'<button type="button" data-sort="{key}" data-numeric="{int(numeric)}">'
                f"{label}</button></th>"
            )

        head = [th("#", "order", "num", True).replace('aria-sort="none"', 'aria-sort="ascending"')]
        if multi:
            head.append(th("Article", "article", "art"))
        head += [
            th("Line", "line", "line", True),
            th("Reference", "citation", "ref"),
            th("Severity", "rank", "sev", True),
            th("Resolution", "resolution", "res"),
            '<th scope="col" class="w-links">Links</th>',
            '<th scope="col">Findings and fixes</th>',
        ]
        rows = []
        order = 0
        for article in report.articles:
            for ref in article.references:
                order += 1
                rows.append(self._row(order, article, ref, multi))
        if not rows:
            cols = len(head)
            rows.append(f'<tr><td colspan="{cols}">No references found.</td></tr>')
        table_tag = '<table id="refs" class="multi">' if multi else '<table id="refs">'
        return (
            table_tag + "<caption>Every reference with its resolution, links and findings. Use the "
            "column headers to sort.</caption>"
            f"<thead><tr>{''.join(head)}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>"
        )

    def _row(self, order: int, article: ArticleReport, ref: ReferenceReport, multi: bool) -> str:
        sev = severity_label(ref)
        links = " ".join(link.status.value for link in ref.links) or "none"
        citation = short_citation(ref, width=90)
        attrs = {
            "data-order": str(order),
            "data-line": str(ref.line),
            "data-article": clean(article.source),
            "data-citation": citation.lower(),
            "data-severity": sev,
            "data-rank": str(-severity_key(ref)),
            "data-resolution": ref.resolution.status.value,
            "data-links": links,
        }
        attr_text = " ".join(f'{k}="{html.escape(v, quote=True)}"' for k, v in attrs.items())
        cells = [f'<td class="num">{ref.index}</td>']
        if multi:
            cells.append(f"<td>{_e(article.source)}</td>")
        cells += [
            f'<td class="num">{ref.line}</td>',
            f'<td><div class="cite">{_e(citation)}</div>'
            f'<details class="raw"><summary>Reference as written</summary>'
            f"<p>{_e(ref.raw)}</p></details></td>",
            f'<td><span class="badge sev-{sev}">{sev}</span></td>',
            f"<td>{self._resolution(ref)}</td>",
            f'<td><ul class="plain">{"".join(self._link(x) for x in ref.links)}</ul></td>'
            if ref.links
            else '<td class="muted">none</td>',
            f"<td>{self._findings(ref)}</td>",
        ]
        return f"<tr {attr_text}>{''.join(cells)}</tr>"

    @staticmethod
    def _resolution(ref: ReferenceReport) -> str:
        res = ref.resolution
        cls = (
            "good"
            if res.status.value in _GOOD
            else ("bad" if res.status is ResolutionStatus.NOT_FOUND else "")
        )
        out = f'<span class="st {cls}">{res.status.value}</span>'
        if res.doi:
            out += "<br>" + _a(f"doi:{_e(res.doi)}", doi_url(res.doi))
        if res.status in (ResolutionStatus.MATCHED, ResolutionStatus.AMBIGUOUS):
            out += f'<br><span class="muted">confidence {res.confidence:.2f}</span>'
        if res.reason and res.status is not ResolutionStatus.MATCHED:
            out += f'<br><span class="muted">{_e(res.reason)}</span>'
        if res.alternatives:
            out += '<br><span class="muted">candidates:</span> ' + ", ".join(
                _a(_e(alt.doi), doi_url(alt.doi)) for alt in res.alternatives
            )
        return out

    @staticmethod
    def _link(link: LinkResult) -> str:
        status = link.status.value
        cls = "bad" if status in _BAD_LINKS else ("good" if status in _GOOD else "")
        code = f" {link.http_status}" if link.http_status is not None else ""
        parts = [
            f'<span class="st {cls}">{status}{code}</span> ' + _a(_e(_short(link.url)), link.url)
        ]
        target = permanent_target(link)
        if target:
            parts.append("moved permanently to " + _a(_e(_short(target)), target))
        elif link.final_url and link.final_url != link.url:
            parts.append("ends at " + _a(_e(_short(link.final_url)), link.final_url))
        if link.detail:
            parts.append(f'<span class="muted">{_e(link.detail)}</span>')
        if link.archive_url:
            parts.append(_a("archived copy", link.archive_url))
        return "<li>" + "<br>".join(parts) + "</li>"

    @staticmethod
    def _findings(ref: ReferenceReport) -> str:
        if not ref.findings:
            return '<span class="muted">none</span>'
        items = []
        for f in sorted_findings(ref):
            sev = f.severity.label
            item = (
                f'<li><span class="badge sev-{sev}">{sev}</span> <code>{_e(f.code)}</code> '
                f"{_linkify(f.message)}"
            )
            if f.fix:
                item += f'<div class="fix"><strong>Fix:</strong> {_linkify(f.fix)}</div>'
            items.append(item + "</li>")
        return f'<ul class="plain">{"".join(items)}</ul>'
