"""Is this message an emergency happening now? Decided from a lexicon staff can read and edit.

A trained classifier learns whatever its data happen to share (digits ⇒ emergency, once), and
a false alarm on a city's official channel costs more trust than a missing answer. So the
decision is explicit: words that name an emergency (knowledge/emergency.yml), phrases in which
those words mean something else, and context that says the event is over or the resident asks
about a procedure. `EmergencyCheck.reason` says which rule decided, for logs and for staff.

Standard library, PyYAML and japanese_text only: the Rasa environment runs this too (the NLU
pipeline's EmergencyIntentGate), with the same file persisted into the trained model.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from japanese_text.folding import fold_spelling

FIRE = "fire"
AMBULANCE = "ambulance"
POLICE = "police"
UNKNOWN = "unknown"
KINDS = (FIRE, AMBULANCE, POLICE, UNKNOWN)

# The key under which the app tells Rasa its verdict for a message (message metadata).
METADATA_KEY = "emergency"

NONE = "none"
MENTION = "mention"  # emergency words, but about a procedure or an event that is over
POSSIBLE = "possible"  # only weak words: an emergency if the NLU model reads it as one too
EMERGENCY = "emergency"

_SEVERITY = {"none": 0, "mention": 1, "possible": 2, "emergency": 3}
# a sentence ends after 。！？!? or a line break (the mark stays with its sentence)
_SENTENCE_END = re.compile(r"(?<=[。！？!?\n])")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})
_NOT_LATIN = re.compile(r"[^a-z0-9'#]+")


_SPACING = re.compile(r"[\s、。,.・…「」『』\"'“”]+")


def fold_japanese(text: str) -> str:
    """Width, case and kana folded; spaces and commas gone (residents and voice input put them
    anywhere: 「カードを、出せと」); ! and ? kept, they carry urgency and questions."""
    return _SPACING.sub("", fold_spelling(text))


def chunks(text: str) -> str:
    """The folded message's chunks between spaces and punctuation, joined by \x1f."""
    pieces = re.split(r"[\s、。,.・…!?！？「」『』]+", fold_spelling(text))
    return "\x1f".join(p for p in pieces if p)


def fold_english(text: str) -> str:
    """Lower case, every run of other characters one space, padded for whole-word matching."""
    lowered = unicodedata.normalize("NFKC", text).lower().translate(_APOSTROPHES)
    return f" {_NOT_LATIN.sub(' ', lowered).strip()} "


def _alternation(words: Iterable[str]) -> re.Pattern[str] | None:
    unique = sorted({w for w in words if w}, key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in unique)) if unique else None


def _english_alternation(words: Iterable[str]) -> re.Pattern[str] | None:
    unique = sorted({fold_english(w).strip() for w in words if w.strip()}, key=len, reverse=True)
    if not unique:
        return None
    return re.compile("(?<= )(?:" + "|".join(re.escape(w) for w in unique) + ")(?= )")


@dataclass(frozen=True)
class _Vocabulary:
    """One list of the lexicon, folded and compiled for both scripts."""

    japanese: re.Pattern[str] | None
    english: re.Pattern[str] | None

    @classmethod
    def of(cls, words: Iterable[Any]) -> _Vocabulary:
        items = [str(w) for w in words]
        latin = [w for w in items if w.isascii() and any(c.isalnum() for c in w)]
        other = [fold_japanese(w) for w in items if w not in latin]
        return cls(_alternation(other), _english_alternation(latin))

    @classmethod
    def standing_alone(cls, words: Iterable[Any]) -> _Vocabulary:
        """Words that count only as a whole chunk of the message (short, ambiguous kana)."""
        items = sorted(
            {fold_japanese(str(w)) for w in words if str(w).strip()}, key=len, reverse=True
        )
        if not items:
            return cls(None, None)
        alternation = "|".join(re.escape(w) for w in items)
        return cls(re.compile(f"(?:^|(?<=\x1f))(?:{alternation})(?=\x1f|$)"), None)

    def spans(self, japanese: str, english: str) -> list[tuple[str, int, int, str]]:
        found: list[tuple[str, int, int, str]] = []
        for script, pattern, text in (
            ("ja", self.japanese, japanese),
            ("en", self.english, english),
        ):
            if pattern is not None:
                found.extend(
                    (script, m.start(), m.end(), m.group()) for m in pattern.finditer(text)
                )
        return found


@dataclass(frozen=True)
class EmergencyCheck:
    verdict: str  # NONE, MENTION, POSSIBLE or EMERGENCY
    kind: str | None = None  # FIRE, AMBULANCE, POLICE or UNKNOWN when words were found
    words: tuple[str, ...] = ()
    reason: str = ""

    @property
    def is_emergency(self) -> bool:
        return self.verdict == EMERGENCY

    @property
    def mentions_emergency(self) -> bool:
        return self.verdict == MENTION

    @property
    def agrees_with_emergency_intent(self) -> bool:
        """Whether a classifier's `emergency` intent may stand for this message."""
        return self.verdict in (EMERGENCY, POSSIBLE)


