"""`python -m knowledge check`: what a staff member's pull request got wrong, file and line."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

import yaml

from knowledge.loader import KnowledgeBase, LoadedFaq, Problem, load_knowledge
from knowledge.municipality import Municipality

NEAR_DUPLICATE_THRESHOLD = 0.9
REVIEW_MAX_AGE_DAYS = 366


def question_bigrams(text: str) -> set[str]:
    """A question as character bigrams, width and case folded (for near-duplicates)."""
    folded = "".join(c for c in unicodedata.normalize("NFKC", text).lower() if c.isalnum())
    return {folded[i : i + 2] for i in range(len(folded) - 1)} or {folded}


def question_similarity(a: set[str], b: set[str]) -> float:
    """Jaccard similarity of two questions' bigrams."""
    union = a | b
    return len(a & b) / len(union) if union else 0.0


def _check_entries(
    faqs: list[LoadedFaq], municipality: Municipality, today: dt.date
) -> list[Problem]:
    problems: list[Problem] = []
    contact_keys = municipality.contact_keys()
    seen: dict[str, LoadedFaq] = {}
    for item in faqs:
        entry = item.entry
        where = (item.path, item.line)
        if entry.id in seen:
            first = seen[entry.id]
            problems.append(
                Problem(*where, f"duplicate id '{entry.id}' (first at {first.path}:{first.line})")
            )
        seen.setdefault(entry.id, item)
        if entry.contact and entry.contact not in contact_keys:
            problems.append(Problem(*where, f"[{entry.id}] unknown contact key '{entry.contact}'"))
        for text in (entry.answer, *entry.steps):
            for bad in municipality.unresolved_placeholders(text):
                problems.append(
                    Problem(*where, f"[{entry.id}] unknown placeholder '{{{{{bad}}}}}'")
                )
        if entry.valid_until and entry.valid_until < today:
            problems.append(
                Problem(*where, f"[{entry.id}] valid_until {entry.valid_until} is in the past")
            )
        if (today - entry.reviewed).days > REVIEW_MAX_AGE_DAYS:
            problems.append(
                Problem(
                    *where,
                    f"[{entry.id}] reviewed {entry.reviewed}: over a year ago, please re-check",
                    "warning",
                )
            )
        if entry.reviewed > today:
            problems.append(
                Problem(*where, f"[{entry.id}] reviewed date {entry.reviewed} is in the future")
            )
        if len(set(entry.alternates)) != len(entry.alternates):
            problems.append(Problem(*where, f"[{entry.id}] repeated alternates", "warning"))
    for item in faqs:
        for related in item.entry.related:
            if related not in seen:
                message = f"[{item.entry.id}] related id '{related}' not found"
                problems.append(Problem(item.path, item.line, message))
            elif related == item.entry.id:
                message = f"[{item.entry.id}] related to itself"
                problems.append(Problem(item.path, item.line, message))
    problems.extend(_near_duplicates(faqs))
    return problems


def _near_duplicates(faqs: list[LoadedFaq]) -> list[Problem]:
    """Two entries that answer the same question confuse residents and the retriever."""
    problems: list[Problem] = []
    items = faqs
    grams = [question_bigrams(i.entry.question) for i in items]
    for i, a in enumerate(items):
        for j in range(i + 1, len(items)):
            b = items[j]
            score = question_similarity(grams[i], grams[j])
            if score >= NEAR_DUPLICATE_THRESHOLD:
                problems.append(
                    Problem(
                        b.path,
                        b.line,
                        f"[{b.entry.id}] question nearly identical to [{a.entry.id}] "
                        f"({a.path}:{a.line}); merge them or make the difference clear",
                    )
                )
    return problems


def _check_lexicon(path: Path) -> list[Problem]:
    if not path.is_file():
        return []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        return [Problem(path, 1, f"invalid YAML: {error}")]
    problems = []
    for n, term in enumerate(data.get("terms", []), start=1):
        if not isinstance(term, dict) or not term.get("lemma"):
            problems.append(Problem(path, 1, f"term #{n} needs a lemma"))
    return problems


