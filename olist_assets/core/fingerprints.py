"""128-bit fingerprints of rows or keys: what deduplication and batch precedence compare.

A fingerprint is two independent 64-bit lanes computed with numpy alone (no pandas, nothing
compiled beyond numpy and pyarrow, so it runs the same in the Lambda). Per lane, every value is cut
into little-endian 64-bit words (text zero-padded); each word is XORed with a salt naming the lane,
the column's position in the key, the word's position in the value and (for text) the value's byte
length, then passed through murmur3's 64-bit finaliser, a bijection, so two rows that differ in one
word never cancel. A row's words are summed over its columns and the sum is finalised once more.
A null and an empty text hash to per-column markers. A text column of few distinct values (a
sample decides) is hashed once per distinct value: the same numbers, less work.

Values are read in a canonical form, so a fingerprint depends on the values and their kind, not on
the Arrow width, the chunking, the process or the machine: every integer width hashes as int64,
floats as float64 bits, timestamps as microseconds since the epoch, decimals as their 128-bit
unscaled value, string/large_string/binary as their UTF-8 bytes; other types as their text.

Collision odds: if the lanes behave as independent random functions, two distinct rows share a
fingerprint with probability 2^-128, and any collision among n rows has probability about
n^2 / 2^129 (about 1.5e-25 for 10 million rows). The function is not cryptographic: it guards
against accidents, not against someone crafting colliding rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

FINGERPRINT = np.dtype("V16")
ARROW_FINGERPRINT = pa.binary(16)
SLICE_ROWS = 1 << 16
SAMPLE_ROWS = 1024

_U64 = np.uint64
_MOD = 1 << 64
_SEEDS = (0x6F6C6973742D6C31, 0x9E3779B97F4A7C15)
_WORD_STEP = 0xD6E8FEB86659FD93
_COLUMN_STEP = 0xA0761D6478BD642F
_LENGTH_STEP = 0x8EBC6AF09C88C6E3
_NULL = 0xE7037ED1A0B428DB
_EMPTY = 0x589965CC75374CC3
_BYTE_MASKS = np.array([(1 << (8 * n)) - 1 for n in range(9)], dtype=_U64)


def fingerprints(table: pa.Table, columns: Sequence[str] | None = None) -> np.ndarray:
    """One 16-byte fingerprint per row of the named columns (all by default): shape (rows,), V16.

    Processed SLICE_ROWS rows at a time, so memory stays bounded whatever the table's size.
    """
    return key_and_row_fingerprints(table, list(columns or table.column_names))[0]


def key_and_row_fingerprints(
    table: pa.Table, key_columns: Sequence[str]
) -> tuple[np.ndarray, np.ndarray]:
    """(key fingerprints, whole-row fingerprints) of every row: each equal to `fingerprints` of
    those columns, the key's columns hashed once when they lead the table (as in every contract)."""
    names, key = table.column_names, list(key_columns)
    shared = names[: len(key)] == key
    keys = np.empty((table.num_rows, 2), dtype=_U64)
    rows = np.empty((table.num_rows, 2), dtype=_U64) if shared and key != names else keys
    for start in range(0, table.num_rows, SLICE_ROWS):
        part = table.slice(start, SLICE_ROWS)
        done = slice(start, start + part.num_rows)
        total = _sum_columns(part, key, np.zeros((2, part.num_rows), _U64))
        keys[done] = _finish(total.copy()).T
        if rows is not keys:
            rows[done] = _finish(_sum_columns(part, names[len(key) :], total, len(key))).T
    if not shared:
        rows = fingerprints(table)
        return keys.view(FINGERPRINT).ravel(), rows
    return keys.view(FINGERPRINT).ravel(), rows.view(FINGERPRINT).ravel()


def _sum_columns(part: pa.Table, names: list[str], total: np.ndarray, first: int = 0):
    """Add each column's (2, rows) lane hashes to `total`, salted by position from `first`."""
    for position, name in enumerate(names, start=first):
        total += _column_hashes(_canonical(part.column(name).combine_chunks()), position)
    return total


def _finish(total: np.ndarray) -> np.ndarray:
    total ^= _lane_constants(_SEEDS)
    return _mix(total)