@dataclass(frozen=True)
class EmergencyLexicon:
    kinds: dict[str, _Vocabulary]
    alone_kinds: dict[str, _Vocabulary]
    weak_kinds: dict[str, _Vocabulary]
    not_emergency: _Vocabulary
    past: _Vocabulary
    procedure: _Vocabulary
    hypothetical: _Vocabulary
    urgent: _Vocabulary
    persons: _Vocabulary
    urgent_now: re.Pattern[str] | None = None
    past_start: re.Pattern[str] | None = None
    source: str = field(default="", compare=False)

    @classmethod
    def load(cls, path: Path) -> EmergencyLexicon:
        return cls.from_data(yaml.safe_load(path.read_text(encoding="utf-8")) or {}, str(path))

    @classmethod
    def from_data(cls, data: dict[str, Any], source: str = "") -> EmergencyLexicon:
        kinds = data.get("kinds") or {}
        unknown = set(kinds) - set(KINDS)
        if unknown:
            raise ValueError(f"unknown emergency kinds {sorted(unknown)}; use {KINDS}")
        urgent_now, past_start = data.get("urgent_now"), data.get("past_start")
        return cls(
            kinds={
                kind: _Vocabulary.of([*(entry.get("words") or []), *(entry.get("english") or [])])
                for kind, entry in kinds.items()
            },
            alone_kinds={
                kind: _Vocabulary.standing_alone(entry.get("alone") or [])
                for kind, entry in kinds.items()
            },
            weak_kinds={
                kind: _Vocabulary.of(entry.get("weak") or []) for kind, entry in kinds.items()
            },
            not_emergency=_Vocabulary.of(data.get("not_emergency") or []),
            past=_Vocabulary.of(data.get("past") or []),
            procedure=_Vocabulary.of(data.get("procedure") or []),
            hypothetical=_Vocabulary.of(data.get("hypothetical") or []),
            urgent=_Vocabulary.of(data.get("urgent") or []),
            persons=_Vocabulary.of(data.get("persons") or []),
            urgent_now=re.compile(str(urgent_now)) if urgent_now else None,
            past_start=re.compile(str(past_start)) if past_start else None,
            source=source,
        )

    def check(self, text: str) -> EmergencyCheck:
        """The most serious verdict over the message's sentences.

        Each sentence is read with what follows it, not what comes before: residents write
        background first (「先月はお世話になりました。…いま家の前に知らない男が」), and an
        earlier sentence about a past procedure must not soften an emergency told later.
        """
        sentences = [s for s in _SENTENCE_END.split(text) if s.strip()] or [text]
        checks = [self._check(s, "".join(sentences[i:])) for i, s in enumerate(sentences)]
        return max(checks, key=lambda c: _SEVERITY[c.verdict])

    def _check(self, sentence: str, context: str) -> EmergencyCheck:
        japanese, english = fold_japanese(sentence), fold_english(sentence)
        excluded = self.not_emergency.spans(japanese, english)
        strong = self._hits(self.kinds, japanese, english, excluded)
        for kind, vocabulary in self.alone_kinds.items():
            for _, start, end, word in vocabulary.spans(chunks(sentence), ""):
                strong.setdefault(kind, []).append((word, "chunk", (start, end)))
        weak = {} if strong else self._hits(self.weak_kinds, japanese, english, excluded)
        hits = strong or weak
        if not hits:
            return EmergencyCheck(NONE)
        kind = _kind_of(set(hits))
        words = tuple(w for found in hits.values() for w, _, _ in found)
        # Context words inside an emergency word are part of it (カード in カードを出せ); the
        # sentence is the start of the context, so the offsets agree.
        taken = [
            (script, start, end) for found in hits.values() for _, script, (start, end) in found
        ]
        japanese, english = fold_japanese(context), fold_english(context)

        def occurs(vocabulary: _Vocabulary) -> bool:
            return any(
                not any(s == script and a < end and start < b for s, a, b in taken)
                for script, start, end, _ in vocabulary.spans(japanese, english)
            )

        if occurs(self.past) or bool(self.past_start and self.past_start.search(japanese)):
            return EmergencyCheck(MENTION, kind, words, "past")
        # urgency may overlap the emergency words (「he is at my door now」)
        urgent = bool(self.urgent.spans(japanese, english)) or bool(
            self.urgent_now and self.urgent_now.search(japanese)
        )
        if not urgent and occurs(self.procedure):
            return EmergencyCheck(MENTION, kind, words, "procedure")
        if not urgent and occurs(self.hypothetical):
            return EmergencyCheck(MENTION, kind, words, "hypothetical")
        if strong:
            return EmergencyCheck(EMERGENCY, kind, words, "urgent" if urgent else "words")
        if set(hits) == {UNKNOWN}:
            # 「だれか助けて〜」 names no incident and is as often about a deadline as a fire:
            # the resident gets the answer and the 119/110 line, never the alarm instead of it,
            # whatever a trained model makes of the sentence
            return EmergencyCheck(MENTION, kind, words, "cry for help")
        # weak words on their own need DIET's agreement; a person they happen to, another
        # weak word of the same kind, or urgency corroborates them
        person = occurs(self.persons)
        if kind != UNKNOWN and (urgent or person or len(set(words)) >= 2):
            reason = "urgent" if urgent else ("person" if person else "weak words agree")
            return EmergencyCheck(EMERGENCY, kind, words, reason)
        return EmergencyCheck(POSSIBLE, kind, words, "weak words")

    @staticmethod
    def _hits(
        kinds: dict[str, _Vocabulary],
        japanese: str,
        english: str,
        excluded: list[tuple[str, int, int, str]],
    ) -> dict[str, list[tuple[str, str, tuple[int, int]]]]:
        hits: dict[str, list[tuple[str, str, tuple[int, int]]]] = {}
        for kind, vocabulary in kinds.items():
            for script, start, end, word in vocabulary.spans(japanese, english):
                if not any(s == script and a < end and start < b for s, a, b, _ in excluded):
                    hits.setdefault(kind, []).append((word, script, (start, end)))
        return hits


def _kind_of(kinds: set[str]) -> str:
    """119 covers fire and illness; a crime with either needs both numbers."""
    specific = kinds - {UNKNOWN}
    if not specific:
        return UNKNOWN
    if POLICE in specific and specific & {FIRE, AMBULANCE}:
        return UNKNOWN
    if FIRE in specific:
        return FIRE
    return specific.pop()
