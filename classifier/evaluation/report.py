"""The evaluation as one self-contained HTML file: tables, and plots as inline SVG."""

from __future__ import annotations

import html

from pathlib import Path

from ..atomic import check_writable, write_text
from .evaluate import Evaluation


def _reliability_svg(bins: list[dict]) -> str:
    w, h, pad = 360, 300, 40
    x = lambda v: pad + v * (w - 2 * pad)
    y = lambda v: h - pad - v * (h - 2 * pad)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" role="img" '
             'aria-label="reliability diagram">',
             f'<line x1="{x(0)}" y1="{y(0)}" x2="{x(1)}" y2="{y(1)}" stroke="#999" stroke-dasharray="4"/>',
             f'<line x1="{x(0)}" y1="{y(0)}" x2="{x(1)}" y2="{y(0)}" stroke="#333"/>',
             f'<line x1="{x(0)}" y1="{y(0)}" x2="{x(0)}" y2="{y(1)}" stroke="#333"/>']
    for b in bins:
        bx, bw = x(b["low"]) + 1, x(b["high"]) - x(b["low"]) - 2
        parts.append(f'<rect x="{bx:.1f}" y="{y(b["accuracy"]):.1f}" width="{bw:.1f}" '
                     f'height="{y(0) - y(b["accuracy"]):.1f}" fill="#4a7dbf"><title>confidence '
                     f'{b["low"]:.1f}–{b["high"]:.1f}: accuracy {b["accuracy"]:.2f}, n {b["count"]}</title></rect>'
                     f'<text x="{bx + bw / 2:.1f}" y="{y(b["accuracy"]) - 4:.1f}" font-size="10" '
                     f'text-anchor="middle">{b["count"]}</text>')
    for v in (0, 0.5, 1):
        parts.append(f'<text x="{x(v)}" y="{h - pad + 15}" font-size="11" text-anchor="middle">{v}</text>')
        parts.append(f'<text x="{pad - 6}" y="{y(v) + 4}" font-size="11" text-anchor="end">{v}</text>')
    parts.append(f'<text x="{w / 2}" y="{h - 5}" font-size="12" text-anchor="middle">confidence</text>')
    parts.append(f'<text x="12" y="{h / 2}" font-size="12" transform="rotate(-90 12 {h / 2})" '
                 'text-anchor="middle">accuracy</text></svg>')
    return "".join(parts)


def _coverage_svg(rows: list[dict]) -> str:
    w, h, pad = 360, 300, 40
    pts = [(r["coverage"], r["accuracy"]) for r in rows if r["accuracy"] is not None]
    x = lambda v: pad + v * (w - 2 * pad)
    y = lambda v: h - pad - v * (h - 2 * pad)
    path = " ".join(f"{'M' if i == 0 else 'L'}{x(c):.1f},{y(a):.1f}" for i, (c, a) in enumerate(pts))
    dots = "".join(f'<circle cx="{x(c):.1f}" cy="{y(a):.1f}" r="3" fill="#c0504d"><title>auto-accept '
                   f'{c:.0%}: accuracy {a:.2f}</title></circle>' for c, a in pts)
    axes = (f'<line x1="{x(0)}" y1="{y(0)}" x2="{x(1)}" y2="{y(0)}" stroke="#333"/>'
            f'<line x1="{x(0)}" y1="{y(0)}" x2="{x(0)}" y2="{y(1)}" stroke="#333"/>')
    ticks = "".join(f'<text x="{x(v)}" y="{h - pad + 15}" font-size="11" text-anchor="middle">{v}</text>'
                    f'<text x="{pad - 6}" y="{y(v) + 4}" font-size="11" text-anchor="end">{v}</text>'
                    for v in (0, 0.5, 1))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" role="img" '
            f'aria-label="coverage curve">{axes}<path d="{path}" fill="none" stroke="#c0504d" '
            f'stroke-width="2"/>{dots}{ticks}<text x="{w / 2}" y="{h - 5}" font-size="12" '
            'text-anchor="middle">share auto-accepted</text><text x="12" y="150" font-size="12" '
            'transform="rotate(-90 12 150)" text-anchor="middle">accuracy</text></svg>')


def _mix_text(mix: dict | None) -> str:
    return f"{mix['project']:.2f} / {mix['product']:.2f} / {mix['neither']:.2f}" if mix else ""


