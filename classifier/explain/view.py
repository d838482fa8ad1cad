"""The highlighted view of one result, as an HTML fragment: what the page shows and Jupyter renders.

It is built from the result dict (``Prediction.to_dict()``, the ``classify --json`` object) and
the text and title the spans index into, so the page, the API's ``Accept: text/html`` answer and
``Prediction._repr_html_`` show the same thing. Fields added to the schema later (``duty_mix``)
are shown when present and skipped when absent; the view never fails on a result it does not know.
"""

from __future__ import annotations

from bisect import bisect_right
from html import escape
from importlib.resources import files

from .explain import display_term


def stylesheet() -> str:
    """The view's CSS (every rule scoped under ``.pmrole-view``)."""
    return files(__package__).joinpath("view.css").read_text(encoding="utf-8")


def standalone(result: dict, text: str, title: str = "") -> str:
    """The fragment with its stylesheet inline, for places that have no page (a notebook)."""
    return f"<style>{stylesheet()}</style>{fragment(result, text, title)}"


def fragment(result: dict, text: str, title: str = "") -> str:
    label, runner_up = result.get("label", ""), result.get("runner_up", "")
    probabilities = result.get("probabilities") or {}
    keywords = [k for k in result.get("keywords") or [] if isinstance(k, dict)]
    marks = _Marks(keywords, label, runner_up)
    parts = ['<section class="pmrole-view" aria-label="classification">',
             _decision(result, probabilities), _bars(probabilities, label)]
    duty_mix = result.get("duty_mix")
    if isinstance(duty_mix, dict):
        parts.append(_duty_mix(duty_mix))
    parts.append('<h3>The posting, with its keywords</h3>')
    parts.append(_legend(label, runner_up))
    if title:
        parts.append(f'<p class="pm-title"><span class="pm-field">Title</span> '
                     f'{marks.highlight(title, "title", 0, len(title))}</p>')
    parts.append(f'<div class="pm-text" id="pm-text">{marks.highlight(text, "text", 0, len(text))}</div>')
    evidence = [e for e in result.get("evidence") or [] if isinstance(e, dict)]
    if evidence:
        parts.append('<h3>Evidence</h3><ol class="pm-evidence">')
        for e in evidence:
            start, end = int(e.get("start", 0)), int(e.get("end", 0))
            body = (marks.highlight(text, "text", start, end) if text[start:end] == e.get("text")
                    else escape(str(e.get("text", ""))))
            parts.append(f'<li>{body} <span class="pm-num">{_signed(e.get("weight", 0))}</span></li>')
        parts.append("</ol>")
    parts.append(_keyword_table(keywords, label, runner_up, result))
    parts.append(_traits(result.get("traits") or []))
    notes = result.get("notes") or []
    if notes:
        parts.append('<ul class="pm-notes">' + "".join(f"<li>{escape(str(n))}</li>" for n in notes)
                     + "</ul>")
    parts.append(f'<p class="pm-model">model {escape(str(result.get("model", "")))}'
                 f' · schema {escape(str(result.get("schema_version", "")))}</p></section>')
    return "".join(parts)


def _percent(p) -> str:
    p = float(p)
    if p > 0.99:
        return "&gt;99%"
    if p < 0.01:
        return "&lt;1%"
    return f"{p:.0%}"


def _signed(w) -> str:
    return f"{float(w):+.2f}".replace("-", "−")


def _decision(result: dict, probabilities: dict) -> str:
    label, runner_up = result.get("label", ""), result.get("runner_up", "")
    review = bool(result.get("needs_review"))
    flag = ('<span class="pm-flag pm-review">needs review</span>' if review
            else '<span class="pm-flag pm-clear">clear</span>')
    return (f'<div class="pm-decision"><span class="pm-label" id="pm-label">{escape(label)}</span> '
            f'<span class="pm-conf">{_percent(result.get("confidence", 0))}</span> {flag}'
            f'<span class="pm-runner">runner-up: {escape(runner_up)} '
            f'{_percent(probabilities.get(runner_up, 0))}</span></div>')


def _bars(probabilities: dict, label: str) -> str:
    rows = []
    for name, p in probabilities.items():
        width = max(0.0, min(1.0, float(p))) * 100
        cls = " pm-top" if name == label else ""
        rows.append(f'<tr><th scope="row">{escape(name)}</th><td>{_bar(width, "pm-bar" + cls)}</td>'
                    f'<td class="pm-num">{float(p):.2f}</td></tr>')
    return ('<table class="pm-bars"><caption>Probabilities</caption>' + "".join(rows) + "</table>")


def _bar(percent: float, cls: str) -> str:
    # SVG geometry, not a style attribute: the page's Content-Security-Policy allows no inline style.
    return (f'<svg class="{cls}" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">'
            f'<rect class="pm-bar-bg" width="100" height="10"/>'
            f'<rect class="pm-bar-fg" width="{percent:.1f}" height="10"/></svg>')


