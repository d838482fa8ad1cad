"""`pmrole score`: every row out, in order, columns intact; bad rows flagged; nothing half-written."""

import csv
import gzip
import io
import json
import signal
import subprocess
import sys
import time

import pytest

from classifier.batch.writer import neutralise, result_columns
from classifier.errors import EXIT_INPUT, EXIT_ROW_ERRORS
from classifier.labels import LABELS

RESULTS = result_columns(LABELS)
PROJECT = ("You will own the project plan and the budget, lead the delivery team, keep the risk "
           "register and send weekly status reports to the steering group until go-live.")
PRODUCT = ("You will interview customers, analyse usage data, decide which features we build next, "
           "own the roadmap and check after each release that users adopt what we shipped.")


def write_csv(path, header, rows, encoding="utf-8", delimiter=","):
    with open(path, "w", newline="", encoding=encoding) as fh:
        w = csv.writer(fh, delimiter=delimiter)
        w.writerow(header)
        w.writerows(rows)
    return path


def read_csv(path, delimiter=","):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh, delimiter=delimiter))


@pytest.fixture(scope="module")
def messy_export(tmp_path_factory):
    """6,000 ordinary rows (multi-line quoted fields) plus six of the rows every real export has."""
    folder = tmp_path_factory.mktemp("messy")
    path = folder / "export.csv"
    out = io.BytesIO()
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    w = csv.writer(text)
    w.writerow(["id", "title", "description", "company"])
    specials = {
        1000: ["1000", "Project Manager", "", "Empty Ltd"],
        2000: ["2000", "Product Manager", PRODUCT + " \x00 stray NUL", "Nul Ltd"],
        3000: ["3000", "Programme Manager", PROJECT + " " + "Filler sentence about the office. " * 9000, "Big Ltd"],
        4000: ["4000", '=HYPERLINK("http://x.invalid","click")', PROJECT, "Formula Ltd"],
        5000: ["5000", "Product Owner 🚀", PRODUCT + " We ❤️ our users 🎉.", "Emoji Ltd"],
    }
    for i in range(6006):
        if i in specials:
            w.writerow(specials[i])
        elif i == 5500:
            text.flush()
            out.write(f'5500,Project Manager,"{PROJECT} Caf'.encode() + b"\xe9" + b' budget.",Latin Ltd\n')
        else:
            body = (PROJECT if i % 2 else PRODUCT).replace(", ", ",\n", 1)
            w.writerow([str(i), "Project Manager" if i % 2 else "Product Manager", body, f"Co {i}"])
    text.flush()
    path.write_bytes(out.getvalue())
    return path


@pytest.fixture(scope="module")
def messy_scored(messy_export, tmp_path_factory):
    from click.testing import CliRunner

    from classifier.cli import cli

    out = tmp_path_factory.mktemp("out") / "scored.csv"
    result = CliRunner().invoke(cli, ["score", str(messy_export), "-o", str(out), "--jobs", "2"])
    return result, out


def test_messy_export_every_row_out_in_order(messy_scored):
    result, out = messy_scored
    assert result.exit_code == EXIT_ROW_ERRORS
    rows = read_csv(out)
    assert rows[0] == ["id", "title", "description", "company"] + RESULTS
    assert [r[0] for r in rows[1:]] == [str(i) for i in range(6006)]
    assert len(rows) - 1 == 6006  # 6,000 ordinary rows and the 6 bad ones


def test_messy_export_input_columns_intact(messy_scored, messy_export):
    _, out = messy_scored
    rows = {r[0]: r for r in read_csv(out)[1:]}
    assert rows["4000"][1] == '=HYPERLINK("http://x.invalid","click")'
    assert rows["5000"][1] == "Product Owner 🚀"
    assert rows["7"][2] == PROJECT.replace(", ", ",\n", 1)
    assert len(rows["3000"][2]) > 300_000  # the long field is written whole, only scored truncated


