"""`pmrole serve` HTTP API: the real server in a subprocess, called over HTTP on 127.0.0.1.

Results must be the objects `pmrole classify --json` and `pmrole score` produce; every error is
JSON {"error", "detail"} with the documented status and the CLI's own message.
"""

import csv
import gzip
import io
import json
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from .conftest import ROOT
from .serve_process import connection, get, multipart, post_json, request, start

EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="module")
def server():
    s = start()
    yield s
    s.stop()


def cli_json(*args) -> dict:
    out = subprocess.run([sys.executable, "-m", "classifier", "classify", "--json", *map(str, args)],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def json_body(response) -> dict:
    status, headers, body = response
    assert headers["content-type"].startswith("application/json")
    return json.loads(body)


def assert_error(response, status: int, detail: str | None = None) -> dict:
    assert response[0] == status, response[2][:500]
    obj = json_body(response)
    assert set(obj) == {"error", "detail"}
    assert "Traceback" not in obj["detail"]
    if detail is not None:
        assert obj["detail"] == detail
    return obj


def test_serve_classify_json_is_the_cli_json_object(server):
    text = (EXAMPLES / "posting.txt").read_text(encoding="utf-8")
    got = json_body(post_json(server.url + "v1/classify", {"text": text}))
    expected = cli_json(EXAMPLES / "posting.txt")
    assert got == {**expected, "file": ""}
    assert got["schema_version"] == 2 and got["label"] == "product-manager"


def test_serve_classify_file_upload_reads_html_like_the_cli(server):
    path = EXAMPLES / "posting.html"
    body, kind = multipart({"file": ("posting.html", path.read_bytes())}, {"top": "5"})
    got = json_body(request("POST", server.url + "v1/classify", body, {"Content-Type": kind}))
    expected = cli_json("--top", "5", path)
    assert got == {**expected, "file": "posting.html"}
    assert got["title"] == "Senior Project Manager – Warehouse Automation"
    assert len(got["keywords"]) == 5


def test_serve_classify_title_given_keeps_the_first_line_as_text(server):
    text = "Own the roadmap\nTalk to customers every week and decide what the team builds next."
    payload = {"text": text, "title": "Product Manager", "top": 3}
    got = json_body(post_json(server.url + "v1/classify", payload))
    assert got["title"] == "Product Manager" and len(got["keywords"]) == 3
    html = post_json(server.url + "v1/classify", payload, {"Accept": "text/html"})[2].decode()
    assert re.search(r'id="pm-text">Own the (<mark[^>]*>)?roadmap', html)


def test_serve_classify_html_view_highlights_every_keyword(server):
    text = (EXAMPLES / "posting.txt").read_text(encoding="utf-8")
    status, headers, body = post_json(server.url + "v1/classify", {"text": text, "top": 8},
                                      {"Accept": "text/html"})
    assert status == 200 and headers["content-type"].startswith("text/html")
    html = body.decode()
    result = json_body(post_json(server.url + "v1/classify", {"text": text, "top": 8}))
    assert f'<span class="pm-label" id="pm-label">{result["label"]}</span>' in html
    tips = re.findall(r'<mark class="kw (pos|neg) s[1-4]" tabindex="0" data-tip="([^"]*)"', html)
    terms_marked = {tip.split(":")[0] if not tip.startswith("title:") else tip for _d, tip in tips}
    for k in result["keywords"]:
        shown = k["term"].removeprefix("title:") + (" (in title)" if k["term"].startswith("title:") else "")
        # every keyword is marked, unless all its spans lie inside a longer keyword's mark
        inside_longer = all(
            any(o["term"] != k["term"] and o2["field"] == s["field"] and o2["start"] <= s["start"]
                and s["end"] <= o2["end"] and (o2["end"] - o2["start"]) > (s["end"] - s["start"])
                for o in result["keywords"] for o2 in o["spans"]) for s in k["spans"])
        assert shown in terms_marked or inside_longer, shown
    assert "towards" in tips[0][1]


def test_serve_score_streams_the_same_table_as_pmrole_score(server, tmp_path):
    rows = [{"job_title": "Product Manager", "description": "Own the roadmap and the product vision."},
            {"job_title": "Project Manager", "description": "Run the project plan, budget and milestones."},
            {"job_title": "", "description": ""},
            {"job_title": "Chef", "description": "=cook lunch for the office every day"}]
    source = tmp_path / "listings.csv"
    with source.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, ["job_title", "description"])
        writer.writeheader()
        writer.writerows(rows)
    expected = tmp_path / "scored.csv"
    subprocess.run([sys.executable, "-m", "classifier", "score", str(source), "-o", str(expected),
                    "--jobs", "1", "--quiet"], capture_output=True)
    status, headers, body = request("POST", server.url + "v1/score", source.read_bytes(),
                                    {"Content-Type": "text/csv"})
    assert status == 200 and headers["content-type"].startswith("text/csv")
    assert headers["x-pmrole-text-column"] == "description"
    assert body == expected.read_bytes()
    assert body.count(b"\n") == 5


