"""Write typed tables as CSV bytes exactly the way the original Olist files are written.

The originals come from two exporters. Eight files quote every header name and, in data rows, quote a
string column's value when it starts with a digit (ids, zip prefixes); the reviews file forces quotes
on its ids and quotes free text only when it must. The translation file was saved by a spreadsheet:
bare header, UTF-8 BOM, CRLF and no final newline. Every writer quotes a value holding a comma, quote
or line break and doubles its quotes. Formatting runs vectorised with Arrow compute, chunk by chunk.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from olist_assets.core.contracts import Column, TableContract

SPECIAL_CHARACTERS = (",", '"', "\n", "\r")


class Quoting(Enum):
    """When a column's values are quoted in data rows."""

    ALWAYS = "always"
    LEADING_DIGIT = "leading digit or special character"
    MINIMAL = "special character only"


@dataclass(frozen=True)
class FileStyle:
    """Byte-level framing of a file: byte-order mark, line terminator, final line terminator."""

    bom: bool
    newline: str
    final_newline: bool


EXPORT_STYLE = FileStyle(bom=False, newline="\n", final_newline=True)
SPREADSHEET_STYLE = FileStyle(bom=True, newline="\r\n", final_newline=False)


def file_style(contract: TableContract) -> FileStyle:
    """The spreadsheet-saved file is the one with a bare header; every other file is an export."""
    return EXPORT_STYLE if contract.header_quoted else SPREADSHEET_STYLE


def column_quoting(contract: TableContract, column: Column) -> Quoting:
    """How the original exporter of this file quoted this column."""
    if column.source_name in contract.always_quoted:
        return Quoting.ALWAYS
    if pa.types.is_string(column.type) and not contract.always_quoted:
        return Quoting.LEADING_DIGIT
    return Quoting.MINIMAL


def header_line(contract: TableContract) -> str:
    """The header row without its line terminator."""
    names = contract.source_columns
    return ",".join(f'"{name}"' if contract.header_quoted else name for name in names)


def format_rows(contract: TableContract, table: pa.Table) -> pa.Buffer:
    """The table's data rows as UTF-8 CSV bytes, each row preceded by the file's newline."""
    if table.num_rows == 0:
        return pa.py_buffer(b"")
    fields = [
        _field_text(values.combine_chunks(), column_quoting(contract, column))
        for column, values in zip(contract.columns, table.columns, strict=True)
    ]
    rows = pc.binary_join_element_wise(*fields, ",")
    framed = pc.binary_join_element_wise("", rows, file_style(contract).newline)
    return _joined_bytes(framed)


def _joined_bytes(text: pa.Array) -> pa.Buffer:
    """All values of a string array back to back: its data buffer, with no copy."""
    offsets = np.frombuffer(
        text.buffers()[1], dtype=np.int32, count=len(text) + 1, offset=4 * text.offset
    )
    return text.buffers()[2][int(offsets[0]) : int(offsets[-1])]


def _field_text(values: pa.Array, quoting: Quoting) -> pa.Array:
    """Each value as it appears between the commas: formatted, quoted when the rule says, '' if null."""
    text = _as_text(values)
    if quoting is Quoting.ALWAYS:
        quote = pc.is_valid(text)
    elif not pa.types.is_string(values.type):
        return text.fill_null("")
    elif quoting is Quoting.LEADING_DIGIT:
        quote = pc.or_(_has_special(text), _starts_with_digit(text))
    else:
        quote = _has_special(text)
    escaped = pc.replace_substring(text, '"', '""')
    quoted = pc.binary_join_element_wise('"', escaped, '"', "")
    return pc.if_else(quote, quoted, text).fill_null("")


def _has_special(text: pa.Array) -> pa.Array:
    found = [pc.match_substring(text, character) for character in SPECIAL_CHARACTERS]
    return functools.reduce(pc.or_, found).fill_null(False)


def _starts_with_digit(text: pa.Array) -> pa.Array:
    first = pc.utf8_slice_codeunits(text, 0, 1)
    return pc.and_(pc.greater_equal(first, "0"), pc.less_equal(first, "9")).fill_null(False)


def _as_text(values: pa.Array) -> pa.Array:
    """Olist text of a typed value: seconds-precision timestamps, 2-decimal money, shortest floats."""
    if pa.types.is_timestamp(values.type):
        values = values.cast(pa.timestamp("s"))
    return values.cast(pa.string())


class OlistCsvWriter:
    """Stream a table's file: header on open, rows chunk by chunk, the file's own framing at close."""

    def __init__(self, path: Path, contract: TableContract) -> None:
        self.contract = contract
        self.style = file_style(contract)
        self.rows = 0
        self._out: BinaryIO = path.open("wb")
        self._write(("\ufeff" if self.style.bom else "") + header_line(contract))

    def write(self, table: pa.Table) -> None:
        """Append rows; the table has the contract's clean schema."""
        self._out.write(format_rows(self.contract, table))
        self.rows += table.num_rows

    def close(self) -> None:
        if self.style.final_newline:
            self._write(self.style.newline)
        self._out.close()

    def _write(self, text: str) -> None:
        self._out.write(text.encode("utf-8"))

    def __enter__(self) -> OlistCsvWriter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
