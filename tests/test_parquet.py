"""`pmrole score` on Parquet: input columns and types kept, typed result columns, the same values
as CSV, bad rows flagged as in CSV, nothing half-written."""

import csv
import datetime as dt
import json

import pytest

pa = pytest.importorskip("pyarrow")
import pyarrow.parquet as pq  # noqa: E402

from classifier.batch.records import as_cell  # noqa: E402
from classifier.batch.writer import neutralise, result_columns  # noqa: E402
from classifier.errors import EXIT_INPUT, EXIT_ROW_ERRORS  # noqa: E402
from classifier.labels import LABELS  # noqa: E402
from classifier.reading.postings import MAX_TEXT_CHARS  # noqa: E402

from .postings import PRODUCT, PROJECT  # noqa: E402

RESULTS = result_columns(LABELS)


def listings(n: int) -> dict:
    """n rows of mixed types; rows 3, 4, 5 and 6 are the bad rows every export has."""
    texts = [PROJECT if i % 2 else PRODUCT for i in range(n)]
    texts[2], texts[3] = None, "   "
    texts[4] = PROJECT + " Filler sentence about the office." * (MAX_TEXT_CHARS // 30)
    texts[5] = PRODUCT + " \x00 stray NUL"
    return {
        "id": pa.array(range(n), pa.int64()),
        "title": pa.array([None if i % 7 == 0 else ("Product Owner 🚀 Zürich" if i % 2 == 0 else
                                                     "Project Manager") for i in range(n)]),
        "description": pa.array(texts, pa.string()),
        "salary": pa.array([None if i % 5 == 0 else 50_000.5 + i for i in range(n)], pa.float64()),
        "remote": pa.array([None if i % 3 == 0 else i % 2 == 0 for i in range(n)], pa.bool_()),
        "posted": pa.array([dt.datetime(2026, 1, 1) + dt.timedelta(days=i) for i in range(n)],
                           pa.timestamp("ms")),
        "tags": pa.array([["pm", "réseau"] if i % 4 else None for i in range(n)], pa.list_(pa.string())),
    }


def write_parquet(path, n=40, row_group_size=16):
    table = pa.table(listings(n))
    pq.write_table(table, path, row_group_size=row_group_size)
    return table


def write_same_csv(path, table):
    """The text columns of ``table`` as a CSV file, for the CSV side of a comparison."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "title", "description"])
        for r in table.select(["id", "title", "description"]).to_pylist():
            w.writerow(["" if v is None else v for v in r.values()])


def csv_results(path):
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return [[r[c] for c in RESULTS] for r in rows]


def typed_results(table):
    """Result columns of a scored Arrow table, as the cells pmrole score writes in CSV."""
    columns = [table.column(c).to_pylist() for c in RESULTS]
    return [[neutralise(as_cell(v)) for v in row] for row in zip(*columns)]


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    from click.testing import CliRunner

    from classifier.cli import cli

    folder = tmp_path_factory.mktemp("parquet")
    table = write_parquet(folder / "in.parquet")
    write_same_csv(folder / "in.csv", table)
    runner = CliRunner()
    by_parquet = runner.invoke(cli, ["score", str(folder / "in.parquet"), "-o", str(folder / "out.parquet"),
                                     "--jobs", "1"])
    by_csv = runner.invoke(cli, ["score", str(folder / "in.csv"), "-o", str(folder / "out.csv"), "--jobs", "1"])
    return folder, table, by_parquet, by_csv


def test_parquet_output_has_every_row_with_input_columns_types_nulls_and_unicode_kept(scored):
    folder, table, result, _ = scored
    assert result.exit_code == EXIT_ROW_ERRORS, result.output
    out = pq.read_table(folder / "out.parquet")
    assert out.num_rows == table.num_rows
    assert out.schema.names == table.schema.names + RESULTS
    kept = out.select(table.schema.names)
    assert kept.schema.equals(table.schema, check_metadata=False)
    assert kept.to_pylist() == table.to_pylist()  # nulls, 🚀, Zürich, lists and dates included


def test_parquet_result_columns_are_typed(scored):
    folder = scored[0]
    schema = pq.read_schema(folder / "out.parquet")
    types = {name: str(schema.field(name).type) for name in RESULTS}
    assert types["pmrole_confidence"] == types["pmrole_p_product_manager"] == "double"
    assert types["pmrole_duty_project"] == types["pmrole_duty_product"] == "double"
    assert types["pmrole_needs_review"] == "bool"
    assert types["pmrole_label"] == types["pmrole_keywords"] == types["pmrole_error"] == "string"


def test_parquet_results_equal_csv_results_cell_for_cell(scored):
    folder, _, _, by_csv = scored
    assert by_csv.exit_code == EXIT_ROW_ERRORS, by_csv.output
    assert typed_results(pq.read_table(folder / "out.parquet")) == csv_results(folder / "out.csv")


def test_bad_parquet_rows_carry_the_csv_error_and_stay_unscored(scored):
    folder = scored[0]
    out = pq.read_table(folder / "out.parquet").to_pylist()
    assert out[2]["pmrole_error"] == "row 3: column 'description' is empty; nothing to classify"
    assert out[3]["pmrole_error"] == "row 4: column 'description' is empty; nothing to classify"
    assert out[5]["pmrole_error"] == "row 6: column 'description' contains NUL bytes; clean the export"
    for row in (out[2], out[3], out[5]):
        assert row["pmrole_label"] is None and row["pmrole_confidence"] is None
    assert out[4]["pmrole_error"].startswith("row 5: text of ")
    assert out[4]["pmrole_error"].endswith(f"truncated to the first {MAX_TEXT_CHARS:,}")
    assert out[4]["pmrole_label"] in LABELS
    assert out[0]["pmrole_error"] is None and out[0]["pmrole_label"] in LABELS


def test_parquet_output_is_not_replaced_without_force(run, tmp_path):
    write_parquet(tmp_path / "in.parquet", n=8)
    (tmp_path / "out.parquet").write_bytes(b"keep me")
    result = run("score", tmp_path / "in.parquet", "-o", tmp_path / "out.parquet")
    assert result.exit_code == EXIT_INPUT
    assert "already exists; pass --force" in result.stderr
    assert (tmp_path / "out.parquet").read_bytes() == b"keep me"


def test_a_missing_text_column_in_parquet_writes_nothing(run, tmp_path):
    write_parquet(tmp_path / "in.parquet", n=8)
    result = run("score", tmp_path / "in.parquet", "-o", tmp_path / "out.parquet", "--text-column", "body")
    assert result.exit_code == EXIT_INPUT
    assert "no column 'body'; the columns are 'id', 'title', 'description'" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.parquet"]


def test_a_damaged_parquet_file_is_refused_with_a_message(run, tmp_path):
    (tmp_path / "in.parquet").write_bytes(b"id,description\n1,not parquet at all\n")
    result = run("score", tmp_path / "in.parquet", "-o", tmp_path / "out.parquet")
    assert result.exit_code == EXIT_INPUT
    assert "in.parquet: is not a readable Parquet file" in result.stderr
    assert not (tmp_path / "out.parquet").exists()


def test_parquet_into_csv_and_jsonl_writes_every_row_with_the_same_results(run, scored, tmp_path):
    """Parquet scored into CSV: every row, the input's values as text (dates, lists, numbers),
    the results equal to scoring the CSV; into JSON Lines the values stay JSON values."""
    folder, table, _, _ = scored
    assert run("score", folder / "in.parquet", "-o", tmp_path / "out.csv", "--jobs", "1").exit_code \
        == EXIT_ROW_ERRORS
    with open(tmp_path / "out.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == table.schema.names + RESULTS
    assert [r["id"] for r in rows] == [str(i) for i in range(table.num_rows)]
    assert rows[1]["posted"] == "2026-01-02 00:00:00" and rows[1]["tags"] == '["pm", "réseau"]'
    assert rows[0]["title"] == "" and rows[2]["title"] == "Product Owner 🚀 Zürich"
    assert [[r[c] for c in RESULTS] for r in rows] == csv_results(folder / "out.csv")
    assert run("score", folder / "in.parquet", "-o", tmp_path / "out.jsonl", "--jobs", "1").exit_code \
        == EXIT_ROW_ERRORS
    lines = [json.loads(l) for l in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(lines) == table.num_rows
    assert lines[1]["salary"] == 50_001.5 and lines[1]["tags"] == ["pm", "réseau"]
    assert (lines[0]["remote"], lines[1]["remote"], lines[2]["remote"]) == (None, False, True)
    assert lines[1]["pmrole_error"] is None and isinstance(lines[1]["pmrole_confidence"], float)
    assert lines[2]["pmrole_error"] == "row 3: column 'description' is empty; nothing to classify"


def test_csv_into_parquet_keeps_every_row_as_strings_with_typed_results(run, scored, tmp_path):
    folder, table, _, _ = scored
    assert run("score", folder / "in.csv", "-o", tmp_path / "out.parquet", "--jobs", "1").exit_code \
        == EXIT_ROW_ERRORS
    out = pq.read_table(tmp_path / "out.parquet")
    assert out.schema.names == ["id", "title", "description"] + RESULTS
    assert {str(out.schema.field(c).type) for c in ("id", "title", "description")} == {"string"}
    assert str(out.schema.field("pmrole_needs_review").type) == "bool"
    assert out.column("id").to_pylist() == [str(i) for i in range(table.num_rows)]
    assert typed_results(out) == csv_results(folder / "out.csv")


def test_an_already_scored_parquet_file_is_refused(run, scored, tmp_path):
    folder = scored[0]
    result = run("score", folder / "out.parquet", "-o", tmp_path / "again.parquet")
    assert result.exit_code == EXIT_INPUT
    assert "already has column 'pmrole_label' (was it scored before?)" in result.stderr
