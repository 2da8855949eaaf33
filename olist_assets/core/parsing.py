"""Read one Olist CSV file with its contract, a block at a time, into typed Arrow rows and rejects.

The bytes are cut into records by a vectorised scan (`core.records`: exact physical lines, quoted
newlines, doubled quotes), every record is classified, and the records that can be data are
parsed by Arrow's CSV parser (every column as text) and typed by `core.validation`. Memory is
bounded by the block size plus the longest record a file may hold (MAX_FIELD_BYTES per value),
never by the file.

How records are classified (one rule for every runtime):
- a blank line (nothing, or only spaces and tabs) is skipped and counted, never quarantined;
- a comment (`#` first) or separator line (only `-=_*~+|;,` and blanks) is quarantined as not data,
  and so is a repeat of the header line;
- a record whose quoting is malformed or whose field count is wrong is quarantined;
- a value longer than MAX_FIELD_BYTES quarantines its record; anything shorter is accepted;
- an unterminated quote quarantines its record, which runs to the end of the file;
- a record holding a NUL byte is quarantined (text never holds one);
- a record holding bytes that are not UTF-8 is quarantined with its bytes shown escaped, unless the
  file is not UTF-8 at all (a UTF-16 byte order mark, NUL bytes near the start, or more than
  MAX_UNDECODABLE_SHARE of its records undecodable): then the file is refused;
- a file with no header, or a header and no records, is refused as empty.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from olist_assets.core.contracts import TableContract
from olist_assets.core.prefetch import prefetched
from olist_assets.core.records import (
    LF,
    QUOTED,
    UNQUOTED,
    Records,
    count_fields,
    line_ends_in,
    split_records,
)
from olist_assets.core.validation import convert_columns

DEFAULT_CHUNK_ROWS = 1_000_000
BLOCK_BYTES = 4 * 2**20
PARSER_BLOCK_BYTES = 2**20
MAX_FIELD_BYTES = 10 * 2**20
QUARANTINE_TEXT_LIMIT = 2**20
MAX_UNDECODABLE_SHARE = 0.01
SNIFF_BYTES = 4096
UTF8_BOM = codecs.BOM_UTF8
OTHER_BOMS = {
    codecs.BOM_UTF32_LE: "UTF-32",
    codecs.BOM_UTF32_BE: "UTF-32",
    codecs.BOM_UTF16_LE: "UTF-16",
    codecs.BOM_UTF16_BE: "UTF-16",
}
BLANK_BYTES = np.frombuffer(b" \t", np.uint8)
SEPARATOR_LINE = re.compile(rb"[-=_*~+|;,\s]*")


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
    """A header that is not the contract's: columns missing, unexpected, or in another order.

    `column` is the first position (1-based) where the header and `expected` differ."""

    def __init__(
        self,
        file_name: str,
        missing: list[str],
        unexpected: list[str],
        column: int | None = None,
        expected: list[str] | None = None,
    ) -> None:
        parts = []
        if missing:
            parts.append(f"missing columns {missing}")
        if unexpected:
            parts.append(f"unexpected columns {unexpected}")
        if not parts:  # the contract's columns, in another order
            parts.append(f"columns in another order: expected {expected}")
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
    """Typed rows (with their source line numbers) and rejected records of one read chunk.

    `records` counts the records read (rows + rejects); `blank` the blank lines skipped.
    """

    rows: pa.Table
    lines: np.ndarray
    rejects: list[Reject]
    records: int
    blank: int = 0


def read_chunks(
    stream: IO[bytes],
    contract: TableContract,
    file_name: str,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    block_bytes: int = BLOCK_BYTES,
    threads: bool = True,
) -> Iterator[Chunk]:
    """Yield the file's records as typed chunks of at most `chunk_rows` records.

    With `threads`, the next block is read and parsed in a background thread while the current
    one is typed and handed over. Raises EmptyFileError, UndecodableFileError,
    HeaderMismatchError (SourceFileErrors naming the file and line) for a file that cannot be
    read as this table; the caller discards what it got.
    """
    reader = _FileReader(stream, contract, file_name, chunk_rows, block_bytes)
    blocks = prefetched(reader.blocks()) if threads else reader.blocks()
    for block in blocks:
        yield block.chunk()
    reader.check_whole_file()


def check_source(stream: IO[bytes], contract: TableContract, file_name: str) -> int:
    """The records of a file (blank lines aside), checked as `read_chunks` checks a file (encoding,
    header, records) but neither parsed nor typed: a file this accepts is one the clean step can
    read, so it is a cheap check before a file replaces a good one.

    Raises the SourceFileError `read_chunks` would raise.
    """
    reader = _FileReader(stream, contract, file_name, DEFAULT_CHUNK_ROWS, BLOCK_BYTES, parse=False)
    for block in reader.blocks():
        if isinstance(block, _ReadyChunk):
            block.chunk()
        else:
            block.tally()
    reader.check_whole_file()
    return reader.records


def count_records(stream: IO[bytes], block_bytes: int = BLOCK_BYTES) -> int:
    """Records after the header, as the reader counts them (blank lines are not records), from a
    scan of the bytes alone: nothing is parsed or typed, memory is one block."""
    state, previous, held, partial, lines_with_text = UNQUOTED, LF, b"", False, 0
    while True:
        block = held + (stream.read(block_bytes) or b"")
        at_end = len(block) == len(held)
        block, held = (block, b"") if at_end else _hold_back(block)
        buffer = np.frombuffer(block, np.uint8)
        records = split_records(buffer, at_end, state, previous)
        text = records.ends > records.starts
        first = buffer[np.minimum(records.starts, max(len(block) - 1, 0))] if len(block) else text
        for i in np.flatnonzero(text & np.isin(first, BLANK_BYTES)):
            text[i] = bool(block[records.starts[i] : records.ends[i]].strip(b" \t"))
        if len(records) and partial:
            text[0] = True
        lines_with_text += int(np.count_nonzero(text))
        if at_end:
            return max(lines_with_text + int(partial and not len(records)) - 1, 0)
        tail = block[records.consumed :]
        partial = bool(tail.strip(b" \t")) or (partial and not len(records))
        if block:
            state, previous = records.open_state, block[-1]


class _FileReader:
    """One pass over one file: the header, then blocks of complete records."""

    def __init__(self, stream, contract, file_name, chunk_rows, block_bytes, parse=True) -> None:
        self.stream, self.contract, self.file_name = stream, contract, file_name
        self.parse = parse
        self.chunk_rows, self.block_bytes = max(chunk_rows, 1), max(block_bytes, 1)
        self.max_record = len(contract.columns) * (2 * MAX_FIELD_BYTES + 3)
        self.line = 1
        self.records = 0
        self.undecodable = 0
        self.first_undecodable: tuple[int, bytes] | None = None

    def blocks(self) -> Iterator[_BlockReader | _ReadyChunk]:
        """The file's records, a block at a time, classified and parsed (not yet typed)."""
        carry, at_end = self._read_header()
        while carry or not at_end:
            if not at_end:
                more = self._read(self.block_bytes)
                at_end, carry = not more, carry + more
            records = split_records(np.frombuffer(carry, np.uint8), at_end)
            if len(records):
                yield from self._blocks(carry, records)
                self.line += records.consumed_lines
                carry = carry[records.consumed :]
            if not at_end and len(carry) > self.max_record:
                chunk, carry, at_end = self._skip_long_record(carry)
                yield _ReadyChunk(chunk, self)

    def check_whole_file(self) -> None:
        """After the last block: refuse a file without records or not UTF-8 throughout."""
        self._check_decodable()
        if not self.records:
            raise EmptyFileError(self.file_name, "the file has a header and no records")

    def _read(self, size: int) -> bytes:
        return self.stream.read(size) or b""

    def _read_header(self) -> tuple[bytes, bool]:
        """Find the header (the first line that is not blank), check it, return what follows."""
        data = self._read(min(self.block_bytes, SNIFF_BYTES))
        self._check_encoding(data)
        data, at_end = data.removeprefix(UTF8_BOM), not data
        while True:
            records = split_records(np.frombuffer(data, np.uint8), at_end)
            texts = (data[records.starts[i] : records.ends[i]] for i in range(len(records)))
            first = next((i for i, text in enumerate(texts) if text.strip(b" \t")), None)
            if first is not None or at_end:
                break
            more = self._read(self.block_bytes)
            at_end, data = not more, data + more
        if first is None:
            raise EmptyFileError(self.file_name, "the file is empty (no header, no rows)")
        self.line = 1 + int(records.lines[first])
        self._check_header(data[records.starts[first] : records.ends[first]])
        stop = int(records.stops[first])
        self.line = 1 + line_ends_in(np.frombuffer(data[:stop], np.uint8))
        return data[stop:], at_end

    def _check_encoding(self, head: bytes) -> None:
        for bom, encoding in OTHER_BOMS.items():
            if head.startswith(bom):
                raise UndecodableFileError(
                    self.file_name,
                    f"not UTF-8: line 1 starts with a {encoding} byte order mark; "
                    "re-save the file as UTF-8",
                )
        if b"\x00" in head[:SNIFF_BYTES]:
            line = head[: head.index(b"\x00")].count(b"\n") + 1
            raise UndecodableFileError(
                self.file_name,
                f"not UTF-8: NUL bytes from line {line} on, as in UTF-16 or "
                "UTF-32 text or a binary file; re-save the file as UTF-8",
            )

    def _check_header(self, header: bytes) -> None:
        try:
            text = header.decode("utf-8")
        except UnicodeDecodeError as error:
            raise UndecodableFileError(
                self.file_name,
                f"not valid UTF-8 in the header: {_escaped(header[error.start : error.end])}",
                line=self.line,
                column=error.start + 1,
            ) from error
        names = next(csv.reader([text]), [])
        expected = self.contract.source_columns
        if names == expected:
            return
        missing = [c for c in expected if c not in names]
        unexpected = [c for c in names if c not in expected]
        column = next(
            (
                i
                for i, (got, want) in enumerate(zip(names, expected, strict=False), 1)
                if got != want
            ),
            min(len(names), len(expected)) + 1,
        )
        raise HeaderMismatchError(self.file_name, missing, unexpected, column, list(expected))

    def _blocks(self, data: bytes, records: Records) -> Iterator[_BlockReader]:
        for start in range(0, len(records), self.chunk_rows):
            part = slice(start, start + self.chunk_rows)
            yield _BlockReader(self, data, records, part, self.line).prepare()

    def _skip_long_record(self, carry: bytes) -> tuple[Chunk, bytes, bool]:
        """A record longer than any record of valid values: read past it without keeping it,
        following the quote state, and quarantine it (unterminated when the file ends in it)."""
        first_line, shown = self.line, carry[:QUARANTINE_TEXT_LIMIT]
        scanned, held = _hold_back(carry)
        size, lines = len(scanned), line_ends_in(np.frombuffer(scanned, np.uint8))
        state = split_records(np.frombuffer(scanned, np.uint8), False).open_state
        previous = scanned[-1] if scanned else LF
        while True:
            block = held + self._read(self.block_bytes)
            at_end = len(block) == len(held)
            block, held = (block, b"") if at_end else _hold_back(block)
            found = split_records(np.frombuffer(block, np.uint8), at_end, state, previous)
            if len(found):
                stop = int(found.stops[0])
                unterminated = at_end and stop == len(block) and found.open_state == QUOTED
                lines += line_ends_in(np.frombuffer(block[:stop], np.uint8))
                size, rest = size + stop, block[stop:] + held
                break
            if at_end:
                unterminated, rest = state == QUOTED, b""
                break
            size += len(block)
            lines += line_ends_in(np.frombuffer(block, np.uint8))
            state, previous = found.open_state, block[-1] if block else previous
        self.line = first_line + lines
        if unterminated:
            reason = f"unterminated quote: the record starting on line {first_line} runs to the end"
            reason += " of the file"
        else:
            reason = f"a record of {size:,} bytes: some value is longer than the limit of "
            reason += f"{MAX_FIELD_BYTES:,} bytes"
        text = shown.decode("utf-8", "backslashreplace") + f" [... {size:,} bytes in all]"
        return (
            _empty_chunk(self.contract, [Reject(first_line, text, reason, None)]),
            rest,
            at_end,
        )

    def _check_decodable(self) -> None:
        if (
            self.first_undecodable is None
            or self.undecodable <= MAX_UNDECODABLE_SHARE * self.records
        ):
            return
        line, raw = self.first_undecodable
        raise UndecodableFileError(
            self.file_name,
            f"not UTF-8 throughout: {self.undecodable:,} of {self.records:,} records hold bytes "
            f"that are not UTF-8, the first on line {line}; it looks {_likely_encoding(raw)}: "
            "re-save the file as UTF-8",
        )


