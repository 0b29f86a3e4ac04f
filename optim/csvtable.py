"""Reading an uploaded CSV of a few numeric columns, with one sentence for whatever is wrong.

The Mini-batch page's two-column files (x, y) and the network's point clouds
(x1, x2, label) share these limits and messages: at most :data:`MAX_CSV_BYTES`
bytes and :data:`MAX_ROWS` rows, UTF-8 (a byte-order mark is fine), comma,
semicolon or tab separated, an optional header row, every cell a finite number
within +-1e6.
"""

from __future__ import annotations

import csv
import io
import math
from typing import NamedTuple

import numpy as np

MAX_CSV_BYTES = 1_000_000
MAX_ROWS = 10_000
MAX_VALUE = 1e6
_COUNT = {1: "one", 2: "two", 3: "three", 4: "four"}


def _names(columns: tuple[str, ...]) -> str:
    return ", ".join(columns[:-1]) + " and " + columns[-1]


class Table(NamedTuple):
    """A file's numbers ``(rows, columns)`` and, for messages, each row's line number in the file."""

    values: np.ndarray
    lines: np.ndarray


def read_table(data: bytes | str, columns: tuple[str, ...]) -> Table:
    """The file's numeric rows as a float64 array ``(rows, len(columns))``, with their line numbers.

    Raises ``ValueError`` with one sentence naming the row and what is wrong.

    Example:
        >>> table = read_table("x1,x2,label\\n1,2,0\\n\\n3,4,1\\n", ("x1", "x2", "label"))
        >>> table.values.tolist(), table.lines.tolist()
        ([[1.0, 2.0, 0.0], [3.0, 4.0, 1.0]], [2, 4])
        >>> read_table("1,2\\n3\\n", ("x1", "x2", "label"))
        Traceback (most recent call last):
        ...
        ValueError: row 1 has 2 columns; the file must have exactly three, x1, x2 and label.
    """
    count, names = _COUNT[len(columns)], _names(columns)
    if isinstance(data, bytes):
        if len(data) > MAX_CSV_BYTES:
            raise ValueError(f"the file is {len(data):,} bytes; the limit is {MAX_CSV_BYTES:,}.")
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValueError("the file is not UTF-8 text; save it as a plain CSV file.") from None
    if len(data) > MAX_CSV_BYTES:
        raise ValueError(f"the file is {len(data):,} characters; the limit is {MAX_CSV_BYTES:,}.")
    try:
        dialect = csv.Sniffer().sniff(data[:2048], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = [(i + 1, r) for i, r in enumerate(csv.reader(io.StringIO(data), dialect)) if any(c.strip() for c in r)]
    if not rows:
        raise ValueError(f"the file is empty; it must hold {count} numeric columns, {names}.")
    if not _numeric(rows[0][1]):
        rows = rows[1:]  # a header
    if len(rows) > MAX_ROWS:
        raise ValueError(f"the file has {len(rows):,} rows; the limit is {MAX_ROWS:,}.")
    if len(rows) < 2:
        raise ValueError("the file needs at least two data rows.")
    values = []
    for line, row in rows:
        if len(row) != len(columns):
            found = "1 column" if len(row) == 1 else f"{len(row)} columns"
            raise ValueError(f"row {line} has {found}; the file must have exactly {count}, {names}.")
        values.append([_cell(line, col, cell, count, names) for col, cell in enumerate(row, start=1)])
    return Table(np.array(values, dtype=np.float64), np.array([line for line, _ in rows]))


def _cell(line: int, col: int, cell: str, count: str, names: str) -> float:
    text = cell.strip()
    if not text:
        both = "both " if count == "two" else ""
        raise ValueError(f"row {line}, column {col} is empty; every row needs {both}{names}.")
    try:
        v = float(text)
    except ValueError:
        raise ValueError(
            f"row {line}, column {col}: {text[:20]!r} is not a number; the file must hold {count} numeric "
            f"columns, {names}."
        ) from None
    if not math.isfinite(v):
        raise ValueError(f"row {line}, column {col}: {text[:20]!r} is not a finite number; "
                         "values must be finite, within +-1e6.")
    if abs(v) > MAX_VALUE:
        raise ValueError(f"row {line}, column {col}: {text[:20]} is outside +-1e6.")
    return v


def _numeric(row) -> bool:
    try:
        [float(c) for c in row]
        return True
    except ValueError:
        return False
