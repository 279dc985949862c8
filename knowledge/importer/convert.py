"""Spreadsheet rows into FAQ entries, and the row problems that keep a row out.

Each entry is built to pass `knowledge check` on its own: a stable id, the source the sheet
names (its title row, else the file name) and the row's update date, generated alternates,
and a contact only when the department names an office. A row that cannot make such an entry
is reported with its row number and skipped; nothing is truncated or guessed silently.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from knowledge.importer.alternates import generate_alternates
from knowledge.importer.columns import ColumnMap
from knowledge.importer.contacts import match_office
from knowledge.importer.dates import DateError, parse_date
from knowledge.importer.html_text import one_line, to_plain_text
from knowledge.importer.reading import Sheet, SheetRow, cell_text
from knowledge.importer.report import RowProblem
from knowledge.importer.vocabulary import wording
from knowledge.municipality import Municipality
from knowledge.schema import MAX_ANSWER_CHARS, FaqEntry

ID_PREFIX = "imp"
MAX_SLUG = 40
CATEGORY_SEPARATOR = " > "
# "Q." / "Ａ：" markers some exports put in front of the text.
QUESTION_MARK = re.compile(r"^\s*[QqＱｑ]\s*[.．:：)）]\s*")
ANSWER_MARK = re.compile(r"^\s*[AaＡａ]\s*[.．:：)）]\s*")
PHONE = re.compile(r"0\d{1,4}[-‐－ー(（]\d{1,4}[-‐－ー)）]\d{3,4}")
WEB_ADDRESS = re.compile(r"https?://\S+")


@dataclass
class Candidate:
    """An entry ready for YAML, the row it came from, and what the sheet left empty."""

    row: int
    entry: dict[str, Any]
    department: str | None = None
    from_sheet: set[str] = field(default_factory=set)  # fields the sheet gave values for

    @property
    def id(self) -> str:
        return str(self.entry["id"])

    @property
    def question(self) -> str:
        return str(self.entry["question"])


@dataclass
class Conversion:
    candidates: list[Candidate]
    problems: list[RowProblem]
    questions: list[tuple[int, str]]  # every row that has a question, for duplicate checks
    title: str
    rows: int  # data rows below the header (blank rows not counted)


def slug(text: str) -> str:
    """Lower-case a-z0-9 words joined by '-', as ids need; '' when nothing is left."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")[:MAX_SLUG].strip("-")


def short_hash(text: str) -> str:
    return hashlib.sha256(unicodedata.normalize("NFKC", text).encode("utf-8")).hexdigest()[:8]


def file_slug(source: Path) -> str:
    """The file stem as an id part; a stem without Latin letters or digits gets its hash."""
    return slug(source.stem) or short_hash(source.stem)


def sheet_title(sheet: Sheet, header_row: int, source: Path) -> str:
    """The text of the first title row above the header (one distinct value), else the stem."""
    for row in sheet.rows:
        if row.number >= header_row:
            break
        values = list(dict.fromkeys(row.texts()))
        if len(values) == 1:
            title = one_line(values[0])
            if len(title) >= 2:
                return title
    return source.stem if len(source.stem) >= 2 else source.name


def file_date(source: Path) -> dt.date:
    return dt.date.fromtimestamp(source.stat().st_mtime)


class _Row:
    """Reads the mapped cells of one row as text."""

    def __init__(self, row: SheetRow, columns: ColumnMap) -> None:
        self.row = row
        self.columns = columns

    def raw(self, name: str) -> Any:
        index = self.columns.index(name)
        return None if index is None else self.row.cell(index)

    def text(self, name: str) -> str:
        return cell_text(self.raw(name))

    def texts(self, name: str) -> list[str]:
        return [cell_text(self.row.cell(i)) for i in self.columns.indices(name)]

    def link(self, name: str) -> str | None:
        index = self.columns.index(name)
        return None if index is None else self.row.links.get(index)

    def is_blank(self) -> bool:
        return not self.row.texts()


def _category(row: _Row) -> str | None:
    parts = [one_line(t) for t in row.texts("category")]
    joined = CATEGORY_SEPARATOR.join(dict.fromkeys(p for p in parts if p))
    return joined or None


