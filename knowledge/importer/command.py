"""`python -m knowledge import FILE`: read, map, convert, de-duplicate, write, check, report.

Exit codes: 0 when every row was written (or the file was already up to date), 1 when a row
was skipped or the written file fails `knowledge check`, 2 when nothing could be done (the
file cannot be read, no header row, or the output exists and would change without --update).
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import yaml

from knowledge.check import run_check
from knowledge.importer.columns import MappingError, find_header, load_mapping
from knowledge.importer.convert import convert_sheet, file_slug
from knowledge.importer.duplicates import against_knowledge, within_sheet
from knowledge.importer.reading import UnreadableFileError, read_sheet
from knowledge.importer.report import RowProblem, Summary, skipped_rows, sorted_problems
from knowledge.importer.writing import NotImportedFileError, plan, write
from knowledge.loader import LoadedFaq, Problem, load_knowledge
from knowledge.municipality import Municipality

Printer = Callable[[str], None]


def default_out(source: Path, knowledge_dir: Path) -> Path:
    return knowledge_dir / "faq" / f"imported_{file_slug(source).replace('-', '_')}.yml"


def _same_file(a: Path, b: Path) -> bool:
    return a.resolve() == b.resolve()


def _existing_faqs(knowledge_dir: Path, out: Path) -> list[LoadedFaq]:
    """The knowledge the import must not duplicate: everything except the file it replaces."""
    return [f for f in load_knowledge(knowledge_dir).faqs if not _same_file(f.path, out)]


def check_new_file(knowledge_dir: Path, out: Path, today: dt.date) -> list[Problem]:
    """`knowledge check` on the directory with the new file; its problems about that file.

    An --out outside the directory's faq/ is checked in a temporary copy of the directory,
    so the result is the one the file will get once it is moved there.
    """
    if out.parent.resolve() == (knowledge_dir / "faq").resolve():
        _, problems = run_check(knowledge_dir, today=today)
        return [p for p in problems if _same_file(p.path, out)]
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "knowledge"
        shutil.copytree(knowledge_dir, copy)
        target = copy / "faq" / out.name
        shutil.copyfile(out, target)
        _, problems = run_check(copy, today=today)
        return [
            Problem(out, p.line, p.message, p.severity)
            for p in problems
            if _same_file(p.path, target)
        ]


def run_import(
    source: Path,
    *,
    knowledge_dir: Path,
    out: Path | None = None,
    mapping_file: Path | None = None,
    update: bool = False,
    today: dt.date | None = None,
    say: Printer = print,
) -> int:
    today = today or dt.date.today()
    out = out or default_out(source, knowledge_dir)
    if out.suffix != ".yml":
        say(f"{out}: FAQ files end in .yml (knowledge check reads only those)")
        return 2
    try:
        municipality = Municipality.load(knowledge_dir / "municipality.yml")
    except (OSError, yaml.YAMLError) as error:
        say(f"{knowledge_dir / 'municipality.yml'}: cannot read: {error}")
        return 2
    try:
        mapping = load_mapping(mapping_file) if mapping_file else None
        sheet = read_sheet(source)
        columns = find_header(sheet, mapping)
    except UnreadableFileError as error:
        say(f"{source}: cannot read: {error}")
        return 2
    except MappingError as error:
        say(f"{source}: {error}")
        return 2
    encoding = f" ({sheet.encoding})" if sheet.encoding else ""
    say(f"{source}{encoding}: header on row {columns.header_row}: {columns.describe()}")

    conversion = convert_sheet(sheet, columns, municipality, today)
    in_sheet = within_sheet(conversion.candidates, conversion.questions)
    in_knowledge = against_knowledge(in_sheet.kept, _existing_faqs(knowledge_dir, out))
    problems: list[RowProblem] = [*conversion.problems, *in_sheet.problems, *in_knowledge.problems]
    entries = in_knowledge.kept
    for problem in sorted_problems(problems):
        say(problem.format(source))
    skipped = len(skipped_rows(problems))
    warnings = sum(1 for p in problems if not p.skipped)

    def summary(outcome: str) -> None:
        say(Summary(conversion.rows, len(entries), skipped, warnings, outcome, out).line())

    if not entries:
        say(f"{source}: no row could be imported; nothing written")
        summary("written to")
        return 1
    try:
        result = plan(out, entries, source.name)
    except NotImportedFileError as error:
        say(str(error))
        summary("not written to")
        return 2
    if not result.changes_file:
        summary("unchanged in")
        return 1 if skipped else 0
    if result.old_text is not None and not update:
        say(
            f"{out} exists and the import would change it ({result.describe()}); "
            "run again with --update to replace it"
        )
        summary("not written to")
        return 2
    write(out, result.text)
    if result.old_text is not None:
        say(f"{out}: {result.describe()}")
    check_problems = check_new_file(knowledge_dir, out, today)
    for problem in check_problems:
        say(str(problem))
    summary("written to")
    check_errors = any(p.severity == "error" for p in check_problems)
    return 1 if skipped or check_errors else 0