def html_report(evaluation: Evaluation) -> str:
    m, e = evaluation.metrics, html.escape
    labels = m["labels"]
    per_class = "".join(
        f"<tr><td>{l}</td><td>{m['per_class'][l]['precision']:.3f}</td><td>{m['per_class'][l]['recall']:.3f}"
        f"</td><td>{m['per_class'][l]['f1']:.3f}</td><td>{m['per_class'][l]['support']}</td></tr>" for l in labels)
    biggest = max(max(row) for row in m["confusion"]) or 1
    confusion = "".join(
        f"<tr><th>{l}</th>" + "".join(
            f'<td style="background:rgba(74,125,191,{v / biggest:.2f})">{v}</td>' for v in row) + "</tr>"
        for l, row in zip(labels, m["confusion"]))
    wrong = "".join(
        f"<tr><td>{e(w['where'])}</td><td>{e(w['title'])}</td><td>{w['label']}</td><td>{w['predicted']}</td>"
        f"<td>{w['confidence']:.2f}</td><td>{_mix_text(w.get('duty_mix'))}</td>"
        f"<td>{e(', '.join(w['keywords']))}</td></tr>"
        for w in evaluation.misclassified)
    mix_rows = "".join(
        f"<tr><td>{l}</td><td>{v['project']:.2f}</td><td>{v['product']:.2f}</td><td>{v['neither']:.2f}</td>"
        f"<td>{v['n']}</td></tr>" for l, v in m.get("duty_mix_by_label", {}).items())
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>pmrole evaluation: {e(evaluation.source)}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;color:#222}}
table{{border-collapse:collapse;margin:1em 0}}td,th{{border:1px solid #ccc;padding:4px 8px;text-align:right}}
td:first-child,th:first-child{{text-align:left}}.plots{{display:flex;gap:2em;flex-wrap:wrap}}
.small{{color:#666;font-size:90%}}table.wrong td{{text-align:left;vertical-align:top}}</style></head><body>
<h1>pmrole evaluation</h1>
<p>{e(evaluation.source)} · {m['n']} postings · model {e(evaluation.model)} ·
{'with titles' if evaluation.with_title else 'text only'}</p>
<p><b>accuracy {m['accuracy']:.3f}</b> · macro-F1 (project/product/other) {m['macro_f1_single_role']:.3f} ·
macro-F1 (all four) {m['macro_f1_all']:.3f} · single-role postings called hybrid
{m['single_role_called_hybrid']:.1%} · expected calibration error {m['calibration']['ece']:.3f}</p>
<h2>Per class</h2><table><tr><th>label</th><th>precision</th><th>recall</th><th>F1</th><th>support</th></tr>
{per_class}</table>
<h2>Confusion matrix</h2><p class="small">rows: true label; columns: predicted</p>
<table><tr><th></th>{''.join(f'<th>{l}</th>' for l in labels)}</tr>{confusion}</table>
<div class="plots"><div><h2>Reliability diagram</h2>{_reliability_svg(m['calibration']['bins'])}
<p class="small">bars: accuracy of the postings in each confidence bin (number of postings above
each bar); dashed: perfect calibration</p></div>
<div><h2>Coverage</h2>{_coverage_svg(m['coverage'])}
<p class="small">accuracy of the postings auto-accepted when those under a confidence threshold go to review</p></div></div>
<h2>Duty mix by true label</h2><p class="small">mean share of each posting's duty weight that is project
delivery, product, and neither (hybrids should show both)</p>
<table><tr><th>true label</th><th>project</th><th>product</th><th>neither</th><th>postings</th></tr>{mix_rows}</table>
<h2>Misclassified ({len(evaluation.misclassified)})</h2>
<table class="wrong"><tr><th>where</th><th>title</th><th>label</th><th>predicted</th><th>confidence</th><th>duty mix (project / product / neither)</th><th>keywords</th></tr>
{wrong}</table></body></html>
"""


def check_report_path(path: str, input_path: str | None = None, force: bool = False) -> None:
    """Refuse a report path that is the input, a folder, unwritable, or exists without --force."""
    check_writable(Path(path), "--report", force, input_path)


def write_report(evaluation: Evaluation, path: str, *, force: bool = False) -> None:
    check_report_path(path, force=force)
    write_text(path, html_report(evaluation))
