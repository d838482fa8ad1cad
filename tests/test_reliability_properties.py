"""Property: whatever bytes, CSV dialect or JSON the readers are fed, the only exception they
raise is PmroleError (issue 10). Every row of a table is read, so errors that surface only while
streaming (a damaged stream, a bad line) are found too."""

import csv
import gzip
import io
import json

from hypothesis import HealthCheck, given, settings, strategies as st

from classifier.errors import PmroleError
from classifier.reading.decoding import decode
from classifier.reading.postings import read_posting_bytes
from classifier.reading.tables import open_table

QUICK = settings(max_examples=150, deadline=None, database=None,  # no .hypothesis/ in the checkout
                suppress_health_check=[HealthCheck.too_slow])

cells = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | cells,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(cells, inner, max_size=4),
    max_leaves=20)


def read_all(data: bytes, name: str, **options) -> None:
    try:
        table = open_table(io.BytesIO(data), name=name, **options)
        for row in table.rows:
            assert row.number >= 1
    except PmroleError:
        pass


@QUICK
@given(st.binary(max_size=2000), st.sampled_from(["in.csv", "in.tsv", "in.jsonl", "in"]),
       st.booleans())
def test_tables_from_random_bytes(data, name, compress):
    read_all(gzip.compress(data) if compress else data, name)


@QUICK
@given(st.lists(st.lists(cells, min_size=1, max_size=5), min_size=1, max_size=8),
       st.sampled_from([",", ";", "\t", "|", " ", ":"]), st.sampled_from(['"', "'"]),
       st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC, csv.QUOTE_NONE]),
       st.sampled_from(["\n", "\r\n", "\r"]), st.sampled_from(["utf-8", "cp1252", "utf-16"]),
       st.sampled_from([None, ",", ";", "\\t", "tab"]), st.integers(0, 50))
def test_tables_from_random_csv_dialects(rows, delimiter, quotechar, quoting, terminator, encoding,
                                         given_delimiter, cut):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, quotechar=quotechar, quoting=quoting,
                        lineterminator=terminator, escapechar="\\")
    for row in rows:
        try:
            writer.writerow(row)
        except csv.Error:
            return  # a row this dialect cannot write is not an input anyone has
    data = out.getvalue().encode(encoding, errors="replace")
    read_all(data, "in.csv", delimiter=given_delimiter)
    read_all(data[:-cut] if cut else data, "in.csv")  # cut short anywhere


@QUICK
@given(st.lists(json_values, min_size=1, max_size=6), st.booleans())
def test_tables_from_random_json_lines(values, first_is_object):
    if first_is_object:
        values = [{"text": "x"}] + values
    data = "\n".join(json.dumps(v) for v in values).encode()
    read_all(data, "in.jsonl")


@QUICK
@given(json_values, st.sampled_from([".json", ".html", ".txt", ""]))
def test_postings_from_random_json(value, suffix):
    data = json.dumps(value).encode()
    if suffix == ".html":
        data = b'<html><script type="application/ld+json">' + data + b"</script><p>text</p></html>"
    try:
        read_posting_bytes(data, "posting" + suffix, suffix)
    except PmroleError:
        pass


@QUICK
@given(st.binary(max_size=3000), st.sampled_from([".json", ".html", ".md", ".txt", ""]))
def test_postings_from_random_bytes(data, suffix):
    try:
        read_posting_bytes(data, "posting" + suffix, suffix)
        decode(data, "posting")
    except PmroleError:
        pass
