"""The vectorised record scan agrees with Python's csv module on where every record starts and
ends and on its physical line, for any text: quotes, doubled quotes, quotes inside unquoted
fields, newlines inside values, CRLF and lone CR line ends, and reads cut anywhere."""

from __future__ import annotations

import csv
import io

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from olist_assets.core.records import QUOTED, UNQUOTED, count_fields, line_ends_in, split_records

TEXT = st.text(alphabet='ab,"\n\r ', max_size=60)


def python_records(text: str) -> list[tuple[int, list[str]]]:
    """(first physical line, fields) of every record Python's csv module reads (blank ones too)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    found, end = [], 0
    for fields in reader:
        found.append((end + 1, fields))
        end = reader.line_num
    return found


def scanned_records(data: bytes) -> list[tuple[int, list[str]]]:
    records = split_records(np.frombuffer(data, np.uint8), at_end=True)
    found = []
    for start, end, line in zip(records.starts, records.ends, records.lines, strict=True):
        text = data[start:end].decode()
        found.append((int(line) + 1, next(csv.reader([text]), [])))
    return found


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_records_and_their_lines_match_python_csv(text):
    data = text.encode()
    records = split_records(np.frombuffer(data, np.uint8), at_end=True)
    if records.open_state == QUOTED:
        return  # an unterminated quote: Python's strict reader refuses, the reader quarantines
    assert scanned_records(data) == python_records(text)
    assert records.consumed == len(data)


@settings(max_examples=200, deadline=None)
@given(TEXT, st.integers(min_value=0, max_value=60))
def test_a_read_cut_anywhere_continues_in_the_state_it_left(text, cut):
    data = text.encode()
    whole = split_records(np.frombuffer(data, np.uint8), at_end=True)
    head, rest = data[:cut], data[cut:]
    first = split_records(np.frombuffer(head, np.uint8), at_end=False)
    carried = head[first.consumed :]
    second = split_records(np.frombuffer(carried + rest, np.uint8), at_end=True)
    stops = list(first.stops) + [first.consumed + stop for stop in second.stops]
    assert stops == list(whole.stops)
    assert second.open_state == whole.open_state


def test_malformed_quoting_is_located_in_its_record():
    data = b'a,"b"c\n"ok",d\nx,"y" \n'
    records = split_records(np.frombuffer(data, np.uint8), at_end=True)
    assert list(records.malformed) == [5, -1, 5]


def test_an_unterminated_quote_leaves_the_scan_quoted_to_the_end():
    data = b'a,b\n"open,c\nd,e\n'
    records = split_records(np.frombuffer(data, np.uint8), at_end=True)
    assert records.open_state == QUOTED
    assert [(int(s), int(e)) for s, e in zip(records.starts, records.ends, strict=True)] == [
        (0, 3),
        (4, len(data) - 1),
    ]
    assert split_records(np.frombuffer(b"a\n", np.uint8), True).open_state == UNQUOTED


def test_fields_outside_quotes_are_counted_per_record():
    data = b'a,b,c\n"x,y",z\n\n"p\nq",,\n'
    buffer = np.frombuffer(data, np.uint8)
    assert list(count_fields(buffer, split_records(buffer, True))) == [3, 2, 1, 3]


def test_line_ends_are_lf_crlf_and_lone_cr():
    assert line_ends_in(np.frombuffer(b"a\r\nb\rc\n\r", np.uint8)) == 4
