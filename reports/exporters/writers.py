"""Turn any exporter into CSV or XLSX, in constant memory.

CSV: UTF-8 with a byte-order mark (so Excel reads Chinese correctly), and text cells that a
spreadsheet would run as a formula (starting with =, +, -, @, tab or carriage return) prefixed
with an apostrophe, as OWASP advises; numbers are written as numbers, negative ones included.

XLSX: see reports.exporters.xlsxfile.
"""

import csv
import io
from collections.abc import Callable, Iterator
from datetime import datetime
from decimal import Decimal
from typing import BinaryIO

from reports.exporters.base import Column, Exporter
from reports.exporters.xlsxfile import local_naive, write_xlsx

FORMATS = ("xlsx", "csv")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
PROGRESS_EVERY = 1000  # rows between progress reports
CSV_BATCH = 500  # rows per streamed chunk
NUMBERS = (int, float, Decimal)
FORMULA_START = frozenset("=+-@\t\r")
Progress = Callable[[int, int], None]


def _no_progress(done: int, total: int) -> None:
    return None


# --- CSV


def csv_safe(value):
    """A cell for CSV: numbers as they are, text neutralised against formula injection."""
    if value is None:
        return ""
    if isinstance(value, NUMBERS) and not isinstance(value, bool):
        return value
    if isinstance(value, datetime):
        return local_naive(value).strftime("%Y-%m-%d %H:%M")
    text = str(value)
    return "'" + text if text[:1] in FORMULA_START else text


def _header(columns: list[Column]) -> list[str]:
    return [str(column.header) for column in columns]


def csv_chunks(exporter: Exporter) -> Iterator[bytes]:
    """The CSV file as byte chunks of a few hundred rows each (for streaming responses)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(_header(exporter.columns()))
    for done, row in enumerate(exporter.rows(), 1):
        writer.writerow([csv_safe(value) for value in row])
        if done % CSV_BATCH == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def write_csv(exporter: Exporter, out: BinaryIO, progress: Progress = _no_progress) -> int:
    """Write the CSV file to `out`; returns the number of rows."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    writer.writerow(_header(exporter.columns()))
    total = exporter.count()
    done = 0
    for row in exporter.rows():
        writer.writerow([csv_safe(value) for value in row])
        done += 1
        if done % PROGRESS_EVERY == 0:
            progress(done, total)
    text.flush()
    text.detach()  # the caller closes `out`
    return done


WRITERS = {"csv": write_csv, "xlsx": write_xlsx}
