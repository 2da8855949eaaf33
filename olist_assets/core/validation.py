"""Turn string columns into the contract's typed columns, naming the column and value of every failure.

Checks run vectorised with Arrow compute; only failing rows get a Python-level message.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from olist_assets.core.contracts import Column, TableContract

TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S"
INT_PATTERN = r"^-?\d{1,10}$"
FLOAT_PATTERN = r"^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$"
TIMESTAMP_PATTERN = r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$"
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1

Problems = dict[int, tuple[str, str]]


def convert_columns(contract: TableContract, strings: list[pa.Array]) -> tuple[pa.Table, Problems]:
    """Typed table (failing values nulled) and, per failing row, the first failing column and why.

    `strings` are the columns as Arrow string arrays, in contract order; an empty string is a
    missing value.
    """
    problems: Problems = {}
    arrays = []
    for column, values in zip(contract.columns, strings, strict=True):
        values = with_nulls(values, _empty(values))
        typed, bad, reason = _convert(column, values)
        for i in np.flatnonzero(bad):
            if int(i) not in problems:
                problems[int(i)] = (column.name, reason(values[int(i)].as_py()))
        arrays.append(typed)
    return pa.Table.from_arrays(arrays, schema=contract.arrow_schema), problems


def with_nulls(values: pa.Array, mask: np.ndarray) -> pa.Array:
    """The array with the masked positions set to null (its other values untouched, no copy)."""
    if not mask.any():
        return values
    valid = ~mask
    if values.null_count:
        valid &= _mask(values.is_valid())
    if values.offset:
        valid = np.concatenate([np.zeros(values.offset, bool), valid])
    bitmap = pa.py_buffer(np.packbits(valid, bitorder="little"))
    buffers = [bitmap, *values.buffers()[1:]]
    return pa.Array.from_buffers(values.type, len(values), buffers, offset=values.offset)


def _empty(values: pa.Array) -> np.ndarray:
    """Where a string array holds an empty string (its byte length, read from the offsets)."""
    return _mask(pc.equal(pc.binary_length(values), pa.scalar(0, pa.int32())))


def _convert(column: Column, values: pa.Array):
    """(typed values, numpy mask of failures, message for a failing value)."""
    missing = _mask(pc.is_null(values)) if not column.nullable else np.zeros(len(values), bool)
    kind = column.type
    if pa.types.is_string(kind):
        bad, rule = _string_failures(column, values), _string_rule(column)
        typed = with_nulls(values, bad)
    elif pa.types.is_timestamp(kind):
        typed, bad = _timestamps(values, kind)
        rule = "is not a timestamp YYYY-MM-DD HH:MM:SS"
    else:
        typed, bad, rule = _numbers(column, values)
    bad = bad & ~missing

    def reason(value: str | None) -> str:
        if value is None:
            return f"{column.name}: missing required value"
        return f"{column.name}: {value!r} {rule}"

    return typed, bad | missing, reason


def _mask(array: pa.Array) -> np.ndarray:
    return np.asarray(array.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)


def _not_matching(values: pa.Array, pattern: str) -> np.ndarray:
    return _mask(pc.invert(pc.match_substring_regex(values, pattern)))


def _string_failures(column: Column, values: pa.Array) -> np.ndarray:
    if column.pattern:
        return _not_matching(values, f"^{column.pattern}$")
    if column.allowed:
        return _mask(pc.invert(pc.is_in(values, value_set=pa.array(sorted(column.allowed)))))
    return np.zeros(len(values), bool)


def _string_rule(column: Column) -> str:
    if column.pattern:
        return f"does not match {column.pattern}"
    return f"is not one of {sorted(column.allowed or ())}"


def _timestamps(values: pa.Array, kind: pa.DataType) -> tuple[pa.Array, np.ndarray]:
    """Parse YYYY-MM-DD HH:MM:SS; an impossible date or time (30 February, 25:00) fails too."""
    bad = _not_matching(values, TIMESTAMP_PATTERN)
    usable = with_nulls(values, bad)
    try:
        return usable.cast(kind), bad
    except pa.ArrowInvalid:
        pass
    parsed = pc.strptime(usable, format=TIMESTAMP_FORMAT, unit=kind.unit, error_is_null=True)
    round_trip = pc.strftime(parsed.cast(pa.timestamp("s")), format=TIMESTAMP_FORMAT)
    bad |= _mask(pc.not_equal(round_trip, usable)) | (
        _mask(pc.is_null(parsed)) & _mask(pc.is_valid(usable))
    )
    return with_nulls(parsed.cast(kind), bad), bad


def _numbers(column: Column, values: pa.Array) -> tuple[pa.Array, np.ndarray, str]:
    kind = column.type
    if pa.types.is_integer(kind):
        pattern, rule, wide = INT_PATTERN, "is not an integer", pa.int64()
    elif pa.types.is_decimal(kind):
        digits = kind.precision - kind.scale
        pattern = rf"^-?\d{{1,{digits}}}(\.\d{{1,{kind.scale}}})?$"
        rule, wide = f"is not a decimal with at most {kind.scale} decimals", kind
    else:
        pattern, rule, wide = FLOAT_PATTERN, "is not a number", pa.float64()
    numbers, bad = _cast_or_match(values, pattern, wide)
    low, high = _bounds(column)
    if low is not None or high is not None:
        as_float = numbers.cast(pa.float64()).fill_null(0).to_numpy()
        if low is not None:
            bad |= as_float < low
        if high is not None:
            bad |= as_float > high
    if column.minimum is not None or column.maximum is not None:
        rule = f"{rule} within [{_show(column.minimum)}, {_show(column.maximum)}]"
    return with_nulls(numbers, bad).cast(kind), bad, rule


def _cast_or_match(
    values: pa.Array, pattern: str, wide: pa.DataType
) -> tuple[pa.Array, np.ndarray]:
    """Values cast to `wide` and the mask of those not matching `pattern`. A float column is cast
    first and only matched when a value fails the cast, is not finite or carries a sign '+'
    (the pattern's only differences from Arrow's parser); other types are matched first."""
    if pa.types.is_floating(wide):
        try:
            numbers = values.cast(wide)
            finite = np.isfinite(numbers.fill_null(0).to_numpy())
            if finite.all() and not pc.any(pc.starts_with(values, "+")).as_py():
                return numbers, np.zeros(len(values), bool)
        except pa.ArrowInvalid:
            pass
    bad = _not_matching(values, pattern)
    return with_nulls(values, bad).cast(wide), bad


def _bounds(column: Column) -> tuple[float | None, float | None]:
    """The column's own range, narrowed to what its integer type can hold."""
    low, high = column.minimum, column.maximum
    if pa.types.is_int32(column.type):
        low = INT32_MIN if low is None else max(low, INT32_MIN)
        high = INT32_MAX if high is None else min(high, INT32_MAX)
    return low, high


def _show(bound: float | None) -> str:
    if bound is None:
        return "..."
    return str(int(bound)) if float(bound).is_integer() else str(bound)