@dataclass
class _ReadyChunk:
    """A chunk with nothing left to type (a skipped over-long record)."""

    ready: Chunk
    reader: _FileReader

    def chunk(self) -> Chunk:
        self.reader.records += self.ready.records
        return self.ready


class _BlockReader:
    """One group of records of a block: `prepare` classifies and parses them (in the reading
    thread), `chunk` types and counts them (in the caller's)."""

    def __init__(self, reader: _FileReader, data: bytes, records: Records, part, line: int):
        self.reader, self.data = reader, data
        self.contract = reader.contract
        self.starts, self.ends = records.starts[part], records.ends[part]
        self.stops, self.malformed = records.stops[part], records.malformed[part]
        self.lines = records.lines[part] + line
        self.unterminated = (
            records.open_state == QUOTED and len(self.stops) and self.stops[-1] == len(data)
        )
        self.count = len(self.starts)
        self.good = np.ones(self.count, bool)
        self.rejects: list[Reject] = []

    def prepare(self) -> _BlockReader:
        self.blank = self._classify_lines()
        self._check_utf8()
        self._check_nul()
        self.strings = self._arrow_strings() if self.reader.parse else None
        return self

    def tally(self) -> None:
        """Count the block's records without parsing them (a file check)."""
        self.reader.records += self.count - self.blank

    def chunk(self) -> Chunk:
        rows, lines = self._typed()
        records = self.count - self.blank
        self.reader.records += records
        self.rejects.sort(key=lambda reject: reject.line)
        return Chunk(rows, lines, self.rejects, records, self.blank)

    def bytes_at(self, start: int, stop: int) -> np.ndarray:
        return np.frombuffer(self.data, np.uint8)[start:stop]

    def text(self, i: int) -> str:
        return self.data[self.starts[i] : self.ends[i]].decode("utf-8", "backslashreplace")

    def reject(self, i: int, reason: str, column: str | None = None) -> None:
        self.good[i] = False
        self.rejects.append(Reject(int(self.lines[i]), self.text(i), reason, column))

    def _classify_lines(self) -> int:
        """Blank, comment, separator, unterminated, malformed and over-long records; blanks."""
        lengths = self.ends - self.starts
        first = np.frombuffer(self.data, np.uint8)[np.minimum(self.starts, len(self.data) - 1)]
        first = np.where(lengths > 0, first, 0)
        blank = lengths == 0
        candidates = np.flatnonzero(np.isin(first, np.frombuffer(b" \t#-=_*~+|;,", np.uint8)))
        for i in candidates:
            text = self.data[self.starts[i] : self.ends[i]]
            if not text.strip(b" \t"):
                blank[i] = True
            elif text.startswith(b"#"):
                self.reject(i, "a comment line, not a record of this table")
            elif SEPARATOR_LINE.fullmatch(text):
                self.reject(i, "a separator line, not a record of this table")
        self.good &= ~blank
        if self.unterminated and self.good[-1]:
            line = int(self.lines[-1])
            self.reject(
                self.count - 1,
                f"unterminated quote: the record starting on line {line} runs to the end of "
                "the file",
            )
        for i in np.flatnonzero((self.malformed >= 0) & self.good):
            at, start = int(self.malformed[i]), int(self.starts[i])
            line = int(self.lines[i]) + line_ends_in(self.bytes_at(start, start + at))
            self.reject(
                i,
                f"malformed quoting: text follows a closing quote on line {line} "
                f"(character {at + 1} of the record)",
            )
        for i in np.flatnonzero((lengths > MAX_FIELD_BYTES) & self.good):
            self._check_field_lengths(i)
        return int(blank.sum())

    def _check_field_lengths(self, i: int) -> None:
        """Split a record longer than the limit into its values and quarantine it when one of
        them is (Python's csv, its own field limit lifted for this call only)."""
        previous = csv.field_size_limit(2**31 - 1)
        try:
            values = next(csv.reader([self.text(i)], strict=False), [])
        finally:
            csv.field_size_limit(previous)
        for name, value in zip(self.contract.source_columns, values, strict=False):
            size = len(value.encode("utf-8"))
            if size > MAX_FIELD_BYTES:
                limit = f"{MAX_FIELD_BYTES:,}"
                self.reject(
                    i, f"{name}: value of {size:,} bytes exceeds the limit of {limit}", name
                )
                return

    def _check_utf8(self) -> None:
        """Quarantine each record holding bytes that are not UTF-8 (the block is checked first)."""
        if not self.count:
            return
        block = self.data[int(self.starts[0]) : int(self.stops[-1])]
        if block.isascii():
            return
        try:
            block.decode("utf-8")
            return
        except UnicodeDecodeError:
            del block
        for i in np.flatnonzero(self.good):
            raw = self.data[self.starts[i] : self.ends[i]]
            if raw.isascii():
                continue
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError as error:
                bad = _escaped(raw[error.start : error.end])
                self.reject(i, f"not valid UTF-8: bytes {bad} at byte {error.start + 1}")
                self.reader.undecodable += 1
                if self.reader.first_undecodable is None:
                    self.reader.first_undecodable = (int(self.lines[i]), raw)

    def _check_nul(self) -> None:
        """Quarantine each record holding a NUL byte: text never holds one (a corrupted copy does;
        NUL bytes near the start of a file refuse it as not UTF-8: `_check_encoding`)."""
        if not self.count or b"\x00" not in self.data[int(self.starts[0]) : int(self.stops[-1])]:
            return
        for i in np.flatnonzero(self.good):
            at = self.data[self.starts[i] : self.ends[i]].find(b"\x00")
            if at >= 0:
                self.reject(i, f"a NUL byte (\\x00) at byte {at + 1}: not text")

    def _typed(self) -> tuple[pa.Table, np.ndarray]:
        """Type the parsed records, quarantine what does not fit."""
        strings = self.strings
        if strings is None:
            return _empty_table(self.contract), np.empty(0, np.int64)
        positions = np.flatnonzero(self.good)
        header = self._header_repeats(strings)
        typed, problems = convert_columns(self.contract, strings)
        for row in np.flatnonzero(header):
            self.reject(positions[row], "a repeated header line, not a record of this table")
        for row, (column, message) in problems.items():
            if not header[row]:
                self.reject(positions[row], message, column)
        keep = self.good[positions]
        if keep.all():
            return typed, self.lines[positions]
        return typed.filter(pa.array(keep)), self.lines[positions[keep]]

    def _arrow_strings(self) -> list[pa.Array] | None:
        width = len(self.contract.columns)
        for attempt in range(2):
            positions = np.flatnonzero(self.good)
            if not len(positions):
                return None
            try:
                longest = int((self.stops[positions] - self.starts[positions]).max())
                table = _parse_csv(self._good_bytes(positions), width, longest)
            except pa.ArrowInvalid:
                table = None
            if table is not None and table.num_rows == len(positions):
                return [_single_array(column) for column in table.columns]
            if attempt:
                break
            self._check_field_counts(width)
        raise AssertionError(f"{self.reader.file_name}: record scan and CSV parser disagree")

    def _check_field_counts(self, width: int) -> None:
        base = int(self.starts[0])
        buffer = np.frombuffer(self.data, np.uint8)[base : int(self.stops[-1])]
        records = split_records(buffer, True)
        fields = count_fields(buffer, records)
        for i in np.flatnonzero((fields[: self.count] != width) & self.good):
            self.reject(i, f"expected {width} fields, found {int(fields[i])}")

    def _good_bytes(self, positions: np.ndarray) -> pa.Buffer:
        view = memoryview(self.data)
        if len(positions) == self.count and self.good.all():
            return pa.py_buffer(view[int(self.starts[0]) : int(self.stops[-1])])
        breaks = np.flatnonzero(np.diff(positions) != 1) + 1
        pieces = [
            view[int(self.starts[run[0]]) : int(self.stops[run[-1]])]
            for run in np.split(positions, breaks)
        ]
        return pa.py_buffer(b"".join(pieces))

    def _header_repeats(self, strings: list[pa.Array]) -> np.ndarray:
        """Records equal to the header, also after a byte order mark (exports concatenated with
        `cat`: the second file's BOM leaves its first header field unparsed, quotes and all)."""
        names = self.contract.source_columns
        first = names[0]
        repeated = np.zeros(len(strings[0]), dtype=bool)
        for spelling in (first, f"\ufeff{first}", f'\ufeff"{first}"'):
            repeated |= _equal_to(strings[0], spelling)
        for values, name in zip(strings[1:], names[1:], strict=True):
            if not repeated.any():
                break
            repeated &= _equal_to(values, name)
        return repeated


