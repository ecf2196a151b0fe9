"""Small vectorised helpers: identifier strings, hashing to uniforms, dates, grouped draws."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa

EPOCH = dt.date(1970, 1, 1)
US_PER_S = 1_000_000
S_PER_DAY = 86_400


def day_of(d: dt.date) -> int:
    """Days since 1970-01-01."""
    return (d - EPOCH).days


def date_of(day: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(day))


def add_months(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.month - 1 + months, 12)
    return dt.date(d.year + y, m + 1, 1)


def weekday(days: np.ndarray) -> np.ndarray:
    """0 = Monday … 6 = Sunday (1970-01-01 was a Thursday)."""
    return (days + 3) % 7


_LUT4 = np.array([f"{i:04d}".encode("ascii") for i in range(10_000)], dtype="S4").view(np.uint32)


def fixed_ids(prefix: str, numbers: np.ndarray, width: int = 12) -> pa.Array:
    """``prefix`` + zero-padded decimal ``numbers`` as an Arrow string array, built without Python loops.

    ``width`` is rounded up to a multiple of 4 (digits are written four at a time from a lookup
    table). All ids of one kind have the same length, so string order equals numeric order.
    """
    n = len(numbers)
    groups = -(-width // 4)
    head = np.frombuffer(prefix.encode("ascii"), dtype=np.uint8)
    total = len(head) + 4 * groups
    digits = np.empty((n, groups), dtype=np.uint32)
    rest = np.asarray(numbers, dtype=np.int64)
    for g in range(groups - 1, -1, -1):
        rest, quad = np.divmod(rest, 10_000)
        digits[:, g] = _LUT4[quad]
    buf = np.empty((n, total), dtype=np.uint8)
    buf[:, : len(head)] = head
    buf[:, len(head):] = digits.view(np.uint8).reshape(n, 4 * groups)
    offsets = np.arange(n + 1, dtype=np.int64) * total
    return pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(buf)).cast(pa.string())


def take_str(values: list[str | None] | pa.Array, index: np.ndarray) -> pa.Array:
    """``values[index]`` as a dictionary-encoded Arrow array (no copy); a negative index gives null.

    Parquet stores it dictionary-encoded, and readers see a plain string column.
    """
    arr = values if isinstance(values, pa.Array) else pa.array(values, type=pa.string())
    index = np.asarray(index)
    mask = index < 0
    safe = np.where(mask, 0, index).astype(np.int32)
    if arr.null_count:  # nulls live in the indices, never in the dictionary
        mask |= ~np.asarray(arr.is_valid())[safe]
        arr = arr.fill_null("")
    idx = pa.array(safe, mask=mask if mask.any() else None)
    return pa.DictionaryArray.from_arrays(idx, arr)


def present(values: np.ndarray, size: int) -> np.ndarray:
    """The distinct small non-negative integers in ``values`` (faster than np.unique)."""
    return np.flatnonzero(np.bincount(values, minlength=size))


def _mix(x: np.ndarray) -> np.ndarray:
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def hash_u(seed: int, stream: int, *keys: np.ndarray | int) -> np.ndarray:
    """Deterministic uniforms in [0, 1) from integer keys (splitmix64), independent of draw order."""
    with np.errstate(over="ignore"):
        h = _mix(np.asarray([(seed * 1_000_003 + stream) & 0xFFFFFFFFFFFFFFFF], dtype=np.uint64))
        for k in keys:
            h = _mix(h ^ (np.asarray(k).astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)))
    return (h >> np.uint64(11)).astype(np.float64) / float(1 << 53)


def grouped_choice(group_of_row: np.ndarray, group_lo: np.ndarray, group_hi: np.ndarray, cum: np.ndarray,
                   u: np.ndarray) -> np.ndarray:
    """For each row, pick an element of its group [lo, hi) with probability ∝ weight.

    ``cum`` is the global cumulative sum of positive weights of elements sorted by group.
    """
    lo = group_lo[group_of_row]
    hi = group_hi[group_of_row]
    base = np.where(lo > 0, cum[np.maximum(lo - 1, 0)], 0.0)
    top = cum[hi - 1]
    target = base + u * (top - base)
    idx = np.searchsorted(cum, target, side="right")
    return np.clip(idx, lo, hi - 1)


def group_bounds(sorted_keys: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray]:
    """Start and end positions of each key 0 … n_groups-1 in a sorted key array."""
    keys = np.arange(n_groups)
    return np.searchsorted(sorted_keys, keys, "left"), np.searchsorted(sorted_keys, keys, "right")


def repeat_index(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(parent index, position within parent) for ``counts[i]`` children of each parent i."""
    counts = np.asarray(counts, dtype=np.int64)
    parent = np.repeat(np.arange(len(counts)), counts)
    starts = np.cumsum(counts) - counts
    pos = np.arange(len(parent)) - np.repeat(starts, counts)
    return parent, pos