def test_messy_export_bad_rows_carry_an_error(messy_scored):
    result, out = messy_scored
    header, *body = read_csv(out)
    rows = {r[0]: dict(zip(header, r)) for r in body}
    assert rows["1000"]["pmrole_error"] == "row 1001: column 'description' is empty; nothing to classify"
    assert rows["1000"]["pmrole_label"] == ""
    assert rows["2000"]["pmrole_error"] == "row 2001: column 'description' contains NUL bytes; clean the export"
    assert rows["3000"]["pmrole_error"].startswith("row 3001: text of 3")
    assert rows["3000"]["pmrole_error"].endswith("characters truncated to the first 100,000")
    assert rows["3000"]["pmrole_label"] == "project-manager"
    assert rows["5500"]["pmrole_error"] == ("row 5501: undecodable bytes in column description (read as "
                                            "cp1252); re-export the file as UTF-8, or pass --encoding "
                                            "(e.g. --encoding cp1252)")
    assert "Café budget." in rows["5500"]["description"]
    assert rows["5000"]["pmrole_error"] == "" and rows["5000"]["pmrole_label"] == "product-manager"
    assert rows["4000"]["pmrole_label"] == "project-manager"
    errors = [k for k, r in rows.items() if r["pmrole_error"]]
    assert sorted(errors) == ["1000", "2000", "3000", "5500"]
    assert "4 with errors (see pmrole_error)" in result.stderr


def test_result_cells_are_well_formed(messy_scored):
    _, out = messy_scored
    header, *rows = read_csv(out)
    r = dict(zip(header, rows[1]))
    probs = [float(r[f"pmrole_p_{l.replace('-', '_')}"]) for l in LABELS]
    assert sum(probs) == pytest.approx(1.0, abs=1e-3)
    assert float(r["pmrole_confidence"]) == max(probs)
    assert r["pmrole_needs_review"] in ("true", "false")
    assert r["pmrole_model"].startswith("pmrole-")
    first = r["pmrole_keywords"].split("; ")[0]
    term, weight = first.rsplit(" ", 1)
    assert term and weight[0] in "+-" and float(weight)


def test_formula_like_result_cells_are_neutralised():
    assert neutralise("=SUM(A1)") == "'=SUM(A1)"
    assert neutralise("-1+2") == "'-1+2"
    assert neutralise("@cmd") == "'@cmd"
    assert neutralise("project-manager") == "project-manager"


def test_jobs_do_not_change_results(run, tmp_path):
    src = write_csv(tmp_path / "in.csv", ["title", "description"],
                    [["Project Manager" if i % 3 else "", PROJECT if i % 2 else PRODUCT] for i in range(600)])
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    assert run("score", src, "-o", one, "--jobs", "1", "-q").exit_code == 0
    assert run("score", src, "-o", two, "--jobs", "2", "-q").exit_code == 0
    assert one.read_bytes() == two.read_bytes()


def test_column_choice_is_reported(run, tmp_path):
    src = write_csv(tmp_path / "in.csv", ["Job Title", "Job Description"], [["Project Manager", PROJECT]])
    result = run("score", src, "-o", tmp_path / "o.csv")
    assert result.exit_code == 0
    assert "text column 'Job Description', title column 'Job Title'" in result.stderr
    assert "pmrole: scored 1 rows" in result.stderr


def test_ragged_rows_are_kept_and_flagged(run, tmp_path):
    src = tmp_path / "ragged.csv"
    src.write_text(f'title,description,company\nPM,"{PROJECT}"\nPM,"{PROJECT}",Acme,extra,more\n'
                   f'PM,"{PRODUCT}",Fine\n', encoding="utf-8")
    out = tmp_path / "o.csv"
    result = run("score", src, "-o", out)
    assert result.exit_code == EXIT_ROW_ERRORS
    header, *rows = read_csv(out)
    err = header.index("pmrole_error")
    assert rows[0][:3] == ["PM", PROJECT, ""]
    assert rows[0][err] == "row 1: the row has 2 fields, the header has 3; the missing cells were left empty"
    assert rows[1][2] == "Acme,extra,more"
    assert rows[1][err] == ("row 2: the row has 5 fields, the header has 3; the 2 extra field(s) were joined "
                            "into column 'company'")
    assert rows[2][err] == "" and rows[2][header.index("pmrole_label")] == "product-manager"


