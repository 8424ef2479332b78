"""XLSX from an exporter: openpyxl in write-only mode, so rows go to disk as they come.

Each sheet has a styled, frozen header row with an autofilter and the columns' widths; scores,
integers and dates carry number formats. When the exporter names a split column (a category),
each row is also written to that category's own sheet, after the sheet of all rows.

Text is always written as text: nothing a user typed becomes a formula or an error value, and
characters XML cannot hold are dropped.

Speed: openpyxl's own `append` infers each value's type (and raises and catches an exception
for every ready-made cell); our converters already know each column's type, so the sheets here
take cells typed in advance (see `_Sheet`). That keeps the export within a small factor of
openpyxl writing plain values.
"""

from datetime import datetime
from decimal import Decimal
from typing import BinaryIO

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from reports.exporters.base import DATETIME, SCORE, Column, Exporter

# Integers need no format (Excel shows them as they are): only scores and dates carry a style.
NUMBER_FORMATS = {SCORE: "0.00", DATETIME: "yyyy-mm-dd hh:mm"}
NUMBERS = (int, float, Decimal)
PROGRESS_EVERY = 1000
SHEET_TITLE_MAX = 31
TEXT_MAX = 32767  # Excel's limit for one cell
_FORBIDDEN_IN_TITLE = str.maketrans({c: " " for c in "[]:*?/\\"})
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_ALIGNMENT = Alignment(vertical="center", wrap_text=True)


def local_naive(value: datetime) -> datetime:
    """Spreadsheets have no time zones: the contest's local time, without an offset."""
    return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value


def sheet_title(name: str, taken: set[str]) -> str:
    """A valid, unique sheet title: no []:*?/\\ and at most 31 characters."""
    base = name.translate(_FORBIDDEN_IN_TITLE).strip()[:SHEET_TITLE_MAX] or "-"
    title, n = base, 1
    while title.casefold() in taken:
        n += 1
        suffix = f" ({n})"
        title = base[: SHEET_TITLE_MAX - len(suffix)] + suffix
    taken.add(title.casefold())
    return title


class _Sheet(WriteOnlyWorksheet):
    """A write-only sheet fed rows of None, str (already clean), numbers and ready cells."""

    def _values_to_row(self, values, row_idx):
        plain = WriteOnlyCell(self)
        for col_idx, value in enumerate(values, 1):
            if value is None:
                continue
            if isinstance(value, Cell):
                cell = value
            else:
                cell = plain
                cell._value = value
                cell.data_type = "s" if value.__class__ is str else "n"
            cell.column = col_idx
            cell.row = row_idx
            yield cell


class _StyledCell(Cell):
    """A cell whose style is fixed once made: the writer asks each cell for its style id, which
    openpyxl otherwise looks up in the workbook's style list for every cell written."""

    __slots__ = ("_fixed_style_id",)

    def __init__(self, sheet, number_format: str):
        super().__init__(sheet, row=1, column=1)
        self.number_format = number_format
        self._fixed_style_id = Cell.style_id.fget(self)

    @property
    def style_id(self) -> int:
        return self._fixed_style_id

    @property
    def has_style(self) -> bool:
        return True


class XlsxBook:
    """A write-only workbook whose sheets share the exporter's columns and cell converters."""

    def __init__(self, columns: list[Column], first_sheet: str):
        self.workbook = Workbook(write_only=True)
        self.columns = columns
        self.taken: set[str] = set()
        self.sheets: list[list] = []  # [sheet, rows written]
        self.sheet(first_sheet)
        # Cells need a sheet of the workbook (for its styles); any sheet will do.
        self.owner = self.sheets[0][0]
        self.convert = [self._converter(column) for column in columns]

    def _converter(self, column: Column):
        if column.kind not in NUMBER_FORMATS:
            return self.text
        # One styled cell per column, reused: a write-only sheet serialises a row as it is
        # appended, so the cell is free again for the next row; styling it once is cheap.
        template = _StyledCell(self.owner, NUMBER_FORMATS[column.kind])
        text = self.text

        def number(value):
            if value is None:
                return None
            if isinstance(value, datetime):
                template._value, template.data_type = local_naive(value), "d"
            elif isinstance(value, NUMBERS) and not isinstance(value, bool):
                template._value, template.data_type = value, "n"
            else:
                return text(value)
            return template

        return number

    def text(self, value):
        """Text as text: never a formula (=…) or an error value (#N/A), no control characters."""
        if value is None or isinstance(value, NUMBERS):
            return value
        if isinstance(value, datetime):
            return self._cell(local_naive(value), NUMBER_FORMATS[DATETIME])
        if value.__class__ is not str:
            value = str(value)
        if ILLEGAL_CHARACTERS_RE.search(value):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        return value[:TEXT_MAX]

    def _cell(self, value, number_format: str) -> Cell:
        cell = WriteOnlyCell(self.owner, value=value)
        cell.number_format = number_format
        return cell

    def row(self, values) -> list:
        return [convert(value) for convert, value in zip(self.convert, values, strict=True)]

    def sheet(self, name: str) -> int:
        """A new sheet with the styled header; returns its index in `self.sheets`."""
        sheet = _Sheet(self.workbook, sheet_title(name, self.taken))
        self.workbook._add_sheet(sheet)
        for index, column in enumerate(self.columns, 1):
            sheet.column_dimensions[get_column_letter(index)].width = column.width
        sheet.freeze_panes = "A2"
        sheet.append([self._header_cell(sheet, column) for column in self.columns])
        self.sheets.append([sheet, 0])
        return len(self.sheets) - 1

    @staticmethod
    def _header_cell(sheet, column: Column) -> Cell:
        cell = WriteOnlyCell(sheet)
        cell._value, cell.data_type = str(column.header), "s"
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGNMENT
        return cell

    def append(self, index: int, cells: list) -> None:
        entry = self.sheets[index]
        entry[0].append(cells)
        entry[1] += 1

    def save(self, out: BinaryIO) -> None:
        last = get_column_letter(max(len(self.columns), 1))
        for sheet, rows in self.sheets:
            sheet.auto_filter.ref = f"A1:{last}{rows + 1}"
        self.workbook.save(out)


def write_xlsx(exporter: Exporter, out: BinaryIO, progress=None) -> int:
    """Write the XLSX file to `out`; returns the number of rows (of the sheet of all rows)."""
    book = XlsxBook(exporter.columns(), exporter.sheet_title)
    split = exporter.split_column
    by_value: dict = {}
    total = exporter.count()
    done = 0
    for values in exporter.rows():
        cells = book.row(values)
        book.append(0, cells)
        if split is not None:
            key = values[split]
            if key not in by_value:
                by_value[key] = book.sheet(str(key))
            book.append(by_value[key], cells)
        done += 1
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done, total)
    book.save(out)
    return done
