"""Issue 7, faults: the largest upload the mini-batch page takes, and one byte more.

A CSV of exactly the row limit (10,000) and the byte limit (1 MB) loads, in the reader and through the
page, which trains on it at the step limit; one byte more is refused with one sentence naming the file.
"""

from __future__ import annotations

import pytest
from app_helpers import TIMEOUT, app, charts, ok

from optim import models
from ui.minibatch import state as mb


def csv_of(rows: int, size: int) -> bytes:
    """A two-column CSV of ``rows`` rows, padded with zeros after the decimal point to exactly ``size`` bytes."""
    lines = [f"{i},{2 * i + 1}\n" for i in range(rows)]
    spare = size - sum(len(line) for line in lines)
    per, extra = divmod(spare, rows)
    assert per >= 1, "too small a size for that many rows"
    out = [f"{i}.{'0' * (per - 1 + (i < extra))},{2 * i + 1}\n" for i in range(rows)]
    return "".join(out).encode()


def test_an_upload_of_exactly_1_mb_and_10000_rows_loads_and_one_byte_more_is_refused():
    largest = csv_of(models.MAX_ROWS, models.MAX_CSV_BYTES)
    assert len(largest) == models.MAX_CSV_BYTES == 1_000_000
    data = mb.read_upload(largest, "largest.csv", "linear")
    assert len(data) == models.MAX_ROWS and data.x[-1] == models.MAX_ROWS - 1 and data.y[-1] == 2 * data.x[-1] + 1
    with pytest.raises(ValueError, match=r"^big\.csv: the file is 1,000,001 bytes; the limit is 1,000,000\.$"):
        mb.read_upload(largest + b"\n", "big.csv", "linear")


def test_minibatch_trains_on_an_upload_of_exactly_1_mb():
    """10,000 rows in 1,000,000 bytes, 100 batches of 100 for 100 epochs: 10,000 steps, the step limit."""
    at = app({"batch": "100", "epochs": "100"}, "pages/minibatch.py")
    at.segmented_control(key="mb.source").set_value("upload").run()
    at.file_uploader(key="mb.upload").set_value(
        ("largest.csv", csv_of(models.MAX_ROWS, models.MAX_CSV_BYTES), "text/csv")).run(timeout=TIMEOUT)
    ok(at)
    assert charts(at) >= 3
    assert at.query_params["data"] in ("upload", ["upload"])
