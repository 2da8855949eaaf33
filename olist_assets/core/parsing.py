"""Read one Olist CSV file with its contract, in chunks of records, into typed Arrow rows and rejects.

The stream is tokenised by Python's csv module (exact physical line numbers, quoted newlines,
doubled quotes); values are validated and typed column by column with Arrow compute.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

import numpy as np
import pyarrow as pa

from olist_assets.core.contracts import TableContract
from olist_assets.core.validation import convert_columns

DEFAULT_CHUNK_ROWS = 50_000


class SourceFileError(ValueError):
    """A file that cannot be read as its table at all: the whole batch is refused."""

    def __init__(self, file_name: str, message: str) -> None:
        super().__init__(f"{file_name}: {message}")
        self.file_name = file_name


class EmptyFileError(SourceFileError):
    pass


class UndecodableFileError(SourceFileError):
    pass


class HeaderMismatchError(SourceFileError):
    def __init__(self, file_name: str, missing: list[str], unexpected: list[str]) -> None:
        parts = []
        if missing:
            parts.append(f"missing columns {missing}")
        if unexpected:
            parts.append(f"unexpected columns {unexpected}")
        super().__init__(file_name, "header does not match the contract: " + "; ".join(parts))
        self.missing = missing
        self.unexpected = unexpected


@dataclass(frozen=True)
class Reject:
    """A record that cannot become a clean row, with where it came from and why."""

    line: int
    raw_record: str
    reason: str
    column: str | None


@dataclass
class Chunk:
    """Typed rows (with their source line numbers) and rejected records of one read chunk."""

    rows: pa.Table
    lines: np.ndarray
    rejects: list[Reject]
    records: int


def read_chunks(
    stream: IO[bytes],
    contract: TableContract,
    file_name: str,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
) -> Iterator[Chunk]:
    """Yield the file's records as typed chunks; raise SourceFileError for a file-level problem."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="strict", newline="")
    reader = csv.reader(text, strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise EmptyFileError(file_name, "the file is empty (no header, no rows)")
        _check_header(file_name, header, contract)
        yield from _chunks(reader, contract, chunk_rows)
    except UnicodeDecodeError as error:
        raise UndecodableFileError(
            file_name, f"not valid UTF-8 near line {reader.line_num + 1}: {error.reason}"
        ) from error
    except csv.Error as error:
        raise SourceFileError(
            file_name, f"unreadable CSV at line {reader.line_num}: {error}"
        ) from error


def _check_header(file_name: str, header: list[str], contract: TableContract) -> None:
    expected = contract.source_columns
    if header == expected:
        return
    missing = [c for c in expected if c not in header]
    unexpected = [c for c in header if c not in expected]
    if not missing and not unexpected:
        unexpected = [f"column order {header}"]
    raise HeaderMismatchError(file_name, missing, unexpected)


def _chunks(reader, contract: TableContract, chunk_rows: int) -> Iterator[Chunk]:
    width = len(contract.columns)
    records: list[list[str]] = []
    lines: list[int] = []
    rejects: list[Reject] = []
    previous_end = reader.line_num
    for record in reader:
        start, previous_end = previous_end + 1, reader.line_num
        if len(record) == width:
            records.append(record)
            lines.append(start)
        else:
            reason = f"expected {width} fields, found {len(record)}"
            rejects.append(Reject(start, _serialise(record), reason, None))
        if len(records) + len(rejects) >= chunk_rows:
            yield _typed_chunk(contract, records, lines, rejects)
            records, lines, rejects = [], [], []
    if records or rejects:
        yield _typed_chunk(contract, records, lines, rejects)


def _typed_chunk(
    contract: TableContract, records: list[list[str]], lines: list[int], rejects: list[Reject]
) -> Chunk:
    count = len(records) + len(rejects)
    columns = list(zip(*records, strict=True)) if records else [()] * len(contract.columns)
    strings = [pa.array(values, type=pa.string()) for values in columns]
    typed, problems = convert_columns(contract, strings)
    line_numbers = np.asarray(lines, dtype=np.int64)
    bad = sorted(problems)
    for i in bad:
        column, message = problems[i]
        rejects.append(Reject(int(line_numbers[i]), _serialise(records[i]), message, column))
    if bad:
        keep = np.ones(len(records), dtype=bool)
        keep[bad] = False
        typed = typed.filter(pa.array(keep))
        line_numbers = line_numbers[keep]
    rejects.sort(key=lambda reject: reject.line)
    return Chunk(typed, line_numbers, rejects, count)


def _serialise(record: list[str]) -> str:
    """The record as CSV text, as close to the raw bytes as the tokeniser allows."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(record)
    return buffer.getvalue()
