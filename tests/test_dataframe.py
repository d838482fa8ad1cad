"""`score_dataframe`: pandas in, pandas out with the pmrole_* columns; Dask in, lazy Dask out."""

import csv

import pytest

pd = pytest.importorskip("pandas")

from classifier import score_dataframe  # noqa: E402
from classifier.batch.records import as_cell  # noqa: E402
from classifier.batch.writer import neutralise, result_columns  # noqa: E402
from classifier.errors import InputError  # noqa: E402
from classifier.labels import LABELS  # noqa: E402

from .postings import PRODUCT, PROJECT  # noqa: E402

RESULTS = result_columns(LABELS)


@pytest.fixture(scope="module")
def frame():
    n = 30
    texts = [PROJECT if i % 2 else PRODUCT + " Zürich 🚀" for i in range(n)]
    texts[3], texts[4] = None, ""
    return pd.DataFrame({
        "job_title": ["Project Manager" if i % 2 else "Product Owner" for i in range(n)],
        "body": texts,
        "salary": [float(i) for i in range(n)],
    }, index=[f"job-{i}" for i in range(n)])


@pytest.fixture(scope="module")
def scored(frame, model):
    return score_dataframe(frame, text_column="body", title_column="job_title", model=model)


def frame_results(df):
    return [[neutralise(as_cell(v)) for v in row] for row in df[RESULTS].itertuples(index=False)]


def test_pandas_frame_gets_result_columns_after_its_own_with_index_kept(frame, scored):
    assert list(scored.columns) == list(frame.columns) + RESULTS
    assert list(scored.index) == list(frame.index)
    pd.testing.assert_frame_equal(scored[list(frame.columns)], frame)
    assert str(scored["pmrole_confidence"].dtype) == "float64"
    assert str(scored["pmrole_needs_review"].dtype) == "boolean"
    assert str(scored["pmrole_label"].dtype) == "string"


def test_pandas_results_equal_pmrole_score_cell_for_cell(frame, scored, run, tmp_path):
    src = tmp_path / "in.csv"
    with open(src, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["job_title", "body"])
        w.writerows([[t, "" if pd.isna(b) else b] for t, b in zip(frame["job_title"], frame["body"])])
    result = run("score", src, "-o", tmp_path / "out.csv", "--jobs", "1",
                 "--text-column", "body", "--title-column", "job_title")
    assert result.exit_code == 5, result.output
    with open(tmp_path / "out.csv", newline="", encoding="utf-8") as fh:
        expected = [[r[c] for c in RESULTS] for r in csv.DictReader(fh)]
    got = frame_results(scored)
    # The same cells, except that a DataFrame names a bad row by its index label, not its number.
    for cells in (got, expected):
        cells[3][-1] = cells[3][-1].split(": ", 1)[1]
        cells[4][-1] = cells[4][-1].split(": ", 1)[1]
    assert got == expected


def test_bad_frame_rows_are_named_by_their_index_label(scored):
    assert scored.loc["job-3", "pmrole_error"] == "row job-3: column 'body' is empty; nothing to classify"
    assert scored.loc["job-4", "pmrole_error"] == "row job-4: column 'body' is empty; nothing to classify"
    assert pd.isna(scored.loc["job-3", "pmrole_label"])
    assert pd.isna(scored.loc["job-0", "pmrole_error"])


def test_columns_are_detected_as_in_pmrole_score(model):
    df = pd.DataFrame({"title": ["Product Manager"], "description": [PRODUCT]})
    out = score_dataframe(df, model=model)
    assert out.loc[0, "pmrole_label"] in LABELS


def test_a_missing_column_is_refused_with_the_columns_listed(frame, model):
    with pytest.raises(InputError, match="no column 'text'; the columns are 'job_title', 'body', 'salary'"):
        score_dataframe(frame, text_column="text", model=model)


def test_an_already_scored_frame_is_refused(scored, model):
    with pytest.raises(InputError, match="already has column 'pmrole_label'"):
        score_dataframe(scored, text_column="body", model=model)


def test_dask_frame_gives_a_lazy_frame_with_the_right_meta(frame, scored):
    dd = pytest.importorskip("dask.dataframe")
    ddf = dd.from_pandas(frame, npartitions=3, sort=False)
    lazy = score_dataframe(ddf, text_column="body", title_column="job_title")
    assert isinstance(lazy, dd.DataFrame)
    assert list(lazy.columns) == list(frame.columns) + RESULTS
    got = lazy.compute(scheduler="sync")
    assert got.dtypes.equals(lazy.dtypes)
    assert list(got.index) == list(frame.index)
    assert frame_results(got) == frame_results(scored)