def test_serve_score_gzip_jsonl_in_jsonl_out(server):
    lines = [json.dumps({"id": i, "text": t}) for i, t in
             enumerate(["Own the roadmap and talk to customers.", "Plan the schedule and the budget."])]
    data = gzip.compress(("\n".join(lines) + "\n").encode())
    status, headers, body = request("POST", server.url + "v1/score", data,
                                    {"Content-Type": "application/gzip"})
    assert status == 200 and headers["content-type"].startswith("application/x-ndjson")
    out = [json.loads(line) for line in body.decode().splitlines()]
    assert [o["id"] for o in out] == [0, 1]
    assert all(o["pmrole_label"] and o["pmrole_error"] is None and isinstance(o["pmrole_needs_review"], bool) for o in out)


def test_serve_score_output_parameter_writes_tsv(server):
    body = b"text\nOwn the roadmap and talk to customers.\n"
    status, headers, out = request("POST", server.url + "v1/score?output=tsv", body, {"Content-Type": "text/csv"})
    assert status == 200 and headers["content-type"].startswith("text/tab-separated-values")
    assert out.decode().splitlines()[0].startswith("text\tpmrole_label\t")


def test_serve_model_card_and_health(server):
    card = json_body(get(server.url + "v1/model"))
    health = json_body(get(server.url + "healthz"))
    assert health == {"status": "ok", "model": card["model_id"]}
    assert card["labels"] == ["project-manager", "product-manager", "hybrid", "other"]


def test_serve_docs_work_offline(server):
    spec = json_body(get(server.url + "openapi.json"))
    assert spec["openapi"].startswith("3.") and {"/v1/classify", "/v1/score", "/v1/model", "/healthz"} <= set(spec["paths"])
    status, headers, page = get(server.url + "docs")
    assert status == 200
    for asset in [page] + [get(server.url + f"static/{n}")[2] for n in ("page.js", "page.css", "view.css", "docs.js")]:
        assert not re.search(rb"(src|href)=\"https?://|url\(https?:|@import|fonts\.", asset)
    assert "script-src 'self'" in headers["content-security-policy"]


def test_serve_concurrent_requests_get_the_answers_of_sequential_ones(server):
    texts = [f"Posting {i}. " + t for i, t in enumerate(
        ["Own the roadmap and interview customers.", "Run the project plan, the budget and the risks.",
         "Cook lunch for the office.", "Own the roadmap and run the delivery plan with milestones."] * 6)]
    sequential = [json_body(post_json(server.url + "v1/classify", {"text": t})) for t in texts]
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["text"]] + [[t] for t in texts])
    table = buffer.getvalue().encode()
    with ThreadPoolExecutor(8) as pool:
        scored = pool.submit(request, "POST", server.url + "v1/score", table, {"Content-Type": "text/csv"})
        parallel = list(pool.map(lambda t: json_body(post_json(server.url + "v1/classify", {"text": t})), texts))
    assert parallel == sequential
    rows = list(csv.DictReader(io.StringIO(scored.result()[2].decode())))
    assert [r["pmrole_label"] for r in rows] == [s["label"] for s in sequential]