def parquet_fingerprints(path: Path, columns: Sequence[str]) -> np.ndarray:
    """Fingerprints of some columns of a Parquet file, read a record batch at a time (V16)."""
    parts = [
        fingerprints(pa.Table.from_batches([batch]), columns)
        for batch in pq.ParquetFile(path).iter_batches(columns=list(columns))
    ]
    return np.concatenate(parts) if parts else np.empty(0, FINGERPRINT)


def to_arrow(values: np.ndarray) -> pa.Array:
    """Fingerprints as an Arrow fixed_size_binary(16) column."""
    data = np.ascontiguousarray(values).view(np.uint8)
    return pa.FixedSizeBinaryArray.from_buffers(
        ARROW_FINGERPRINT, len(values), [None, pa.py_buffer(data)]
    )


def from_arrow(column: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """An Arrow fixed_size_binary(16) column back as a V16 array."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks() if column.num_chunks else pa.array([], ARROW_FINGERPRINT)
    if not len(column):
        return np.empty(0, FINGERPRINT)
    return np.frombuffer(
        column.buffers()[1], dtype=FINGERPRINT, count=len(column), offset=column.offset * 16
    ).copy()


def lanes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The two 64-bit lanes of V16 fingerprints, as contiguous uint64 arrays (for sorting)."""
    pairs = np.ascontiguousarray(values).view(_U64).reshape(-1, 2)
    return np.ascontiguousarray(pairs[:, 0]), np.ascontiguousarray(pairs[:, 1])


def _mix(x: np.ndarray) -> np.ndarray:
    """murmur3's fmix64 finaliser, in place on a uint64 array."""
    x ^= x >> _U64(33)
    x *= _U64(0xFF51AFD7ED558CCD)
    x ^= x >> _U64(33)
    x *= _U64(0xC4CEB9FE1A85EC53)
    x ^= x >> _U64(33)
    return x


def _salt(column: int, word: int = -1) -> np.ndarray:
    """Per lane (shape (2, 1)): the salt of a column position and a word position in the value."""
    step = (column + 1) * _COLUMN_STEP + (word + 1) * _WORD_STEP
    return _lane_constants(tuple((seed + step) % _MOD for seed in _SEEDS))


def _lane_constants(values: tuple[int, ...]) -> np.ndarray:
    return np.array(values, dtype=_U64).reshape(-1, 1)


def _canonical(array: pa.Array) -> pa.Array:
    """The array in the canonical kind its values hash as (see the module docstring)."""
    kind = array.type
    if pa.types.is_dictionary(kind):
        return _canonical(array.dictionary_decode())
    if pa.types.is_string(kind) or pa.types.is_binary(kind):
        return array
    if pa.types.is_large_string(kind) or pa.types.is_large_binary(kind):
        return array.cast(pa.string() if pa.types.is_large_string(kind) else pa.binary())
    if pa.types.is_signed_integer(kind) or pa.types.is_unsigned_integer(kind):
        return array.cast(pa.int64() if pa.types.is_signed_integer(kind) else pa.uint64())
    if pa.types.is_floating(kind):
        return array.cast(pa.float64())
    if pa.types.is_timestamp(kind):
        return array.cast(pa.timestamp("us", kind.tz))
    if pa.types.is_decimal(kind):
        return array.cast(pa.decimal128(38, kind.scale)) if kind.precision > 38 else array
    return pc.cast(array, pa.string())


def _column_hashes(array: pa.Array, column: int) -> np.ndarray:
    """Per lane and value (shape (2, rows)): the column's hash at this key position."""
    if pa.types.is_string(array.type) or pa.types.is_binary(array.type):
        hashes = _repeated_bytes_hashes(array, column)
        if hashes is None:
            hashes = _bytes_hashes(array, column)
    else:
        words = _fixed_words(array)
        hashes = np.zeros((2, len(array)), dtype=_U64)
        for k in range(words.shape[1]):
            hashes += _mix(words[:, k] ^ _salt(column, k))
    if array.null_count:
        nulls = np.asarray(array.is_null().to_numpy(zero_copy_only=False), dtype=bool)
        hashes[:, nulls] = _mix(_salt(column) ^ _U64(_NULL))
    return hashes


def _repeated_bytes_hashes(array: pa.Array, column: int) -> np.ndarray | None:
    """For a column of few distinct values (a city, a state), hash each distinct value once and
    look the rows up; None when a sample of the column shows mostly distinct values."""
    if len(array) < 4 * SAMPLE_ROWS:
        return None
    sample = pc.count_distinct(array.slice(0, SAMPLE_ROWS)).as_py()
    if sample * 4 > SAMPLE_ROWS:
        return None
    encoded = pc.dictionary_encode(array)
    indices = encoded.indices.fill_null(0).to_numpy()
    return _bytes_hashes(encoded.dictionary, column)[:, indices]


def _fixed_words(array: pa.Array) -> np.ndarray:
    """The fixed-width values as a (rows, words) uint64 matrix (null slots hold any bytes)."""
    width = array.type.bit_width // 8
    buffer = array.buffers()[1]
    if buffer is None:
        return np.zeros((len(array), width // 8), dtype=_U64)
    data = np.frombuffer(buffer, dtype=np.uint8)
    values = data[array.offset * width : (array.offset + len(array)) * width]
    return values.view(_U64).reshape(len(array), width // 8)


def _bytes_hashes(array: pa.Array, column: int) -> np.ndarray:
    """Per lane and value: the sum of mix(word ^ salt) over its 8-byte words (the last one
    zero-padded), the salt naming the column, the word's position and the value's byte length."""
    count = len(array)
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int32)[
        array.offset : array.offset + count + 1
    ].astype(np.int64)
    lengths = np.diff(offsets)
    first, last = int(offsets[0]), int(offsets[-1])
    padded = np.zeros(last - first + 8, dtype=np.uint8)
    if last > first:
        padded[: last - first] = np.frombuffer(array.buffers()[2], dtype=np.uint8)[first:last]
    unaligned = np.ndarray(shape=(len(padded) - 7,), dtype="<u8", buffer=padded, strides=(1,))
    starts = offsets[:-1] - first
    length_salt = lengths.astype(_U64) * _U64(_LENGTH_STEP)
    hashes = np.zeros((2, count), dtype=_U64)
    most_words = int((lengths.max() + 7) // 8) if count else 0
    if most_words * count <= 2 * (int(lengths.sum()) // 8 + count):
        _add_dense_words(hashes, unaligned, starts, lengths, length_salt, most_words, column)
    else:
        _add_ragged_words(hashes, unaligned, starts, lengths, length_salt, column)
    empty = lengths == 0
    if empty.any():
        hashes[:, empty] = _mix(_salt(column) ^ _U64(_EMPTY))
    return hashes


def _add_dense_words(hashes, unaligned, starts, lengths, length_salt, most_words, column) -> None:
    """Word k of every value at once, for values of similar lengths."""
    for k in range(most_words):
        remaining = np.clip(lengths - 8 * k, 0, 8)
        words = unaligned[np.minimum(starts + 8 * k, len(unaligned) - 1)] & _BYTE_MASKS[remaining]
        mixed = _mix((words ^ length_salt) ^ _salt(column, k))
        mixed[:, remaining == 0] = 0
        hashes += mixed


def _add_ragged_words(hashes, unaligned, starts, lengths, length_salt, column) -> None:
    """Every word of every value in one flat array, for values of very different lengths."""
    words_per_value = (lengths + 7) // 8
    total = int(words_per_value.sum())
    if not total:
        return
    first_word = np.cumsum(words_per_value) - words_per_value
    owner = np.repeat(np.arange(len(lengths)), words_per_value)
    position = np.arange(total, dtype=np.int64) - first_word[owner]
    remaining = np.minimum(lengths[owner] - 8 * position, 8)
    words = unaligned[starts[owner] + 8 * position] & _BYTE_MASKS[remaining]
    words ^= length_salt[owner]
    salts = _salt(column) + (position.astype(_U64) + _U64(1)) * _U64(_WORD_STEP)
    mixed = _mix(words ^ salts)
    has_words = words_per_value > 0
    hashes[:, has_words] += np.add.reduceat(mixed, first_word[has_words], axis=1)