def _url(row: _Row, problems: list[RowProblem]) -> str | None:
    text = one_line(row.text("url"))
    link = row.link("url")
    for candidate in (text, link):
        if candidate and re.match(r"https?://", candidate):
            return candidate
    if text:
        message = f"url '{text}' is not a web address; left out"
        problems.append(RowProblem(row.row.number, message, skipped=False))
    return None


def _validation_messages(error: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'entry'}: {e['msg']}" for e in error.errors()
    )


def _answer_warnings(number: int, answer: str) -> list[RowProblem]:
    """Municipality-specific phones and URLs belong in municipality.yml (knowledge/README.md)."""
    warnings = []
    if PHONE.search(answer):
        warnings.append(
            RowProblem(
                number,
                "the answer has a phone number: use a placeholder such as "
                "{{offices.citizen.phone}}",
                skipped=False,
            )
        )
    if WEB_ADDRESS.search(answer):
        warnings.append(
            RowProblem(
                number,
                "the answer has a web address: put it in the url column or use a placeholder",
                skipped=False,
            )
        )
    return warnings


def _question(row: _Row) -> str:
    return QUESTION_MARK.sub("", one_line(row.text("question")))


def convert_row(
    row: _Row,
    *,
    source: Path,
    title: str,
    municipality: Municipality,
    today: dt.date,
    default_date: dt.date,
) -> tuple[Candidate | None, list[RowProblem]]:
    number = row.row.number
    problems: list[RowProblem] = []
    question = _question(row)
    answer = ANSWER_MARK.sub("", to_plain_text(row.text("answer")))
    if not question or not answer:
        missing = " and no ".join(
            n for n, v in (("question", question), ("answer", answer)) if not v
        )
        return None, [RowProblem(number, f"no {missing}")]
    from_sheet = {"question", "answer"}
    date = default_date
    if row.text("date"):
        try:
            date = parse_date(row.raw("date"))
        except DateError as error:
            problems.append(RowProblem(number, f"unreadable date: {error}"))
    if len(answer) > MAX_ANSWER_CHARS:
        problems.append(
            RowProblem(
                number,
                f"over-long answer ({len(answer)} characters, at most {MAX_ANSWER_CHARS}): "
                "shorten it in the sheet",
            )
        )
    row_id = slug(row.text("id")) if row.text("id") else ""
    entry: dict[str, Any] = {
        "id": f"{ID_PREFIX}-{file_slug(source)}-{row_id or short_hash(question)}",
        "question": question,
        "alternates": generate_alternates(question),
        "answer": answer,
    }
    category = _category(row)
    if category:
        from_sheet.add("category")
    entry["category"] = category or wording().default_category
    department = one_line(row.text("department")) or None
    contact = match_office(department, municipality) if department else None
    if contact:
        entry["contact"] = contact
        from_sheet.add("contact")
    url = _url(row, problems)
    if url:
        entry["url"] = url
        from_sheet.add("url")
    entry["source"] = {"title": title, "date": date}
    entry["reviewed"] = today
    for bad in municipality.unresolved_placeholders(answer):
        problems.append(RowProblem(number, f"unknown placeholder '{{{{{bad}}}}}' in the answer"))
    if any(p.skipped for p in problems):
        return None, problems
    try:
        FaqEntry.model_validate(entry)
    except ValidationError as error:
        return None, [
            *problems,
            RowProblem(number, f"not a valid entry: {_validation_messages(error)}"),
        ]
    problems.extend(_answer_warnings(number, answer))
    return Candidate(number, entry, department, from_sheet), problems


def convert_sheet(
    sheet: Sheet,
    columns: ColumnMap,
    municipality: Municipality,
    today: dt.date,
) -> Conversion:
    """Every data row below the header; blank rows are layout, not data, and are passed over."""
    title = sheet_title(sheet, columns.header_row, sheet.path)
    default_date = file_date(sheet.path)
    conversion = Conversion([], [], [], title, 0)
    for sheet_row in sheet.rows:
        if sheet_row.number <= columns.header_row:
            continue
        row = _Row(sheet_row, columns)
        if row.is_blank():
            continue
        conversion.rows += 1
        question = _question(row)
        if question:
            conversion.questions.append((sheet_row.number, question))
        candidate, problems = convert_row(
            row,
            source=sheet.path,
            title=title,
            municipality=municipality,
            today=today,
            default_date=default_date,
        )
        conversion.problems.extend(problems)
        if candidate is not None:
            conversion.candidates.append(candidate)
    return conversion
