"""Loads the curated knowledge into plain objects for the retriever and the actions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from knowledge.municipality import Municipality
from knowledge.schema import FaqEntry, PlanFrontMatter
from knowledge.yaml_lines import load_with_lines, strip_lines

HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
MAX_PASSAGE_CHARS = 700


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int
    message: str
    severity: str = "error"  # "error" fails the check, "warning" is shown

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: {self.message}"


@dataclass
class LoadedFaq:
    entry: FaqEntry
    path: Path
    line: int


@dataclass(frozen=True)
class PlanPassage:
    id: str
    doc_id: str
    doc_title: str
    headings: tuple[str, ...]
    text: str
    publisher: str
    date: str
    url: str | None

    @property
    def title(self) -> str:
        return " > ".join((self.doc_title, *self.headings))


@dataclass
class KnowledgeBase:
    faqs: list[LoadedFaq] = field(default_factory=list)
    passages: list[PlanPassage] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _pydantic_message(error: ValidationError) -> list[str]:
    return [f"{'.'.join(str(p) for p in e['loc']) or 'entry'}: {e['msg']}" for e in error.errors()]


def load_faq_file(path: Path) -> tuple[list[LoadedFaq], list[Problem]]:
    try:
        data = load_with_lines(path)
    except yaml.YAMLError as error:
        mark = getattr(error, "context_mark", None) or getattr(error, "problem_mark", None)
        what = " ".join(
            str(part)
            for part in (getattr(error, "context", None), getattr(error, "problem", None))
            if part
        )
        return [], [Problem(path, (mark.line + 1) if mark else 1, f"invalid YAML: {what or error}")]
    if data is None:
        return [], []
    if not isinstance(data, list):
        return [], [Problem(path, 1, "an FAQ file must be a YAML list of entries")]
    loaded: list[LoadedFaq] = []
    problems: list[Problem] = []
    for item in data:
        line = item.get("__line__", 1) if isinstance(item, dict) else 1
        if not isinstance(item, dict):
            problems.append(Problem(path, line, "each entry must be a mapping"))
            continue
        try:
            entry = FaqEntry.model_validate(strip_lines(item))
        except ValidationError as error:
            ident = item.get("id", "?")
            problems.extend(Problem(path, line, f"[{ident}] {m}") for m in _pydantic_message(error))
            continue
        loaded.append(LoadedFaq(entry, path, line))
    return loaded, problems


def split_front_matter(text: str) -> tuple[dict, str, int]:
    """Returns (front matter, body, line number where the body starts)."""
    if not text.startswith("---"):
        return {}, text, 1
    end = text.find("\n---", 3)
    if end < 0:
        return {}, text, 1
    front = yaml.safe_load(text[3:end]) or {}
    body_start = text.find("\n", end + 4) + 1
    return front, text[body_start:], text[:body_start].count("\n") + 1


def _chunks(text: str) -> list[str]:
    """Cuts an over-long section at paragraph (or line) boundaries."""
    if len(text) <= MAX_PASSAGE_CHARS:
        return [text]
    pieces: list[str] = []
    current = ""
    for block in re.split(r"\n(?=\s*\n)|\n(?=[-*・] )", text):
        block = block.strip("\n")
        if current and len(current) + len(block) + 1 > MAX_PASSAGE_CHARS:
            pieces.append(current.strip())
            current = ""
        current += ("\n" if current else "") + block
    if current.strip():
        pieces.append(current.strip())
    return pieces


def load_plan_file(path: Path) -> tuple[list[PlanPassage], list[Problem]]:
    text = path.read_text(encoding="utf-8")
    try:
        front, body, _ = split_front_matter(text)
        meta = PlanFrontMatter.model_validate(front)
    except (yaml.YAMLError, ValidationError) as error:
        messages = _pydantic_message(error) if isinstance(error, ValidationError) else [str(error)]
        return [], [Problem(path, 1, f"front matter: {m}") for m in messages]

    passages: list[PlanPassage] = []
    stack: list[tuple[int, str]] = []
    lines: list[str] = []

    def flush() -> None:
        content = "\n".join(lines).strip()
        lines.clear()
        if not content:
            return
        headings = tuple(title for _, title in stack)
        for piece in _chunks(content):
            passages.append(
                PlanPassage(
                    id=f"{meta.id}#{len(passages) + 1}",
                    doc_id=meta.id,
                    doc_title=meta.title,
                    headings=headings,
                    text=piece,
                    publisher=meta.publisher,
                    date=meta.date,
                    url=meta.url,
                )
            )

    for line in body.splitlines():
        match = HEADING.match(line)
        if match:
            flush()
            level = len(match.group(1))
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, match.group(2)))
        else:
            lines.append(line)
    flush()
    return passages, []


def load_knowledge(knowledge_dir: Path, municipality: Municipality | None = None) -> KnowledgeBase:
    """Loads every FAQ and plan file; placeholders are rendered when a municipality is given."""
    base = KnowledgeBase()
    for path in sorted((knowledge_dir / "faq").glob("*.yml")):
        loaded, problems = load_faq_file(path)
        base.faqs.extend(loaded)
        base.problems.extend(problems)
    for path in sorted((knowledge_dir / "plans").glob("*.md")):
        passages, problems = load_plan_file(path)
        base.passages.extend(passages)
        base.problems.extend(problems)
    if municipality is not None:
        for item in base.faqs:
            if not municipality.unresolved_placeholders(item.entry.answer):
                item.entry = item.entry.model_copy(
                    update={
                        "answer": municipality.render(item.entry.answer),
                        "steps": [
                            municipality.render(s)
                            for s in item.entry.steps
                            if not municipality.unresolved_placeholders(s)
                        ],
                    }
                )
    return base