def _duty_mix(mix: dict) -> str:
    """Shares of duty weight (project / product / neither) and the sentences behind them."""
    shares = {k: float(mix.get(k) or 0.0) for k in ("project", "product", "neither")}
    parts = ['<h3>Duty mix</h3>']
    if sum(shares.values()) > 0:
        segments, x = [], 0.0
        for k, v in shares.items():
            segments.append(f'<rect x="{x:.2f}" width="{v * 100:.2f}" height="10" class="pm-mix-{k}"/>')
            x += v * 100
        legend = " · ".join(f"{k} {v:.0%}" for k, v in shares.items())
        parts.append(f'<svg class="pm-mix" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" '
                     f'aria-label="duty mix: {legend}">{"".join(segments)}</svg>'
                     f'<p class="pm-mix-legend">{legend}</p>')
    else:
        parts.append('<p class="pm-mix-legend">no duty carries weight</p>')
    left_out = mix.get("surrounding_units") or 0
    if left_out:
        parts.append(f'<p class="pm-mix-legend">{int(left_out)} units read as surroundings '
                     '(company, benefits, pay, equal opportunity, application) were left out</p>')
    sentences = [d for d in mix.get("sentences") or () if isinstance(d, dict)]
    if sentences:
        parts.append('<ul class="pm-mix-sentences">')
        for d in sentences:
            parts.append(f'<li><span class="pm-field">{escape(str(d.get("share", "")))}</span> '
                         f'{escape(str(d.get("text", "")))}</li>')
        parts.append("</ul>")
    return "".join(parts)


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name.lower())


def _legend(label: str, runner_up: str) -> str:
    return (f'<p class="pm-legend"><mark class="kw pos s3">towards {escape(label)}</mark> '
            f'<mark class="kw neg s3">towards {escape(runner_up)}</mark> '
            "darker = stronger; hover or focus a word for its weight</p>")


def _tip(k: dict, label: str, runner_up: str) -> str:
    w = float(k.get("weight", 0))
    towards = label if w >= 0 else runner_up
    tip = f"{display_term(str(k.get('term', '')))}: {_signed(w)} towards {towards}"
    if k.get("trait"):
        tip += f" · trait {k['trait']}"
    return tip


class _Marks:
    """Keyword spans chosen for highlighting: where spans overlap, the longest wins (then the
    strongest), so "project manager" is one mark rather than "project" inside it."""

    def __init__(self, keywords: list[dict], label: str, runner_up: str):
        strongest = max((abs(float(k.get("weight", 0))) for k in keywords), default=0.0) or 1.0
        candidates = []
        for k in keywords:
            w = float(k.get("weight", 0))
            share = abs(w) / strongest
            level = 4 if share > 0.75 else 3 if share > 0.5 else 2 if share > 0.25 else 1
            cls = f"kw {'pos' if w >= 0 else 'neg'} s{level}"
            tip = escape(_tip(k, label, runner_up))
            for span in k.get("spans") or []:
                if isinstance(span, dict) and span.get("end", 0) > span.get("start", 0):
                    candidates.append((span.get("field", "text"), int(span["start"]), int(span["end"]),
                                       abs(w), cls, tip))
        candidates.sort(key=lambda c: (-(c[2] - c[1]), -c[3], c[1]))
        self.chosen: dict[str, list[tuple[int, int, str, str]]] = {}
        for field, start, end, _w, cls, tip in candidates:
            taken = self.chosen.setdefault(field, [])
            i = bisect_right(taken, (start, float("inf")))
            if i > 0 and taken[i - 1][1] > start:
                continue  # overlaps the mark before
            if i < len(taken) and taken[i][0] < end:
                continue  # overlaps the mark after
            taken.insert(i, (start, end, cls, tip))

    def highlight(self, text: str, field: str, start: int, end: int) -> str:
        """Escaped ``text[start:end]`` with the chosen marks that fall inside it."""
        out, pos = [], start
        for s, e, cls, tip in self.chosen.get(field, []):
            if s < start or e > end:
                continue
            out.append(escape(text[pos:s]))
            out.append(f'<mark class="{cls}" tabindex="0" data-tip="{tip}" aria-label="{tip}">'
                       f"{escape(text[s:e])}</mark>")
            pos = e
        out.append(escape(text[pos:end]))
        return "".join(out)


def _keyword_table(keywords: list[dict], label: str, runner_up: str, result: dict) -> str:
    if not keywords:
        return ""
    rows = []
    for k in keywords:
        w = float(k.get("weight", 0))
        rows.append(f'<tr><td>{escape(display_term(str(k.get("term", ""))))}</td>'
                    f'<td class="pm-num {"pm-pos" if w >= 0 else "pm-neg"}">{_signed(w)}</td>'
                    f'<td>{escape(label if w >= 0 else runner_up)}</td>'
                    f'<td>{escape(str(k.get("trait") or ""))}</td>'
                    f'<td class="pm-num">{len(k.get("spans") or [])}</td></tr>')
    rest = (f'<tfoot><tr><td>other terms</td><td class="pm-num">{_signed(result.get("rest", 0))}</td>'
            f'<td colspan="3"></td></tr><tr><td>bias</td><td class="pm-num">'
            f'{_signed(result.get("bias", 0))}</td><td colspan="3"></td></tr></tfoot>')
    return ('<h3>Keywords</h3><table class="pm-keywords"><thead><tr><th scope="col">term</th>'
            '<th scope="col">weight</th><th scope="col">towards</th><th scope="col">trait</th>'
            '<th scope="col">times</th></tr></thead><tbody>' + "".join(rows) + "</tbody>" + rest
            + "</table>")


def _traits(traits: list) -> str:
    traits = [t for t in traits if isinstance(t, dict)]
    if not traits:
        return ""
    items = []
    for t in traits:
        phrases = ", ".join(f"“{escape(str(p))}”" for p in t.get("phrases") or [])
        items.append(f'<li><span class="pm-field">{escape(str(t.get("role", "")))}</span> '
                     f'<strong>{escape(str(t.get("name", "")))}</strong> ×{int(t.get("count", 0))}'
                     f' — {escape(str(t.get("idea", "")))} <span class="pm-phrases">{phrases}</span></li>')
    return '<h3>Role traits found</h3><ul class="pm-traits">' + "".join(items) + "</ul>"
