"""Which spreadsheet column holds what: header recognition and mapping files.

Exports from different FAQ systems name the same column differently (質問, 問い, Q, 質問内容…),
so headers are recognized from the lists in headers.yml after folding away width, case, spaces
and punctuation. A sheet with other headers gets a small mapping file instead of a code change.
Title rows often sit above the header, so the header is the first row that names at least a
question and an answer column.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from knowledge.importer.reading import Sheet, SheetRow, cell_text
from knowledge.importer.vocabulary import header_names

FIELDS = ("question", "answer", "category", "department", "date", "url", "id")
REQUIRED = ("question", "answer")
MULTI_COLUMN = ("category",)  # joined in order, e.g. 大分類 > 小分類


class MappingError(Exception):
    """The header row cannot be found or the mapping file is wrong; the message says how."""


def normalize_header(text: str) -> str:
    """`Ｑ．`, `q` and `Q` compare equal; so do `最終 更新日` and `最終更新日`."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return "".join(c for c in folded if c.isalnum())


@dataclass(frozen=True)
class ColumnMap:
    """Field name -> the column indices that hold it, plus the header row it was read from."""

    columns: dict[str, tuple[int, ...]]
    header_row: int
    headers: tuple[str, ...]

    def index(self, field: str) -> int | None:
        found = self.columns.get(field, ())
        return found[0] if found else None

    def indices(self, field: str) -> tuple[int, ...]:
        return self.columns.get(field, ())

    def describe(self) -> str:
        """`question=質問, answer=回答`, for the summary staff read."""
        return ", ".join(
            f"{field}={'+'.join(self.headers[i] for i in self.columns[field])}"
            for field in FIELDS
            if self.columns.get(field)
        )


def load_mapping(path: Path) -> dict[str, tuple[str, ...]]:
    """Reads `columns: {question: 問の内容, answer: 答の内容, category: [大項目, 中項目]}`."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise MappingError(f"{path}: cannot read the mapping file: {error}") from error
    columns = data.get("columns") if isinstance(data, dict) else None
    if not isinstance(columns, dict) or not columns:
        raise MappingError(
            f"{path}: needs `columns:` naming headers, e.g. `columns: {{question: <header>}}`"
        )
    mapping: dict[str, tuple[str, ...]] = {}
    for field, value in columns.items():
        if field not in FIELDS:
            raise MappingError(f"{path}: unknown field '{field}' (use {', '.join(FIELDS)})")
        values = value if isinstance(value, list) else [value]
        if any(isinstance(v, bool) or v is None for v in values):
            raise MappingError(
                f"{path}: quote the header of '{field}' (YAML reads No, Yes, On, Off as true/false)"
            )
        names = tuple(str(v) for v in values)
        if len(names) > 1 and field not in MULTI_COLUMN:
            raise MappingError(f"{path}: '{field}' takes one column, not a list")
        mapping[field] = names
    return mapping


def map_header(
    row: SheetRow, mapping: dict[str, tuple[str, ...]] | None = None
) -> dict[str, tuple[int, ...]]:
    """The fields this row names. Mapped fields come first; a column serves one field only."""
    mapping = mapping or {}
    headers = [normalize_header(cell_text(c)) for c in row.cells]
    taken: set[int] = set()
    found: dict[str, tuple[int, ...]] = {}
    builtin = header_names()
    order = [f for f in FIELDS if f in mapping] + [f for f in FIELDS if f not in mapping]
    for field in order:
        names = [normalize_header(n) for n in mapping.get(field, builtin.get(field, ()))]
        if field in mapping:  # in the order the mapping lists them
            hits = [i for n in names for i, h in enumerate(headers) if h == n and i not in taken]
        else:  # in column order
            hits = [i for i, h in enumerate(headers) if h and h in names and i not in taken]
        hits = list(dict.fromkeys(hits))
        if not hits:
            continue
        chosen = tuple(hits) if field in MULTI_COLUMN else (hits[0],)
        found[field] = chosen
        taken.update(chosen)
    return found


def find_header(sheet: Sheet, mapping: dict[str, tuple[str, ...]] | None = None) -> ColumnMap:
    """The first row that names a question and an answer column, and what each column is."""
    for row in sheet.rows:
        found = map_header(row, mapping)
        if all(field in found for field in REQUIRED):
            missing = [
                f"{field}: {' / '.join(names)}"
                for field, names in (mapping or {}).items()
                if field not in found
            ]
            if missing:
                raise MappingError(
                    f"row {row.number} is the header, but it has no column named "
                    + "; ".join(missing)
                )
            headers = tuple(cell_text(c) for c in row.cells)
            return ColumnMap(found, row.number, headers)
    looked_for = "; ".join(
        f"{field}: {', '.join((mapping or {}).get(field, header_names()[field]))}"
        for field in REQUIRED
    )
    raise MappingError(
        f"no header row with a question and an answer column (looked for {looked_for}); "
        "name the columns with --mapping"
    )
