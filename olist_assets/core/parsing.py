"""Read one Olist CSV file with its contract, in chunks of records, into typed Arrow rows and rejects.

The stream is tokenised by Python's csv module (exact physical line numbers, quoted newlines,
doubled quotes); values are validated and typed column by column with Arrow compute.
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

import numpy as np
import pyarrow as pa

from olist_assets.core.contracts import TableContract
from olist_assets.core.validation import convert_columns

DEFAULT_CHUNK_ROWS = 50_000


class SourceFileError(ValueError):
    """A file that cannot be read as its table at all: the whole batch is refused.

    The message names the file, and the line and column (1-based; the column of an undecodable byte
    counts bytes) where they apply: `x.csv, line 3, column 7: ...`; `detail` is the same without the
    file name.
    """

    def __init__(
        self, file_name: str, message: str, line: int | None = None, column: int | None = None
    ) -> None:
        where = (f"line {line}" if line else "") + (f", column {column}" if column else "")
        self.detail = f"{where}: {message}" if where else message
        super().__init__(f"{file_name}, {self.detail}" if where else f"{file_name}: {message}")
        self.file_name, self.line, self.column = file_name, line, column


class EmptyFileError(SourceFileError):
    pass


class UndecodableFileError(SourceFileError):
    pass


class HeaderMismatchError(SourceFileError):
    def __init__(
        self, file_name: str, missing: list[str], unexpected: list[str], column: int | None = None
    ) -> None:
        parts = []
        if missing:
            parts.append(f"missing columns {missing}")
        if unexpected:
            parts.append(f"unexpected columns {unexpected}")
        message = "header does not match the contract: " + "; ".join(parts)
        super().__init__(file_name, message, line=1, column=column)
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
    with _records(stream, contract, file_name) as reader:
        yield from _chunks(reader, contract, chunk_rows)


def check_source(stream: IO[bytes], contract: TableContract, file_name: str) -> int:
    """The records of a file (blank lines aside), read as `read_chunks` reads it but left untyped.

    Raises the SourceFileError `read_chunks` would raise (encoding, CSV syntax, header), so a file this
    accepts is one the clean step can read: a cheap check before a file replaces a good one.
    """
    with _records(stream, contract, file_name) as reader:
        return sum(1 for record in reader if record)


@contextlib.contextmanager
def _records(stream: IO[bytes], contract: TableContract, file_name: str) -> Iterator[Any]:
    """A csv reader past the checked header; decoding and CSV errors become SourceFileErrors."""
    positions = _Positions(stream)
    text = io.TextIOWrapper(positions, encoding="utf-8-sig", errors="strict", newline="")
    reader = csv.reader(text, strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise EmptyFileError(file_name, "the file is empty (no header, no rows)")
        _check_header(file_name, header, contract)
        yield reader
    except UnicodeDecodeError as error:
        line, column = positions.locate(positions.offset - len(error.object) + error.start)
        raise UndecodableFileError(
            file_name, f"not valid UTF-8 ({error.reason}): save the file as UTF-8", line, column
        ) from error
    except csv.Error as error:
        raise SourceFileError(
            file_name, f"unreadable CSV: {error}", line=reader.line_num or 1
        ) from error


def _check_header(file_name: str, header: list[str], contract: TableContract) -> None:
    expected = contract.source_columns
    if header == expected:
        return
    missing = [c for c in expected if c not in header]
    unexpected = [c for c in header if c not in expected]
    if not missing and not unexpected:
        unexpected = [f"column order {header}"]
    column = next(
        (i for i, (got, want) in enumerate(zip(header, expected, strict=False), 1) if got != want),
        min(len(header), len(expected)) + 1,
    )
    raise HeaderMismatchError(file_name, missing, unexpected, column)


class _Positions(io.RawIOBase):
    """A pass-through reader that can tell the line and column of a byte in the latest read."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self.offset = 0  # bytes read so far
        self._chunk, self._chunk_start = b"", 0
        self._lines_before, self._line_start = 0, 0  # newlines before the chunk, and where the
        # line the chunk starts in began

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._stream.read(len(buffer))
        self._lines_before += self._chunk.count(b"\n")
        last_newline = self._chunk.rfind(b"\n")
        if last_newline >= 0:
            self._line_start = self._chunk_start + last_newline + 1
        self._chunk, self._chunk_start = bytes(data), self.offset
        self.offset += len(data)
        buffer[: len(data)] = data
        return len(data)

    def locate(self, offset: int) -> tuple[int, int]:
        """(line, column) of a byte offset at or after the line the latest read started in."""
        head = self._chunk[: max(0, offset - self._chunk_start)]
        newline = head.rfind(b"\n")
        start = self._chunk_start + newline + 1 if newline >= 0 else self._line_start
        return self._lines_before + head.count(b"\n") + 1, offset - start + 1


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
