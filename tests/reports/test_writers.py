"""The writers on their own: formula injection, numbers, dates, sheet titles, progress."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from reports.exporters.base import DATETIME, INTEGER, SCORE, Column, Exporter, Filters
from reports.exporters.writers import csv_chunks, csv_safe, write_csv, write_xlsx
from reports.exporters.xlsxfile import sheet_title

DANGEROUS = ["=1+2", "+1+2", "-1+2", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("http://x")']


class TableExporter(Exporter):
    """An exporter over a fixed table, to drive the writers directly."""

    key = "table"
    name = "Table"
    split_column = 1

    def __init__(self, rows, columns=None):
        super().__init__(None, Filters())
        self.table = rows
        self.table_columns = columns or [
            Column("text"),
            Column("group"),
            Column("score", SCORE),
            Column("count", INTEGER),
            Column("at", DATETIME),
        ]

    def columns(self):
        return self.table_columns

    def count(self):
        return len(self.table)

    def rows(self):
        return iter(self.table)


def _moment():
    return timezone.make_aware(dt.datetime(2026, 11, 28, 9, 30), timezone.get_default_timezone())


def _rows():
    rows = [(text, "A", Decimal("-3.50"), -2, _moment()) for text in DANGEROUS]
    rows.append(("#N/A", "B", Decimal("88.25"), 7, None))
    rows.append(("bell\x07 ok", "B/C:D", None, None, None))
    return rows


def test_csv_neutralises_formulas_and_keeps_numbers():
    out = io.BytesIO()
    assert write_csv(TableExporter(_rows()), out) == len(_rows())
    data = out.getvalue()
    assert data.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert table[0] == ["text", "group", "score", "count", "at"]
    for row, text in zip(table[1:], DANGEROUS, strict=False):
        assert row[0] == "'" + text
        assert row[2] == "-3.50" and row[3] == "-2"
        assert row[4] == "2026-11-28 09:30"
    assert table[len(DANGEROUS) + 1][0] == "#N/A"


def test_csv_safe_cases():
    assert csv_safe(Decimal("-1.5")) == Decimal("-1.5")
    assert csv_safe(-7) == -7
    assert csv_safe("-7") == "'-7"  # text that looks like a number is still text
    assert csv_safe("平均分") == "平均分"
    assert csv_safe(None) == ""


def test_streamed_csv_equals_the_written_file():
    exporter = TableExporter(_rows() * 300)
    out = io.BytesIO()
    write_csv(exporter, out)
    assert b"".join(csv_chunks(exporter)) == out.getvalue()


def test_xlsx_writes_text_as_text_and_numbers_as_numbers():
    out = io.BytesIO()
    write_xlsx(TableExporter(_rows()), out)
    out.seek(0)
    book = load_workbook(out)
    sheet = book.worksheets[0]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:E{len(_rows()) + 1}"
    assert sheet["A1"].font.bold
    assert sheet.column_dimensions["A"].width == 14
    for index, text in enumerate(DANGEROUS, start=2):
        cell = sheet.cell(row=index, column=1)
        # A string cell: Excel shows it as typed and never runs it. (XML reads \r back as \n.)
        assert (cell.data_type, cell.value) == ("s", text.replace("\r", "\n"))
        assert sheet.cell(row=index, column=3).value == -3.5
        assert sheet.cell(row=index, column=3).number_format == "0.00"
        assert sheet.cell(row=index, column=4).value == -2
        assert sheet.cell(row=index, column=5).value == dt.datetime(2026, 11, 28, 9, 30)
    error_like = sheet.cell(row=len(DANGEROUS) + 2, column=1)
    assert (error_like.data_type, error_like.value) == ("s", "#N/A")
    assert sheet.cell(row=len(DANGEROUS) + 3, column=1).value == "bell ok"
    assert book.sheetnames == ["Table", "A", "B", "B C D"]
    assert [r[0] for r in book["B C D"].iter_rows(values_only=True)] == ["text", "bell ok"]


def test_no_formula_survives_in_xlsx():
    out = io.BytesIO()
    write_xlsx(TableExporter(_rows()), out)
    out.seek(0)
    sheet = load_workbook(out).worksheets[0]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_progress_is_reported():
    seen = []
    write_xlsx(TableExporter(_rows() * 400), io.BytesIO(), lambda done, total: seen.append(done))
    assert seen and seen[-1] <= len(_rows()) * 400
    assert seen == sorted(seen)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("初中·数学·教师组", "初中·数学·教师组"),
        ("a/b[c]:d*e?f\\g", "a b c  d e f g"),
        ("x" * 40, "x" * 31),
    ],
)
def test_sheet_titles_are_valid(name, expected):
    assert sheet_title(name, set()) == expected


def test_sheet_titles_are_unique():
    taken: set[str] = set()
    assert [sheet_title("y" * 40, taken) for _ in range(3)] == [
        "y" * 31,
        "y" * 27 + " (2)",
        "y" * 27 + " (3)",
    ]