# core/emergency.py reads this file; these are the kinds it knows (fire/ambulance: 119,
# police: 110, unknown: both).
EMERGENCY_KINDS = ("fire", "ambulance", "police", "unknown")
EMERGENCY_WORD_LISTS = ("words", "alone", "weak", "english")
EMERGENCY_CONTEXT_LISTS = (
    "not_emergency",
    "past",
    "procedure",
    "hypothetical",
    "urgent",
    "persons",
)
EMERGENCY_PATTERNS = ("urgent_now", "past_start")


def _read_yaml(path: Path) -> tuple[object, list[Problem]]:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or {}, []
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        return None, [Problem(path, (mark.line + 1) if mark else 1, f"invalid YAML: {error}")]


def _strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str | int) for v in value)


def _check_emergency_lexicon(path: Path) -> list[Problem]:
    if not path.is_file():
        return [Problem(path, 1, "the emergency lexicon is missing")]
    data, problems = _read_yaml(path)
    if problems or not isinstance(data, dict):
        return problems or [Problem(path, 1, "must be a mapping")]
    kinds = data.get("kinds") or {}
    for kind, entry in kinds.items():
        if kind not in EMERGENCY_KINDS:
            problems.append(Problem(path, 1, f"unknown kind '{kind}' (use {EMERGENCY_KINDS})"))
            continue
        for name in EMERGENCY_WORD_LISTS:
            if name in (entry or {}) and not _strings(entry[name]):
                problems.append(Problem(path, 1, f"kinds.{kind}.{name} must be a list of words"))
    for name in EMERGENCY_CONTEXT_LISTS:
        if name in data and not _strings(data[name]):
            problems.append(Problem(path, 1, f"{name} must be a list of words"))
    for name in EMERGENCY_PATTERNS:
        if data.get(name):
            try:
                re.compile(str(data[name]))
            except re.error as error:
                problems.append(Problem(path, 1, f"{name} is not a valid pattern: {error}"))
    return problems


def _check_glossary(path: Path) -> list[Problem]:
    if not path.is_file():
        return []
    data, problems = _read_yaml(path)
    if problems:
        return problems
    terms = (data or {}).get("terms") if isinstance(data, dict) else None
    if not isinstance(terms, dict):
        return [Problem(path, 1, "needs `terms:`, English phrases mapped to Japanese words")]
    return [
        Problem(path, 1, f"'{phrase}' must map to a list of Japanese words")
        for phrase, words in terms.items()
        if not _strings(words)
    ]


def run_check(
    knowledge_dir: Path, today: dt.date | None = None
) -> tuple[KnowledgeBase, list[Problem]]:
    today = today or dt.date.today()
    municipality_path = knowledge_dir / "municipality.yml"
    problems: list[Problem] = []
    try:
        municipality = Municipality.load(municipality_path)
        municipality.fallback_contact  # noqa: B018 - resolves the configured fallback
        municipality.english_contact  # noqa: B018 - and the one for English questions
    except (OSError, yaml.YAMLError, KeyError) as error:
        return KnowledgeBase(), [Problem(municipality_path, 1, f"cannot read: {error}")]
    base = load_knowledge(knowledge_dir)
    problems.extend(base.problems)
    problems.extend(_check_entries(base.faqs, municipality, today))
    problems.extend(_check_lexicon(knowledge_dir / "lexicon.yml"))
    problems.extend(_check_emergency_lexicon(knowledge_dir / "emergency.yml"))
    problems.extend(_check_glossary(knowledge_dir / "english_glossary.yml"))
    if not base.faqs:
        problems.append(Problem(knowledge_dir / "faq", 1, "no FAQ entries found"))
    return base, problems


def main(knowledge_dir: Path, *, strict: bool = False) -> int:
    base, problems = run_check(knowledge_dir)
    for problem in sorted(problems, key=lambda p: (str(p.path), p.line)):
        print(problem)
    errors = [p for p in problems if p.severity == "error" or strict]
    print(
        f"knowledge check: {len(base.faqs)} FAQ entries, {len(base.passages)} plan passages, "
        f"{len(errors)} errors, {len(problems) - len(errors)} warnings"
    )
    return 1 if errors else 0