# --- one test per error status ---------------------------------------------------------------

def declared_only(server, path: str, length: int, content_type: str):
    """Send only the headers of a request whose Content-Length is ``length``: a server should
    refuse an oversized body from its headers, before the client spends time sending it."""
    conn = connection(server.url)
    conn.putrequest("POST", path)
    conn.putheader("Content-Type", content_type)
    conn.putheader("Content-Length", str(length))
    conn.endheaders()
    response = conn.getresponse()
    result = response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    conn.close()
    return result


def test_serve_error_413_over_the_size_cap(server):
    obj = assert_error(declared_only(server, "/v1/classify", 10_200_000, "multipart/form-data; boundary=x"), 413)
    assert obj["detail"] == ("the request is over 10 MB, too large for one job posting; send the posting "
                             "alone (use /v1/score for many).")
    assert_error(declared_only(server, "/v1/score", 600_000_000, "text/csv"), 413)
    obj = assert_error(post_json(server.url + "v1/classify", {"text": "word " * 20_001}), 413)
    assert obj["detail"] == ("the posting's text is 100,005 characters, over the 100,000-character cap for "
                             "one posting; send one job posting, or use /v1/score for many.")


def test_serve_error_415_unsupported_type(server):
    obj = assert_error(request("POST", server.url + "v1/classify", b"<x/>", {"Content-Type": "text/xml"}), 415)
    assert "application/json" in obj["detail"]
    body, kind = multipart({"file": ("posting.pdf", b"%PDF-1.4 ...")})
    assert_error(request("POST", server.url + "v1/classify", body, {"Content-Type": kind}), 415,
                 "posting.pdf: .pdf files cannot be read; give a .txt, .md, .html or .json (JobPosting) file.")
    assert_error(request("POST", server.url + "v1/score", b"\x89PNG", {"Content-Type": "image/png"}), 415)


@pytest.mark.parametrize("name, data, detail", [
    ("empty.txt", b"  \n ", "empty.txt: the file is empty; give a file with the posting's text."),
    ("binary.txt", b"PK\x03\x04\x00\x00\x14\x00" * 20,
     "binary.txt: this looks like a binary file, not a job posting; give a .txt, .md, .html or .json file."),
    ("bad-bom.txt", b"\xef\xbb\xbfOwn the roadmap \xff\xfe and more",
     "bad-bom.txt: the file starts with a utf-8-sig byte-order mark but is not valid utf-8-sig; re-save it as UTF-8."),
], ids=["empty", "binary", "undecodable"])
def test_serve_error_422_unreadable_posting_has_the_cli_message(server, tmp_path, name, data, detail):
    body, kind = multipart({"file": (name, data)})
    assert_error(request("POST", server.url + "v1/classify", body, {"Content-Type": kind}), 422, detail)
    path = tmp_path / name
    path.write_bytes(data)
    cli = subprocess.run([sys.executable, "-m", "classifier", "classify", str(path)],
                         capture_output=True, text=True)
    assert cli.returncode == 3 and cli.stderr.strip().endswith(detail.split(": ", 1)[1])


def test_serve_error_422_bad_requests(server):
    assert_error(post_json(server.url + "v1/classify", {"text": "   "}), 422,
                 "text: the file is empty; give a file with the posting's text.")
    assert_error(post_json(server.url + "v1/classify", {"title": "x"}), 422)
    assert_error(post_json(server.url + "v1/classify", {"text": "Own the roadmap.", "top": 0}), 422)
    assert_error(request("POST", server.url + "v1/classify", b"{not json", {"Content-Type": "application/json"}), 422)
    assert_error(request("POST", server.url + "v1/score", b"a,b\n1,2\n", {"Content-Type": "text/csv"}), 422,
                 "upload: cannot tell which column holds the posting text; the columns are 'a', 'b'. "
                 "Pass --text-column NAME.")


def test_serve_error_404_and_405_are_json(server):
    assert_error(get(server.url + "nowhere"), 404)
    assert_error(get(server.url + "v1/classify"), 405)