def test_jsonl_gzip_in_jsonl_out(run, tmp_path):
    src = tmp_path / "in.jsonl.gz"
    with gzip.open(src, "wt", encoding="utf-8") as fh:
        fh.write(json.dumps({"job_title": "Project Manager", "body": PROJECT, "n": 1}) + "\n")
        fh.write("{not json}\n")
        fh.write(json.dumps({"job_title": "Product Manager", "body": PRODUCT, "n": 3}) + "\n")
    out = tmp_path / "out.jsonl"
    result = run("score", src, "-o", out, "--text-column", "body")
    assert result.exit_code == EXIT_ROW_ERRORS
    rows = [json.loads(l) for l in out.read_text(encoding="utf-8").splitlines()]
    assert [r.get("n") for r in rows] == [1, None, 3]
    assert list(rows[0])[:3] == ["job_title", "body", "n"]
    assert rows[1]["pmrole_input"] == "{not json}"
    assert rows[1]["pmrole_error"].startswith("row 2: the line is not a JSON object (")
    assert rows[2]["pmrole_label"] == "product-manager"


def test_jsonl_output_types_the_results_as_json(run, tmp_path):
    """Numbers are numbers, the review flag is a boolean, and what was not scored (or had nothing
    to report) is null, as in Parquet; only CSV and TSV cells are text."""
    src = write_csv(tmp_path / "in.csv", ["title", "description"], [["PM", PROJECT], ["PO", ""]])
    out = tmp_path / "o.jsonl"
    assert run("score", src, "-o", out, "-q").exit_code == EXIT_ROW_ERRORS
    scored, empty = [json.loads(l) for l in out.read_text(encoding="utf-8").splitlines()]
    assert scored["title"] == "PM" and scored["pmrole_label"] == "project-manager"
    assert isinstance(scored["pmrole_confidence"], float) and 0 < scored["pmrole_confidence"] <= 1
    assert all(isinstance(scored[c], float) for c in scored if c.startswith(("pmrole_p_", "pmrole_duty_")))
    assert isinstance(scored["pmrole_needs_review"], bool)
    assert scored["pmrole_error"] is None
    assert empty["description"] == "" and empty["pmrole_label"] is None
    assert empty["pmrole_needs_review"] is None and empty["pmrole_confidence"] is None
    assert empty["pmrole_error"].startswith("row 2: ")


def test_gzip_output(run, tmp_path):
    src = write_csv(tmp_path / "in.csv", ["title", "description"], [["PM", PROJECT], ["PO", PRODUCT]])
    out = tmp_path / "o.csv.gz"
    assert run("score", src, "-o", out, "-q").exit_code == 0
    with gzip.open(out, "rt", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert [r[2] for r in rows[1:]] == ["project-manager", "product-manager"]


def test_jsonl_to_csv_keeps_what_the_columns_cannot_hold(run, tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"title": "PM", "text": PROJECT}) + "\n{broken\n"
                   + json.dumps({"title": "PO", "text": PRODUCT, "salary": 50000}) + "\n", encoding="utf-8")
    out = tmp_path / "o.csv"
    assert run("score", src, "-o", out).exit_code == EXIT_ROW_ERRORS
    header, *rows = read_csv(out)
    err = header.index("pmrole_error")
    assert header[:2] == ["title", "text"]
    assert rows[1][err].endswith("); the line was: {broken")
    assert rows[2][err] == ('row 3: fields not in the first line\'s columns (write .jsonl output to keep '
                            'them as columns): {"salary": 50000}')
    assert rows[2][header.index("pmrole_label")] == "product-manager"


def test_tsv_cp1252_detected(run, tmp_path):
    src = write_csv(tmp_path / "in.tsv", ["title", "description"], [["Chef de projet – café", PROJECT]],
                    encoding="cp1252", delimiter="\t")
    out = tmp_path / "o.tsv"
    result = run("score", src, "-o", out)
    assert result.exit_code == 0
    assert "reading TSV (cp1252)" in result.stderr
    assert read_csv(out, delimiter="\t")[1][0] == "Chef de projet – café"


def test_stdin_to_stdout(run, tmp_path):
    data = f"title,description\nPM,\"{PROJECT}\"\n"
    result = run("score", "-", "-o", "-", "-q", input=data)
    assert result.exit_code == 0
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0][:2] == ["title", "description"] and rows[1][2] == "project-manager"