def _parse_csv(data: pa.Buffer, width: int, longest: int) -> pa.Table:
    """Records as a table of `width` string columns (c0, c1, ...), every value kept as text.

    Arrow parses in blocks of PARSER_BLOCK_BYTES (cache-sized, the fastest), or of the longest
    record when that is longer: a record must fit in one of its blocks.
    """
    names = [f"c{i}" for i in range(width)]
    return pacsv.read_csv(
        pa.BufferReader(data),
        read_options=pacsv.ReadOptions(
            column_names=names, block_size=max(longest + 1, PARSER_BLOCK_BYTES), use_threads=False
        ),
        parse_options=pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False),
        convert_options=pacsv.ConvertOptions(
            column_types={name: pa.string() for name in names},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
            check_utf8=False,
        ),
    )


def _equal_to(values: pa.Array, text: str) -> np.ndarray:
    """Where a string array equals a text, as a numpy mask."""
    return np.asarray(pc.equal(values, pa.scalar(text, pa.string())).fill_null(False), dtype=bool)


def _single_array(column: pa.ChunkedArray) -> pa.Array:
    return column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()


def _empty_table(contract: TableContract) -> pa.Table:
    return contract.arrow_schema.empty_table()


def _empty_chunk(contract: TableContract, rejects: list[Reject]) -> Chunk:
    return Chunk(_empty_table(contract), np.empty(0, np.int64), rejects, len(rejects))


def _escaped(raw: bytes) -> str:
    return "".join(f"\\x{byte:02x}" for byte in raw)


def _likely_encoding(raw: bytes) -> str:
    """A guess at a non-UTF-8 record's encoding: Windows-1252 when it decodes so, else Latin-1."""
    try:
        raw.decode("cp1252")
        return "Windows-1252 (a Latin-1 re-save)"
    except UnicodeDecodeError:
        return "Latin-1 (ISO-8859-1)"


def _hold_back(data: bytes) -> tuple[bytes, bytes]:
    """Split off trailing quotes and CRs: the next read may continue them (a quote run, a CRLF)."""
    keep = len(data.rstrip(b'"\r'))
    return data[:keep], data[keep:]
