"""Duplicate questions within the sheet and against the knowledge the bot already has.

Two entries that answer the same question confuse residents and the retriever, and
`knowledge check` rejects questions whose bigram similarity reaches its threshold; the import
uses that same measure (knowledge/check.py), so what it writes passes the check. A similar but
not identical question is written with a warning: staff decide whether it is the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from knowledge.check import NEAR_DUPLICATE_THRESHOLD, question_bigrams, question_similarity
from knowledge.importer.convert import Candidate
from knowledge.importer.report import RowProblem
from knowledge.loader import LoadedFaq

# Below the check's threshold, but similar enough that staff should look (a warning only).
SIMILAR_THRESHOLD = 0.7


def _kind(score: float) -> str:
    return "the same question as" if score >= 1.0 else "nearly the same question as"


@dataclass(frozen=True)
class Filtered:
    kept: list[Candidate]
    problems: list[RowProblem]


def within_sheet(candidates: list[Candidate], questions: list[tuple[int, str]]) -> Filtered:
    """A later row repeating an earlier row's question (or its id) is skipped.

    Every row with a question counts as 'earlier', even one skipped for another reason, so
    that fixing that row later does not change which of the two survives.
    """
    grams = [(row, question_bigrams(q)) for row, q in questions]
    first_of: dict[int, tuple[int, float]] = {}
    for i, (row, mine) in enumerate(grams):
        for earlier, theirs in grams[:i]:
            score = question_similarity(mine, theirs)
            if score >= NEAR_DUPLICATE_THRESHOLD:
                first_of[row] = (earlier, score)
                break
    kept: list[Candidate] = []
    problems: list[RowProblem] = []
    ids: dict[str, int] = {}
    for candidate in candidates:
        if candidate.row in first_of:
            earlier, score = first_of[candidate.row]
            problems.append(RowProblem(candidate.row, f"{_kind(score)} row {earlier}"))
        elif candidate.id in ids:
            problems.append(
                RowProblem(candidate.row, f"id '{candidate.id}' repeats row {ids[candidate.id]}")
            )
        else:
            ids[candidate.id] = candidate.row
            kept.append(candidate)
    return Filtered(kept, problems)


def against_knowledge(candidates: list[Candidate], existing: list[LoadedFaq]) -> Filtered:
    """Skips questions the knowledge already has (or ids it uses); warns about similar ones."""
    known = [(item, question_bigrams(item.entry.question)) for item in existing]
    ids = {item.entry.id: item for item in existing}
    kept: list[Candidate] = []
    problems: list[RowProblem] = []
    for candidate in candidates:
        if candidate.id in ids:
            item = ids[candidate.id]
            problems.append(
                RowProblem(candidate.row, f"id '{candidate.id}' is already used ({_where(item)})")
            )
            continue
        mine = question_bigrams(candidate.question)
        scored = sorted(
            ((question_similarity(mine, grams), item) for item, grams in known),
            key=lambda pair: -pair[0],
        )
        best_score, best = scored[0] if scored else (0.0, None)
        if best is not None and best_score >= NEAR_DUPLICATE_THRESHOLD:
            problems.append(
                RowProblem(
                    candidate.row,
                    f"{_kind(best_score)} [{best.entry.id}] ({_where(best)}): "
                    f"{best.entry.question}",
                )
            )
            continue
        if best is not None and best_score >= SIMILAR_THRESHOLD:
            problems.append(
                RowProblem(
                    candidate.row,
                    f"similar to [{best.entry.id}] ({_where(best)}, {best_score:.2f}): "
                    f"{best.entry.question}",
                    skipped=False,
                )
            )
        kept.append(candidate)
    return Filtered(kept, problems)


def _where(item: LoadedFaq) -> str:
    return f"{_relative(item.path)}:{item.line}"


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
