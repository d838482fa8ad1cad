"""The highlighted view: the page's result, the API's text/html answer, and Jupyter's _repr_html_."""

import re

from classifier.explain.view import fragment

from .conftest import ROOT

EXAMPLES = ROOT / "examples"


def test_serve_view_in_jupyter_is_the_page_view_with_its_stylesheet(model):
    p = model.classify_file(EXAMPLES / "posting.html")
    html = p._repr_html_()
    assert html.startswith("<style>.pmrole-view") or html.startswith("<style>/*")
    assert fragment(p.to_dict(), p.text, p.title) in html
    assert '<span class="pm-label" id="pm-label">project-manager</span>' in html


def test_serve_view_marks_the_longest_keyword_once_with_its_weight(model):
    p = model.classify_file(EXAMPLES / "posting.html")
    html = fragment(p.to_dict(), p.text, p.title)
    start = p.text.index("project manager")
    marked = re.findall(r'<mark class="kw (pos|neg) s(\d)" tabindex="0" data-tip="([^"]*)"[^>]*>([^<]*)</mark>', html)
    texts = [m[3] for m in marked]
    assert "project manager" in texts  # not "project" inside it
    tip = next(m[2] for m in marked if m[3] == "project manager")
    weight = next(k.weight for k in p.keywords if k.term == "project manager")
    assert tip == f"project manager: {weight:+.2f} towards project-manager"
    assert p.text[start:start + 15] == "project manager"
    # the text between the marks is the posting's own text, in order
    plain = re.sub(r"<[^>]+>", "", html.split('id="pm-text">', 1)[1].split("</div>", 1)[0])
    assert plain == p.text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;").replace("'", "&#x27;")


def test_serve_view_shows_the_duty_mix_and_its_sentences(model):
    p = model.classify("Own the roadmap and decide the features from customer interviews.\n"
                       "Run the project plan, the schedule and the budget.", "Product Manager")
    result = p.to_dict()
    mix = result["duty_mix"]
    html = fragment(result, p.text, p.title)
    legend = f"project {mix['project']:.0%} · product {mix['product']:.0%} · neither {mix['neither']:.0%}"
    assert "Duty mix" in html and f'aria-label="duty mix: {legend}"' in html
    for d in mix["sentences"]:
        assert d["text"] in html
    assert "Duty mix" not in fragment({**result, "duty_mix": None}, p.text, p.title)