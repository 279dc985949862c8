"""The imported FAQ file: deterministic YAML, and what a re-import keeps from the old file.

Importing the same sheet again must give the same bytes, so the YAML is rendered in a fixed
order and style, without timestamps. Staff are asked to improve the generated alternates and
may add steps, a procedure key and the like in the YAML; a re-import keeps those, and keeps
`reviewed` of entries whose content did not change. Questions, answers, categories, links and
dates belong to the spreadsheet: a re-import with --update replaces them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from knowledge.importer.convert import Candidate

MARKER = "by `python -m knowledge import`"
FIELD_ORDER = (
    "id",
    "question",
    "alternates",
    "answer",
    "steps",
    "category",
    "topic",
    "procedure",
    "aspect",
    "contact",
    "url",
    "source",
    "reviewed",
    "valid_until",
    "related",
)
STAFF_FIELDS = ("steps", "topic", "procedure", "aspect", "related", "valid_until")
# The YAML's value stays when the sheet leaves these empty (or the importer would default them).
OPTIONAL_SHEET_FIELDS = ("category", "contact", "url")


class NotImportedFileError(Exception):
    """The output path holds a file the importer did not write; it is never replaced."""


class _Literal(str):
    """Written as a `|-` block, like the answers staff write by hand."""


class _Flow(dict):
    """Written on one line, like `source: {title: …, date: …}` in the hand-written files."""


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Lists indented under their key, as in the hand-written files.
        return super().increase_indent(flow, False)


_Dumper.add_representer(
    _Literal, lambda d, s: d.represent_scalar("tag:yaml.org,2002:str", str(s), style="|")
)
_Dumper.add_representer(
    _Flow, lambda d, m: d.represent_mapping("tag:yaml.org,2002:map", m.items(), flow_style=True)
)


def header(source_name: str) -> str:
    return (
        f"# Imported from {source_name} {MARKER};\n"
        "# run the import again to update this file.\n"
        "# Questions, answers, categories, links and dates come from the spreadsheet: change\n"
        "# them there, a re-import with --update replaces them here. Kept on re-import:\n"
        "# alternates (while the question stays the same), steps, topic, procedure, aspect,\n"
        "# related and valid_until. Comments added here are not kept.\n"
        "#\n"
        "# The alternates were generated from each question. Please replace them with the ways\n"
        "# residents really ask (see knowledge/README.md).\n"
    )


def _ordered(entry: dict[str, Any]) -> dict[str, Any]:
    known = {k: entry[k] for k in FIELD_ORDER if k in entry and entry[k] not in (None, [])}
    extra = {k: v for k, v in entry.items() if k not in FIELD_ORDER}  # kept, check reports it
    return {**known, **extra}


def _without_reviewed(entry: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in _ordered(entry).items() if k != "reviewed"}


def merge(candidate: Candidate, old: dict[str, Any] | None) -> dict[str, Any]:
    """The entry to write: the sheet's values, plus what staff own from the old entry."""
    new = dict(candidate.entry)
    if old:
        for name in STAFF_FIELDS:
            if old.get(name) not in (None, []):
                new[name] = old[name]
        if old.get("question") == new["question"] and isinstance(old.get("alternates"), list):
            new["alternates"] = old["alternates"]
        for name in OPTIONAL_SHEET_FIELDS:
            if name not in candidate.from_sheet and old.get(name) is not None:
                new[name] = old[name]
        if isinstance(old.get("source"), dict):
            new["source"] = {**old["source"], **new["source"]}
        if _without_reviewed(new) == _without_reviewed(old) and old.get("reviewed"):
            new["reviewed"] = old["reviewed"]
    return _ordered(new)


def _comment(candidate: Candidate, entry: dict[str, Any]) -> str:
    if not candidate.department:
        return ""
    if "contact" in candidate.from_sheet:
        where = f" -> {entry['contact']}"
    else:
        where = " (no office in municipality.yml matches it)"
    return f"# department: {candidate.department}{where}\n"


def _dump(entry: dict[str, Any]) -> str:
    styled = dict(entry)
    styled["answer"] = _Literal(entry["answer"])
    if isinstance(entry.get("source"), dict):
        styled["source"] = _Flow(entry["source"])
    return yaml.dump([styled], Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1_000_000)


def render(entries: list[tuple[Candidate, dict[str, Any]]], source_name: str) -> str:
    blocks = [_comment(candidate, entry) + _dump(entry) for candidate, entry in entries]
    return header(source_name) + "".join("\n" + block for block in blocks)


@dataclass(frozen=True)
class Plan:
    """What writing the file would do."""

    text: str
    old_text: str | None
    added: int
    changed: int
    removed: int

    @property
    def changes_file(self) -> bool:
        return self.text != self.old_text

    def describe(self) -> str:
        return f"{self.added} new, {self.changed} changed, {self.removed} removed entries"


def read_old(out: Path) -> tuple[str | None, dict[str, dict[str, Any]]]:
    """The old file's text and its entries by id; refuses a file the importer did not write."""
    if not out.is_file():
        return None, {}
    text = out.read_text(encoding="utf-8")
    if MARKER not in text.split("\n", 1)[0]:
        raise NotImportedFileError(
            f"{out} exists and was not written by the importer; choose another --out"
        )
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        data = None  # a broken file is replaced whole (with --update), nothing kept from it
    items = data if isinstance(data, list) else []
    return text, {str(e["id"]): e for e in items if isinstance(e, dict) and "id" in e}


def plan(out: Path, candidates: list[Candidate], source_name: str) -> Plan:
    old_text, old = read_old(out)
    entries = [(c, merge(c, old.get(c.id))) for c in candidates]
    added = sum(1 for c in candidates if c.id not in old)
    changed = sum(1 for c, entry in entries if c.id in old and _ordered(old[c.id]) != entry)
    new_ids = {c.id for c in candidates}
    removed = sum(1 for i in old if i not in new_ids)
    return Plan(render(entries, source_name), old_text, added, changed, removed)


def write(out: Path, text: str) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
