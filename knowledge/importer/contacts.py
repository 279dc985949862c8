"""Which office of knowledge/municipality.yml a sheet's 担当課 column means, if any.

Sheets name the department as the organisation chart does (市民課, 健康福祉部 こども家庭課,
税務課 市民税係); municipality.yml names offices with what they handle in brackets
(市民課（住民票・転入転出…）). An entry gets a `contact` only when exactly one office fits
best, because a wrong contact sends residents to the wrong counter; otherwise the department
stays a comment for staff.
"""

from __future__ import annotations

import re
import unicodedata

from knowledge.municipality import Municipality

BRACKETS = re.compile(r"[（(].*?[)）]")


def _fold(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def office_names(municipality: Municipality) -> dict[str, tuple[str, tuple[str, ...]]]:
    """`offices.<key>` -> (the office's name without brackets, the names it joins with ・)."""
    names: dict[str, tuple[str, tuple[str, ...]]] = {}
    for key, office in (municipality.data.get("offices") or {}).items():
        if not isinstance(office, dict) or not office.get("name"):
            continue
        base = _fold(BRACKETS.sub("", str(office["name"])))
        parts = tuple(p for p in re.split(r"[・･/、]", base) if len(p) >= 2)
        names[f"offices.{key}"] = (base, parts)
    return names


def match_office(department: str, municipality: Municipality) -> str | None:
    """The contact key of the one office the department names best, else None.

    Best is, in this order: the office's whole name equals the department; one of the names
    it joins with ・ equals it; the whole name occurs in the department; a joined name does.
    A longer name beats a shorter one at the same level (こども家庭課 over 家庭課); a tie at
    the top is ambiguous and gives no contact.
    """
    wanted = _fold(department)
    if len(wanted) < 2:
        return None
    scored: list[tuple[int, int, str]] = []
    for key, (base, parts) in office_names(municipality).items():
        score = 0
        if base == wanted:
            score, length = 4, len(base)
        elif wanted in parts:
            score, length = 3, len(wanted)
        elif len(base) >= 2 and base in wanted:
            score, length = 2, len(base)
        else:
            inside = [p for p in parts if p in wanted]
            if inside:
                score, length = 1, max(len(p) for p in inside)
        if score:
            scored.append((score, length, key))
    if not scored:
        return None
    scored.sort(reverse=True)
    best = scored[0]
    if len(scored) > 1 and scored[1][:2] == best[:2]:
        return None
    return best[2]