# --- structural errors: nothing is written --------------------------------------------------

def test_missing_input(run, tmp_path):
    result = run("score", tmp_path / "nope.csv", "-o", tmp_path / "o.csv")
    assert result.exit_code == EXIT_INPUT
    assert result.stderr == f"Error: {tmp_path / 'nope.csv'}: no such file; check the path.\n"
    assert not (tmp_path / "o.csv").exists()


def test_not_a_table(run, tmp_path):
    src = tmp_path / "logo.csv"
    src.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(1000))
    result = run("score", src, "-o", tmp_path / "o.csv")
    assert result.exit_code == EXIT_INPUT
    assert result.stderr == (f"Error: {src}: this is not a table (it looks like a binary file); give a CSV, "
                             "TSV or JSONL file.\n")


def test_named_column_missing_lists_the_columns(run, tmp_path):
    src = write_csv(tmp_path / "in.csv", ["title", "body"], [["PM", PROJECT]])
    result = run("score", src, "-o", tmp_path / "o.csv", "--text-column", "description")
    assert result.exit_code == EXIT_INPUT
    assert result.stderr == (f"Error: {src}: no column 'description'; the columns are 'title', 'body'. "
                             "Pass --text-column with one of them.\n")
    assert not (tmp_path / "o.csv").exists()


def test_undetectable_text_column(run, tmp_path):
    src = write_csv(tmp_path / "in.csv", ["a", "b"], [["1", "2"]])
    result = run("score", src, "-o", tmp_path / "o.csv")
    assert result.exit_code == EXIT_INPUT
    assert "cannot tell which column holds the posting text; the columns are 'a', 'b'. Pass --text-column NAME." in result.stderr


def test_existing_output_needs_force(run, tmp_path):
    src = write_csv(tmp_path / "in.csv", ["title", "description"], [["PM", PROJECT]])
    out = tmp_path / "o.csv"
    out.write_text("keep me")
    result = run("score", src, "-o", out)
    assert result.exit_code == EXIT_INPUT
    assert result.stderr == f"Error: {out}: already exists; pass --force to replace it, or choose another -o.\n"
    assert out.read_text() == "keep me"
    assert run("score", src, "-o", out, "--force").exit_code == 0
    assert out.read_text().startswith("title,description,pmrole_label")


def test_empty_input(run, tmp_path):
    src = tmp_path / "empty.csv"
    src.write_text("")
    result = run("score", src, "-o", tmp_path / "o.csv")
    assert result.exit_code == EXIT_INPUT
    assert "the file is empty" in result.stderr


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_interrupt_leaves_no_partial_output(tmp_path, jobs):
    src = write_csv(tmp_path / "in.csv", ["title", "description"],
                    [["Project Manager", PROJECT * 8] for _ in range(60_000)])
    out = tmp_path / "o.csv"
    proc = subprocess.Popen([sys.executable, "-m", "classifier", "score", str(src), "-o", str(out),
                             "--jobs", jobs, "-q"], stderr=subprocess.PIPE, text=True,
                            # A shell's background job inherits SIGINT ignored, and Python then
                            # never turns it into KeyboardInterrupt: give the child the default.
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.time() + 60
    while time.time() < deadline and not any(p.name.startswith(".pmrole-tmp-") for p in tmp_path.iterdir()):
        time.sleep(0.05)
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "Interrupted." in stderr and "Traceback" not in stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]


def test_delimiter_option_reads_what_sniffing_would_not(run, tmp_path):
    # Commas everywhere in the text and one semicolon per row: told the delimiter, pmrole splits
    # on it alone, and every input cell comes out as it went in.
    rows = [["1", "Project Manager", PROJECT], ["2", "Product Manager", PRODUCT]]
    src = write_csv(tmp_path / "in.csv", ["id", "title", "description"], rows, delimiter=";")
    out = tmp_path / "o.csv"
    result = run("score", src, "-o", out, "--delimiter", ";")
    assert result.exit_code == 0, result.stderr
    got = read_csv(out)
    assert got[0] == ["id", "title", "description"] + RESULTS
    assert [r[:3] for r in got[1:]] == rows
    assert [r[3] for r in got[1:]] == ["project-manager", "product-manager"]


