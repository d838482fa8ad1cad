"""Reading postings: formats, encodings, titles, and every bad input's message."""

import codecs
import json

import pytest

from classifier.reading.postings import MAX_FILE_BYTES, MAX_TEXT_CHARS, read_posting
from classifier.errors import InputError

BODY = "We need someone to run the project plan, the budget and the weekly status reports."


def test_txt_short_first_line_is_the_title(tmp_path):
    p = tmp_path / "ad.txt"
    p.write_text(f"Senior Project Manager\n\n{BODY}\n", encoding="utf-8")
    posting = read_posting(p)
    assert posting.title == "Senior Project Manager"
    assert posting.text == BODY


def test_txt_first_line_that_is_a_sentence_is_not_a_title(tmp_path):
    p = tmp_path / "ad.txt"
    p.write_text(f"{BODY}\nMore text follows here.", encoding="utf-8")
    assert read_posting(p).title == ""


def test_markdown_heading_is_the_title(tmp_path):
    p = tmp_path / "ad.md"
    p.write_text(f"# Product Owner\n\n**About the role**\n\n{BODY}", encoding="utf-8")
    posting = read_posting(p)
    assert posting.title == "Product Owner"
    assert "About the role" in posting.text


def test_html_drops_script_and_style_and_takes_h1_as_title(tmp_path):
    p = tmp_path / "ad.html"
    p.write_text("<html><head><title>Jobs</title><style>p{color:red}</style>"
                 "<script>var secret = 'tracking';</script></head><body><h1>Project Manager</h1>"
                 f"<p>{BODY}</p><ul><li>Own the risk register</li></ul></body></html>", encoding="utf-8")
    posting = read_posting(p)
    assert posting.title == "Project Manager"
    assert BODY in posting.text and "Own the risk register" in posting.text
    assert "tracking" not in posting.text and "color" not in posting.text


def test_html_with_json_ld_job_posting_uses_it(tmp_path):
    ld = {"@context": "https://schema.org", "@graph": [
        {"@type": "Organization", "name": "X"},
        {"@type": "JobPosting", "title": "Product Manager", "description": f"<p>{BODY}</p>"}]}
    p = tmp_path / "saved.htm"
    p.write_text(f'<html><script type="application/ld+json">{json.dumps(ld)}</script>'
                 "<body><h1>Careers home</h1><p>Cookie banner</p></body></html>", encoding="utf-8")
    posting = read_posting(p)
    assert posting.title == "Product Manager"
    assert posting.text == BODY


def test_json_job_posting(tmp_path):
    p = tmp_path / "job.json"
    p.write_text(json.dumps({"@type": "JobPosting", "title": "Programme Manager",
                             "description": f"<ul><li>{BODY}</li></ul>"}), encoding="utf-8")
    posting = read_posting(p)
    assert (posting.title, posting.text) == ("Programme Manager", BODY)


@pytest.mark.parametrize("encoding,bom", [("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE),
                                          ("utf-8", codecs.BOM_UTF8)], ids=["utf16le", "utf16be", "utf8sig"])
def test_byte_order_marks_are_decoded(tmp_path, encoding, bom):
    p = tmp_path / "ad.txt"
    p.write_bytes(bom + f"Chef de projet – café\n\n{BODY}".encode(encoding))
    posting = read_posting(p)
    assert posting.title == "Chef de projet – café"


def test_cp1252_is_detected(tmp_path):
    p = tmp_path / "legacy.txt"
    p.write_bytes(f"Project Manager – naïve café résumé\n\n{BODY} Salary £50,000.".encode("cp1252"))
    posting = read_posting(p)
    assert posting.title == "Project Manager – naïve café résumé"
    assert posting.text.endswith("£50,000.")


def test_stdin(monkeypatch, tmp_path):
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(f"Project Manager\n\n{BODY}".encode())))
    posting = read_posting("-")
    assert posting.source == "<stdin>" and posting.title == "Project Manager"


def _error(path) -> str:
    with pytest.raises(InputError) as info:
        read_posting(path)
    return info.value.message


def test_missing_file_message(tmp_path):
    assert _error(tmp_path / "nope.txt") == f"{tmp_path / 'nope.txt'}: no such file; check the path."


def test_directory_message(tmp_path):
    assert _error(tmp_path) == f"{tmp_path}: is a directory; give a posting file, or `-` to read stdin."


def test_empty_file_message(tmp_path):
    p = tmp_path / "empty.txt"
    p.write_bytes(b"  \n")
    assert _error(p) == f"{p}: the file is empty; give a file with the posting's text."


def test_binary_file_message(tmp_path):
    p = tmp_path / "logo.png"
    p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert _error(p) == (f"{p}: this looks like a binary file, not a job posting; give a .txt, .md, "
                         ".html or .json file.")


def test_oversized_file_message(tmp_path):
    p = tmp_path / "huge.txt"
    p.write_bytes(b"a" * (MAX_FILE_BYTES + 1))
    assert _error(p) == f"{p}: the file is over 10 MB, too large for one job posting; give the posting alone."


def test_text_over_the_cap_message(tmp_path):
    p = tmp_path / "long.txt"
    p.write_text("word " * (MAX_TEXT_CHARS // 5 + 10), encoding="utf-8")
    assert "over the 100,000-character cap for one posting" in _error(p)


def test_json_without_job_posting_message(tmp_path):
    p = tmp_path / "x.json"
    p.write_text('{"@type": "Organization"}', encoding="utf-8")
    assert _error(p) == (f'{p}: no schema.org JobPosting object found (expected "@type": "JobPosting"); '
                         "save the posting as .txt instead.")


def test_invalid_json_message(tmp_path):
    p = tmp_path / "x.json"
    p.write_text('{"@type": ', encoding="utf-8")
    assert _error(p).startswith(f"{p}: not valid JSON (")


def test_html_without_text_message(tmp_path):
    p = tmp_path / "x.html"
    p.write_text("<html><body><script>only()</script></body></html>", encoding="utf-8")
    assert _error(p) == f"{p}: the posting has no text to classify; check that this is the right file."
