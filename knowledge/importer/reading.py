"""Reading a spreadsheet (CSV or .xlsx) into numbered rows of cell values.

Municipal FAQ systems export CSV in Shift_JIS (really CP932, with its extra characters such as
①, ㈱ and 髙) or in UTF-8 with or without a BOM; staff's own lists are Excel workbooks. Row
numbers are kept as the spreadsheet shows them so that every message can point staff at the
row to fix: a CSV row is a record (a quoted cell may hold line breaks), an .xlsx row is the
worksheet row.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

CellValue = str | int | float | dt.datetime | dt.date | None

CSV_SUFFIXES = (".csv", ".tsv", ".txt")
XLSX_SUFFIXES = (".xlsx", ".xlsm")


class UnreadableFileError(Exception):
    """The file cannot be read as a spreadsheet; the message says why, for staff."""


@dataclass(frozen=True)
class SheetRow:
    """One row: its number as the spreadsheet shows it, its cells, and cell hyperlinks."""

    number: int
    cells: tuple[CellValue, ...]
    links: Mapping[int, str] = field(default_factory=dict)  # column index -> link target

    def cell(self, index: int) -> CellValue:
        return self.cells[index] if 0 <= index < len(self.cells) else None

    def texts(self) -> list[str]:
        """The non-empty cells as text, for finding header and title rows."""
        return [text for c in self.cells if (text := cell_text(c))]


@dataclass(frozen=True)
class Sheet:
    path: Path
    rows: tuple[SheetRow, ...]
    encoding: str | None = None  # how a CSV file was decoded, for the summary


def cell_text(value: CellValue) -> str:
    """A cell as text: integral floats lose their '.0' (Excel stores every number as a float)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()


def _clean_line_breaks(text: str) -> str:
    # Excel writes a carriage return inside a cell as the escape _x000D_ next to the line feed.
    return text.replace("_x000D_", "").replace("\r\n", "\n").replace("\r", "\n")


def decode_text(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the name of its encoding.

    A BOM decides; otherwise UTF-8 is tried strictly first (a CP932 file is almost never valid
    UTF-8, while UTF-8 Japanese decodes as CP932 garbage), then CP932.
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "UTF-8 (BOM)"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "UTF-16"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp932"), "CP932 (Shift_JIS)"
    except UnicodeDecodeError as error:
        raise UnreadableFileError(
            f"not UTF-8 and not Shift_JIS/CP932 (byte {error.start}); save it as CSV UTF-8"
        ) from error


def _delimiter(path: Path, text: str) -> str:
    if path.suffix.lower() == ".tsv":
        return "\t"
    first = next((line for line in text.splitlines() if line.strip()), "")
    return "\t" if "\t" in first and "," not in first else ","


def read_csv(path: Path) -> Sheet:
    text, encoding = decode_text(path.read_bytes())
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(path, text))
    try:
        rows = tuple(
            SheetRow(number, tuple(_clean_line_breaks(c) for c in record))
            for number, record in enumerate(reader, start=1)
        )
    except csv.Error as error:
        raise UnreadableFileError(f"not a valid CSV file: {error}") from error
    return Sheet(path, rows, encoding)


def read_xlsx(path: Path) -> Sheet:
    """The first worksheet; a merged range's value fills every cell of the range.

    Filling matters for FAQ lists where a 大分類 cell is merged down over the rows it covers.
    """
    import openpyxl  # imported here: only .xlsx files need it
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles it does not need
            workbook = openpyxl.load_workbook(path, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError) as error:
        raise UnreadableFileError(f"not a readable .xlsx workbook: {error}") from error
    sheet = workbook.worksheets[0]
    values: list[list[CellValue]] = []
    links: list[dict[int, str]] = []
    for row in sheet.iter_rows(min_row=1, max_row=sheet.max_row, max_col=sheet.max_column):
        values.append(
            [_clean_line_breaks(c.value) if isinstance(c.value, str) else c.value for c in row]
        )
        links.append(
            {
                i: str(c.hyperlink.target)
                for i, c in enumerate(row)
                if getattr(c, "hyperlink", None) is not None and c.hyperlink.target
            }
        )
    for merged in sheet.merged_cells.ranges:
        top_left = values[merged.min_row - 1][merged.min_col - 1]
        for r in range(merged.min_row - 1, merged.max_row):
            for c in range(merged.min_col - 1, merged.max_col):
                values[r][c] = top_left
    workbook.close()
    rows = tuple(
        SheetRow(number, tuple(cells), row_links)
        for number, (cells, row_links) in enumerate(zip(values, links, strict=True), start=1)
    )
    return Sheet(path, rows)


def read_sheet(path: Path) -> Sheet:
    suffix = path.suffix.lower()
    if not path.is_file():
        raise UnreadableFileError("no such file")
    if suffix in XLSX_SUFFIXES:
        return read_xlsx(path)
    if suffix in CSV_SUFFIXES:
        return read_csv(path)
    if suffix == ".xls":
        raise UnreadableFileError("old .xls workbooks are not supported: save it as .xlsx or CSV")
    raise UnreadableFileError(f"unknown file type '{suffix}' (use .csv, .tsv or .xlsx)")
