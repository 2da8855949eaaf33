"""The reference reader the fast reader is proved against: Python's csv module, record by record.

It reads like the reader before Arrow (strict csv, physical line of each record from `line_num`)
with today's rules for what csv itself can tell: blank lines skipped, a wrong field count rejected;
the values are then typed by the same `convert_columns`. Files Python's strict csv refuses (bad
quoting, undecodable bytes) have no oracle answer: it raises.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import pyarrow as pa

from olist_assets.core.contracts import TableContract
from olist_assets.core.validation import convert_columns


@dataclass(frozen=True)
class OracleResult:
    rows: pa.Table
    lines: list[int]
    rejects: list[tuple[int, str]]
    records: int
    blank: int


def oracle_read(data: bytes, contract: TableContract) -> OracleResult:
    """Rows, their lines, (line, reason) of rejects, records and blank lines of a whole file."""
    csv.field_size_limit(2**31 - 1)
    text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
    reader = csv.reader(text, strict=True)
    width = len(contract.columns)
    header = next(reader)
    assert header == contract.source_columns
    records, lines, rejects, blank, previous_end = [], [], [], 0, reader.line_num
    wrong_count = 0
    for record in reader:
        start, previous_end = previous_end + 1, reader.line_num
        if not record or (len(record) == 1 and not record[0].strip(" \t")):
            blank += 1
        elif len(record) == width:
            records.append(record)
            lines.append(start)
        else:
            rejects.append((start, f"expected {width} fields, found {len(record)}"))
            wrong_count += 1
    columns = list(zip(*records, strict=True)) if records else [()] * width
    typed, problems = convert_columns(contract, [pa.array(c, pa.string()) for c in columns])
    keep = [i not in problems for i in range(len(records))]
    rejects += [(lines[i], message) for i, (_, message) in problems.items()]
    return OracleResult(
        typed.filter(pa.array(keep, pa.bool_())),
        [line for line, kept in zip(lines, keep, strict=True) if kept],
        sorted(rejects),
        len(records) + wrong_count,
        blank,
    )
