"""Where the CSV records of a byte buffer start and end, found with vectorised numpy passes.

The quoting rules are those of Python's csv module (and of Arrow's CSV parser): a quote opens a
quoted field only at the start of a field; inside a quoted field a doubled quote is a literal quote
and a single one closes the field; a quote inside an unquoted field is a literal character. A line
ends at LF, CRLF or a lone CR; a line end outside quotes ends a record.

Scanning works on runs of consecutive quote bytes rather than on every byte: a run changes the
quote state only when its length is odd, and then it toggles the state when it starts a field
(after a delimiter or a line end) and closes any open field otherwise. Those per-run transitions
compose with a cumulative sum, so the state before every line end (a record boundary or a newline
inside a value), the physical line of every record and the records whose quoting is malformed
(text after a closing quote, which Python's strict csv refuses) all come out of a few array passes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

QUOTE, COMMA, LF, CR = ord('"'), ord(","), ord("\n"), ord("\r")
UNQUOTED, QUOTED = 0, 1


@dataclass(frozen=True)
class Records:
    """The complete records of a buffer (offsets into it) and the state after the last one.

    `starts`/`ends` bound each record's text without its line end; `stops` is where the next
    record starts; `lines` is each record's first physical line, counted from 0 at the buffer's
    start; `malformed` is the offset of the first quoting fault within the record, or -1.
    `open_state` is the quote state at the end of the buffer (QUOTED: inside an unterminated
    value); `consumed` the bytes and `consumed_lines` the line ends of the complete records.
    """

    starts: np.ndarray
    ends: np.ndarray
    stops: np.ndarray
    lines: np.ndarray
    malformed: np.ndarray
    open_state: int
    consumed: int
    consumed_lines: int

    def __len__(self) -> int:
        return len(self.starts)


@dataclass(frozen=True)
class _Runs:
    """Runs of quotes: where each starts and ends, whether it starts a field, its parity, and the
    quote state before and after it."""

    positions: np.ndarray
    ends: np.ndarray
    field_start: np.ndarray
    odd: np.ndarray
    state_after: np.ndarray
    state_before: np.ndarray


def split_records(
    buffer: np.ndarray, at_end: bool, state: int = UNQUOTED, previous: int = LF
) -> Records:
    """Cut a uint8 buffer that starts at a record boundary (or in `state`, after byte `previous`)
    into its complete records; at the end of the data the unterminated rest is a record too."""
    size = len(buffer)
    runs = _quote_runs(buffer, state, previous)
    line_ends = _line_ends(buffer, at_end)
    inside = _state_at(runs, line_ends, state)
    boundaries = line_ends[inside == UNQUOTED]
    boundary_index = np.flatnonzero(inside == UNQUOTED)
    stops = boundaries + 1
    crlf = (buffer[np.maximum(boundaries - 1, 0)] == CR) & (buffer[boundaries] == LF)
    ends = boundaries - crlf.astype(np.int64)
    starts = np.concatenate([[0], stops]).astype(np.int64)[: len(stops)]
    lines = np.concatenate([[0], boundary_index + 1]).astype(np.int64)[: len(stops)]
    open_state = int(runs.state_after[-1]) if len(runs.positions) else state
    consumed = int(stops[-1]) if len(stops) else 0
    consumed_lines = int(boundary_index[-1]) + 1 if len(boundary_index) else 0
    if at_end and consumed < size:
        end = size
        if open_state == QUOTED:
            end -= int(buffer[end - 1] == LF)
            end -= int(end > consumed and buffer[end - 1] == CR)
        starts = np.append(starts, consumed)
        ends = np.append(ends, end)
        stops = np.append(stops, size)
        lines = np.append(lines, consumed_lines)
        consumed, consumed_lines = size, len(line_ends)
    malformed = _malformed(buffer, runs, starts, ends, at_end)
    return Records(starts, ends, stops, lines, malformed, open_state, consumed, consumed_lines)


def count_fields(buffer: np.ndarray, records: Records) -> np.ndarray:
    """Fields of each record: delimiters outside quotes, plus one (a blank record has one)."""
    runs = _quote_runs(buffer, UNQUOTED, LF)
    commas = np.flatnonzero(buffer[: records.consumed] == COMMA)
    outside = commas[_state_at(runs, commas, UNQUOTED) == UNQUOTED]
    owner = np.searchsorted(records.starts, outside, side="right") - 1
    return np.bincount(owner, minlength=len(records)) + 1


def line_ends_in(buffer: np.ndarray) -> int:
    """Physical line ends (LF, CRLF, lone CR) in a buffer."""
    return len(_line_ends(buffer, at_end=True))


def _line_ends(buffer: np.ndarray, at_end: bool) -> np.ndarray:
    """Offsets of LF bytes and of CR bytes not followed by LF (a CR as the last byte is a line
    end only at the end of the data: its LF may be in the next read)."""
    lf = np.flatnonzero(buffer == LF)
    cr = np.flatnonzero(buffer == CR)
    if not len(cr):
        return lf
    following = buffer[np.minimum(cr + 1, len(buffer) - 1)]
    lone = (following != LF) & (cr + 1 < len(buffer))
    if at_end:
        lone |= cr + 1 == len(buffer)
    if not lone.any():
        return lf
    return np.union1d(lf, cr[lone])


def _quote_runs(buffer: np.ndarray, state: int, previous: int) -> _Runs:
    """Runs of consecutive quotes with the quote state before and after each."""
    quotes = np.flatnonzero(buffer == QUOTE)
    if not len(quotes):
        empty = np.empty(0, np.int64)
        flags = np.empty(0, bool)
        return _Runs(empty, empty, flags, flags, empty.astype(np.int8), empty.astype(np.int8))
    adjacent = np.diff(quotes) == 1
    if adjacent.any():
        first = np.concatenate([[0], np.flatnonzero(~adjacent) + 1])
        positions = quotes[first]
        lengths = np.diff(np.append(first, len(quotes)))
    else:
        positions, lengths = quotes, np.ones(len(quotes), np.int64)
    before = np.where(positions > 0, buffer[np.maximum(positions - 1, 0)], previous)
    field_start = (before == COMMA) | (before == LF) | (before == CR)
    odd = (lengths & 1) == 1
    toggles = odd & field_start
    resets = odd & ~field_start
    toggled = np.cumsum(toggles)
    last_reset = np.maximum.accumulate(np.where(resets, np.arange(len(positions)), -1))
    since_reset = toggled - np.where(last_reset >= 0, toggled[np.maximum(last_reset, 0)], 0)
    after = np.where(last_reset >= 0, since_reset & 1, (state + toggled) & 1).astype(np.int8)
    before_state = np.concatenate([[state], after[:-1]]).astype(np.int8)
    return _Runs(positions, positions + lengths, field_start, odd, after, before_state)


def _state_at(runs: _Runs, offsets: np.ndarray, state: int) -> np.ndarray:
    """The quote state at each offset (none of them a quote byte)."""
    if not len(runs.positions):
        return np.full(len(offsets), state, np.int8)
    last_run = np.searchsorted(runs.positions, offsets) - 1
    return np.where(last_run >= 0, runs.state_after[np.maximum(last_run, 0)], state)


def _malformed(
    buffer: np.ndarray, runs: _Runs, starts: np.ndarray, ends: np.ndarray, at_end: bool
) -> np.ndarray:
    """Per record, the offset of its first closing quote followed by anything but a delimiter or
    a line end (-1 when none)."""
    malformed = np.full(len(starts), -1, np.int64)
    if not len(runs.positions) or not len(starts):
        return malformed
    quoted = runs.state_before == QUOTED
    closes = np.where(quoted, runs.odd, runs.field_start & ~runs.odd)
    closed = runs.ends[closes & (runs.ends < len(buffer))]
    following = buffer[closed]
    faults = closed[(following != COMMA) & (following != LF) & (following != CR)]
    if not len(faults):
        return malformed
    owner = np.searchsorted(starts, faults, side="right") - 1
    inside = (owner >= 0) & (faults < ends[np.maximum(owner, 0)])
    owner, faults = owner[inside], faults[inside]
    first = np.unique(owner, return_index=True)
    malformed[first[0]] = faults[first[1]] - starts[first[0]]
    return malformed
