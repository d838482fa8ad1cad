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


def test_serve_view_shows_duty_mix_when_present_and_not_otherwise(model):
    p = model.classify("Own the roadmap. Run the project plan and the budget.", "Product Manager")
    result = p.to_dict()
    assert "Duty mix" not in fragment(result, p.text, p.title)
    mix = {"project": 0.5, "product": 0.3, "neither": 0.2,
           "sentences": [{"text": "Run the project plan and the budget.", "role": "project", "weight": 0.8},
                         "a sentence as a plain string"]}
    html = fragment({**result, "duty_mix": mix}, p.text, p.title)
    assert "Duty mix" in html and 'aria-label="duty mix: project 50% · product 30% · neither 20%"' in html
    assert "Run the project plan and the budget." in html and "a sentence as a plain string" in html
    odd = fragment({**result, "duty_mix": {"shares": {"project": 1}, "sentences": None}}, p.text, p.title)
    assert "project 100%" in odd
    nested = fragment({**result, "duty_mix": {"project": {"share": 0.75, "sentences": ["Run the plan."]},
                                             "product": {"share": 0.25}}}, p.text, p.title)
    assert "project 75% · product 25%" in nested and "Run the plan." in nested