def test_encoding_option_is_used_and_checked(run, tmp_path):
    src = tmp_path / "in.csv"
    src.write_bytes(("title,description\nChef de projet,"
                     f"\"{PROJECT} Café, crème brûlée, déjà vu.\"\n").encode("cp1252"))
    out = tmp_path / "o.csv"
    result = run("score", src, "-o", out, "--encoding", "cp1252")
    assert result.exit_code == 0, result.stderr
    assert "reading CSV (cp1252)" in result.stderr
    row = read_csv(out)[1]
    assert row[1].endswith("Café, crème brûlée, déjà vu.") and row[-1] == ""
    bad = run("score", src, "-o", tmp_path / "o2.csv", "--encoding", "klingon")
    assert bad.exit_code == EXIT_INPUT
    assert bad.stderr == f"Error: {src}: unknown encoding 'klingon'; try utf-8 or cp1252.\n"
    assert not (tmp_path / "o2.csv").exists()


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "utf-8-sig"])
def test_byte_order_mark_names_the_encoding(run, tmp_path, encoding):
    src = write_csv(tmp_path / "in.csv", ["title", "description"],
                    [["Project Manager", PROJECT + " Café ✓"]], encoding=encoding)
    out = tmp_path / "o.csv"
    result = run("score", src, "-o", out)
    assert result.exit_code == 0, result.stderr
    got = read_csv(out)
    assert got[0][:2] == ["title", "description"]
    assert got[1][:2] == ["Project Manager", PROJECT + " Café ✓"] and got[1][-1] == ""


def test_format_option_overrides_the_file_name(run, tmp_path):
    # A tab-separated export saved as .csv, and JSON Lines saved as .txt.
    tsv = tmp_path / "export.csv"
    tsv.write_text(f"title\tdescription\nProject Manager\t{PROJECT}\n", encoding="utf-8")
    out = tmp_path / "o.tsv"
    result = run("score", tsv, "-o", out, "--format", "tsv")
    assert result.exit_code == 0, result.stderr
    got = read_csv(out, delimiter="\t")
    assert got[0][:2] == ["title", "description"] and got[1][:2] == ["Project Manager", PROJECT]
    jsonl = tmp_path / "export.txt"
    jsonl.write_text(json.dumps({"title": "Product Manager", "description": PRODUCT}) + "\n", encoding="utf-8")
    out = tmp_path / "o.jsonl"
    result = run("score", jsonl, "-o", out, "--format", "jsonl")
    assert result.exit_code == 0, result.stderr
    obj = json.loads(out.read_text(encoding="utf-8"))
    assert obj["description"] == PRODUCT and obj["pmrole_label"] == "product-manager"


def test_jsonl_to_jsonl_keeps_extra_keys(run, tmp_path):
    src = tmp_path / "in.jsonl"
    lines = [{"title": "Project Manager", "description": PROJECT},
             {"title": "Product Manager", "description": PRODUCT, "salary": {"min": 70000}, "remote": True}]
    src.write_text("".join(json.dumps(l) + "\n" for l in lines), encoding="utf-8")
    out = tmp_path / "o.jsonl"
    assert run("score", src, "-o", out).exit_code == 0
    got = [json.loads(l) for l in out.read_text(encoding="utf-8").splitlines()]
    assert [list(g)[:len(l)] for g, l in zip(got, lines)] == [list(l) for l in lines]
    assert [{k: g[k] for k in l} for g, l in zip(got, lines)] == lines
    assert all(list(g)[-len(RESULTS):] == RESULTS for g in got)
    assert [g["pmrole_error"] for g in got] == [None, None]


def test_jsonl_duplicate_keys_are_not_lost_silently(run, tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text('{"title": "Project Manager", "description": "' + PROJECT + '"}\n'
                   '{"title": "Product Manager", "title": "Product Owner", "description": "' + PRODUCT + '"}\n',
                   encoding="utf-8")
    out = tmp_path / "o.jsonl"
    run("score", src, "-o", out)
    second = json.loads(out.read_text(encoding="utf-8").splitlines()[1])
    assert "Product Manager" in json.dumps(second)  # kept somewhere, or named in pmrole_error
