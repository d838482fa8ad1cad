"""Hostile input to the readers: nothing lost, nothing altered, every failure a PmroleError.

Each test reproduces an item of issue 10 ("nothing lost, nothing crashes") at the reader level,
or through `pmrole score` where the user-visible output is the point.
"""

import csv
import gzip
import io
import json

import pytest

from classifier.errors import EXIT_INPUT, EXIT_ROW_ERRORS, EXIT_USAGE, InputError, PmroleError
from classifier.reading.decoding import decode, guess_encoding, sample_encoding
from classifier.reading.postings import read_posting_bytes
from classifier.reading.tables import open_table

PROJECT = ("You will own the project plan and the budget, lead the delivery team, keep the risk "
           "register and send weekly status reports to the steering group until go-live.")
PRODUCT = ("You will interview customers, analyse usage data, decide which features we build next, "
           "own the roadmap and check after each release that users adopt what we shipped.")


def line(*cells) -> str:
    """One CSV record, quoted as a csv writer quotes it."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(cells)
    return out.getvalue()


def rows_of(data: bytes, name="in.csv", **kw):
    table = open_table(io.BytesIO(data), name=name, **kw)
    return table, list(table.rows)


def read_out(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


# --- encodings ---------------------------------------------------------------------------------

def test_latin1_csv_is_read_as_cp1252_not_a_baltic_code_page():
    data = "city,description\nZürich,Café Société à Genève\n".encode("latin-1")
    table, rows = rows_of(data)
    assert table.encoding == "cp1252"
    assert rows[0].values == ["Zürich", "Café Société à Genève"]


def test_a_guessed_encoding_is_said(run, tmp_path):
    src = tmp_path / "in.csv"
    src.write_bytes(("title,description\n" + line("Project Manager", PROJECT + " Zürich")).encode("latin-1"))
    result = run("score", src, "-o", tmp_path / "o.csv")
    assert result.exit_code == 0
    assert result.stderr.startswith("pmrole: reading CSV (cp1252); text column 'description', title column "
                                    "'title'; the encoding is a guess: pass --encoding if accents look wrong\n")
    assert read_out(tmp_path / "o.csv")[0]["description"] == PROJECT + " Zürich"


def test_cyrillic_legacy_file_is_not_forced_to_cp1252():
    assert guess_encoding("Менеджер проекта отвечает за бюджет и сроки работ".encode("cp1251")) == "cp1251"


def test_one_cp1252_byte_in_a_utf8_file_changes_only_its_own_cell():
    good = "Budget – €2m … Zürich".encode()
    data = b"title,description\n" + b"PM," + good + b"\n" + b"PM,Caf\xe9 cr\xe8me\n" + b"PM," + good + b"\n"
    table, rows = rows_of(data)
    assert table.encoding == "utf-8"
    assert rows[0].values[1] == "Budget – €2m … Zürich" and rows[2].values[1] == "Budget – €2m … Zürich"
    assert rows[1].values[1] == "Café crème"
    assert rows[1].problems == []  # still scored
    assert rows[1].notes == ["undecodable bytes in column description (read as cp1252); re-export "
                             "the file as UTF-8, or pass --encoding (e.g. --encoding cp1252)"]


def test_mixed_cell_keeps_its_valid_utf8_and_repairs_only_the_bad_run():
    data = "t,description\nPM,".encode() + "Zürich ".encode() + b"caf\xe9\n"
    _, rows = rows_of(data)
    assert rows[0].values[1] == "Zürich café"


def test_mixed_encoding_row_is_scored_and_says_what_was_guessed(run, tmp_path):
    src = tmp_path / "in.csv"
    src.write_bytes(b"title,description\n" + line("Project Manager", f"{PROJECT} Budget \u20ac2m.").encode()
                    + line("Product Manager", f"{PRODUCT} Caf\udce9.").encode("utf-8", "surrogateescape"))
    out = tmp_path / "out.csv"
    result = run("score", src, "-o", out)
    assert result.exit_code == EXIT_ROW_ERRORS
    rows = read_out(out)
    assert rows[0]["description"] == f"{PROJECT} Budget €2m." and rows[0]["pmrole_error"] == ""
    assert rows[1]["description"] == f"{PRODUCT} Café."
    assert rows[1]["pmrole_label"] == "product-manager"
    assert rows[1]["pmrole_error"].startswith("row 2: undecodable bytes in column description (read as cp1252)")


def test_posting_with_a_stray_cp1252_byte_keeps_its_utf8():
    assert decode("Zürich – ".encode() + b"caf\xe9", "x.txt") == "Zürich – café"


def test_utf16_without_bom_is_text_not_binary():
    table, rows = rows_of("title,description\nPM,Zürich budget\n".encode("utf-16-le"))
    assert table.encoding == "utf-16-le"
    assert rows[0].values == ["PM", "Zürich budget"]
    assert decode("Project manager in Zürich".encode("utf-16-be"), "x.txt") == "Project manager in Zürich"


def test_sample_encoding_prefers_utf8_when_the_sample_ends_mid_character():
    assert sample_encoding("é".encode() * 10 + "é".encode()[:1], "x", complete=False) == "utf-8"


# --- CSV structure -----------------------------------------------------------------------------

def test_unbalanced_quote_swallows_no_rows():
    data = (b'id,title,description\n1,"Project Manager,lead the plan\n'
            b"2,Product Manager,own the roadmap\n3,Analyst,write reports\n")
    _, rows = rows_of(data)
    assert [r.number for r in rows] == [1, 2, 3]
    assert rows[0].values == {"pmrole_input": '1,"Project Manager,lead the plan'}
    assert rows[0].problems == ["the row cannot be parsed as CSV (an opening quote is never closed); "
                                "its text is kept as it was; fix the quotes"]
    assert rows[1].values == ["2", "Product Manager", "own the roadmap"]
    assert rows[2].values == ["3", "Analyst", "write reports"]


def test_unbalanced_quote_in_the_last_column_swallows_no_rows():
    data = b'title,description\nPM,"lead the plan\nPO,own the roadmap\n'
    _, rows = rows_of(data)
    assert [r.values for r in rows] == [{"pmrole_input": 'PM,"lead the plan'}, ["PO", "own the roadmap"]]


def test_multi_line_quoted_fields_are_still_one_row():
    data = b'title,description\nPM,"line one\nline two"\nPO,"a\nb"\n'
    _, rows = rows_of(data)
    assert [r.values for r in rows] == [["PM", "line one\nline two"], ["PO", "a\nb"]]


def test_unbalanced_quote_through_score_keeps_every_record(run, tmp_path):
    src = tmp_path / "in.csv"
    src.write_text(f'id,title,description\n1,"Project Manager,{PROJECT}\n' + line(2, "Product Manager", PRODUCT)
                   + line(3, "Project Manager", PROJECT), encoding="utf-8")
    out = tmp_path / "out.csv"
    result = run("score", src, "-o", out)
    assert result.exit_code == EXIT_ROW_ERRORS
    rows = read_out(out)
    assert [r["id"] for r in rows] == ["", "2", "3"]
    assert rows[0]["pmrole_error"].endswith(f'; the line was: 1,"Project Manager,{PROJECT}')
    assert rows[1]["pmrole_label"] == "product-manager" and rows[2]["pmrole_label"] == "project-manager"
    assert "scored 3 rows" in result.stderr


def test_semicolon_csv_with_long_quoted_texts_is_sniffed():
    data = ('title;description\n"Project Manager";"' + PROJECT + ', and more."\n').encode()
    table, rows = rows_of(data)
    assert table.delimiter == ";"
    assert rows[0].values == ["Project Manager", PROJECT + ", and more."]


def test_one_column_header_suggests_the_delimiter(run, tmp_path):
    src = tmp_path / "in.txt"
    src.write_text("titel|beschreibung\nPM|plan\n", encoding="utf-8")
    result = run("score", src, "-o", tmp_path / "o.csv", "--delimiter", ",")
    assert result.exit_code == EXIT_INPUT
    assert result.stderr.endswith("Pass --delimiter (e.g. --delimiter ';').\n")


@pytest.mark.parametrize("given, expected", [("\\t", "\t"), ("tab", "\t"), (";", ";")])
def test_delimiter_as_typed(given, expected):
    table, rows = rows_of(b"title\tdescription\nPM\tplan\n", delimiter=given)
    assert table.delimiter == expected


@pytest.mark.parametrize("given", [";;", ""])
def test_delimiter_of_two_characters_is_a_usage_error(run, tmp_path, given):
    src = tmp_path / "in.csv"
    src.write_text("title,description\n" + line("PM", PROJECT), encoding="utf-8")
    result = run("score", src, "-o", tmp_path / "o.csv", "--delimiter", given)
    assert result.exit_code == EXIT_USAGE
    assert result.stderr == (f"Error: --delimiter {given!r}: give one character, e.g. --delimiter ';' "
                             "or --delimiter '\\t' for a tab.\n")
    assert not (tmp_path / "o.csv").exists()


def test_duplicate_text_column_is_refused(run, tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("title,description,description\n" + line("PM", PROJECT, PRODUCT), encoding="utf-8")
    result = run("score", src, "-o", tmp_path / "o.csv")
    assert result.exit_code == EXIT_INPUT
    assert result.stderr == (f"Error: {src}: the header names column 'description' 2 times, so the "
                             "text is ambiguous; rename the copies, then score again.\n")


def test_duplicate_header_to_jsonl_output_is_refused(run, tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("note,title,description,note\n" + line("A", "PM", PROJECT, "B"), encoding="utf-8")
    result = run("score", src, "-o", tmp_path / "o.jsonl")
    assert result.exit_code == EXIT_INPUT
    assert "names column 'note' more than once" in result.stderr
    assert not (tmp_path / "o.jsonl").exists()
    ok = run("score", src, "-o", tmp_path / "o.csv")  # CSV output keeps both
    assert ok.exit_code == 0
    with open(tmp_path / "o.csv", newline="", encoding="utf-8") as fh:
        header, row = list(csv.reader(fh))
    assert header[:4] == ["note", "title", "description", "note"] and row[0] == "A" and row[3] == "B"


def test_header_only_csv_is_exit_3_and_writes_nothing(run, tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("title,description\n", encoding="utf-8")
    result = run("score", src, "-o", tmp_path / "o.csv")
    assert result.exit_code == EXIT_INPUT
    assert result.stderr.endswith(f"Error: {src}: the file has a header but no rows to score; nothing "
                                  "was written.\n")
    assert list(tmp_path.iterdir()) == [src]


# --- JSON and JSONL ----------------------------------------------------------------------------

def test_later_jsonl_row_with_pmrole_keys_keeps_them(run, tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"title": "PM", "description": PROJECT}) + "\n"
                   + json.dumps({"title": "PO", "description": PRODUCT, "pmrole_label": "mine"}) + "\n",
                   encoding="utf-8")
    out = tmp_path / "o.jsonl"
    result = run("score", src, "-o", out)
    assert result.exit_code == EXIT_ROW_ERRORS
    second = json.loads(out.read_text(encoding="utf-8").splitlines()[1])
    assert second["pmrole_error"] == ("row 2: the row already has result field(s) 'pmrole_label', kept "
                                      'here: {"pmrole_label": "mine"}; rename them and score again')


@pytest.mark.parametrize("line, reason", [
    ("[" * 100_000 + "]" * 100_000, "nested too deeply or a number too long to read"),
    ('{"a": ' + "9" * 5000 + "}", "nested too deeply or a number too long to read"),
], ids=["deeply-nested", "5000-digit-number"])
def test_hostile_jsonl_lines_are_row_errors(line, reason):
    data = b'{"description": "x"}\n' + line.encode() + b"\n"
    _, rows = rows_of(data, name="in.jsonl")
    assert rows[1].values == {"pmrole_input": line}
    assert rows[1].problems == [f"the line is not a JSON object ({reason})"]


def test_hostile_first_jsonl_line_is_an_input_error(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_bytes(b"[" * 100_000 + b"\n")
    with pytest.raises(InputError) as caught:
        open_table(src)
    assert caught.value.message == (f"{src}: the first line is not valid JSON (nested too deeply or a "
                                    "number too long to read); give one JSON object a line, or a CSV file.")


def test_json_list_of_job_postings_is_not_cut_to_the_first():
    postings = [{"@type": "JobPosting", "title": t, "description": d}
                for t, d in (("Project Manager", PROJECT), ("Product Manager", PRODUCT))]
    with pytest.raises(InputError) as caught:
        read_posting_bytes(json.dumps(postings).encode(), "jobs.json", ".json")
    assert caught.value.message == ("jobs.json: holds 2 JobPosting objects, and classify reads one posting "
                                    "per file; put each in a file of its own, or write them one a line to "
                                    "a .jsonl file and use `pmrole score`.")


def test_deeply_nested_json_posting_is_an_input_error():
    with pytest.raises(PmroleError, match="nested too deeply"):
        read_posting_bytes(b"[" * 100_000, "deep.json", ".json")


# --- the stream itself ---------------------------------------------------------------------------

def test_truncated_gz_names_the_file_and_writes_nothing(run, tmp_path):
    body = "title,description\n" + "".join(line(f"PM {i}", PROJECT) for i in range(3000))
    whole = gzip.compress(body.encode())
    src = tmp_path / "in.csv.gz"
    src.write_bytes(whole[: len(whole) // 2])
    result = run("score", src, "-o", tmp_path / "o.csv", "--jobs", "1")
    assert result.exit_code == EXIT_INPUT
    assert result.stderr.startswith(f"Error: {src}: the file ends early or is damaged (")
    assert result.stderr.endswith("nothing was written. Check that the download or copy is complete "
                                  "(a .gz file must be whole).\n")
    assert list(tmp_path.iterdir()) == [src]


def test_a_wrong_encoding_given_is_an_input_error(run, tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("title,description\n" + line("PM", PROJECT), encoding="utf-8")
    result = run("score", src, "-o", tmp_path / "o.csv", "--encoding", "utf-16")
    assert result.exit_code == EXIT_INPUT
    assert result.stderr.endswith(f"Error: {src}: the text cannot be decoded as utf-16 (UTF-16 stream does "
                                  "not start with BOM); re-export the file as UTF-8, or pass --encoding "
                                  "(e.g. --encoding cp1252).\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]


def test_random_bytes_with_few_nuls_are_binary_not_a_table():
    import hashlib

    data = b"".join(hashlib.sha256(str(i).encode()).digest() for i in range(100))  # 3,200 noise bytes
    with pytest.raises(InputError, match="this is not a table \\(it looks like a binary file\\)"):
        rows_of(data)
