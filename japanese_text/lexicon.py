"""Domain vocabulary that the general-purpose dictionary gets wrong.

unidic-lite splits マイナンバー into マイ / ナンバー and reads hiragana-only input such as
じゅうみんひょう as じゅう / みん / ひょう. Residents write exactly like that, so a small,
staff-curated lexicon (knowledge/lexicon.yml) is matched first: each match becomes one word
whose lemma is the canonical term, whatever script the resident used.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from japanese_text.folding import fold_width_and_case, hiragana_to_katakana

# Readings shorter than this are not matched on their own: short kana strings occur inside
# too many unrelated words (こせき would be fine, but かご or てあて would misfire).
MIN_AUTO_READING_LENGTH = 4


@dataclass(frozen=True)
class LexiconEntry:
    """One domain term: its canonical lemma, its reading and the other ways it is written."""

    lemma: str
    reading: str | None = None
    variants: tuple[str, ...] = field(default_factory=tuple)

    def forms(self) -> set[str]:
        forms = {fold_width_and_case(v) for v in (self.lemma, *self.variants)}
        if self.reading and len(self.reading) >= MIN_AUTO_READING_LENGTH:
            forms.add(fold_width_and_case(self.reading))
            forms.add(fold_width_and_case(hiragana_to_katakana(self.reading)))
        return {f for f in forms if f}


class Lexicon:
    """Longest-match lookup of domain terms in normalized text."""

    def __init__(self, entries: Iterable[LexiconEntry] = ()) -> None:
        self.entries: tuple[LexiconEntry, ...] = tuple(entries)
        self._by_form: dict[str, LexiconEntry] = {}
        for entry in self.entries:
            for form in entry.forms():
                self._by_form.setdefault(form, entry)
        self._max_length = max((len(f) for f in self._by_form), default=0)

    @classmethod
    def load(cls, path: Path) -> Lexicon:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return cls(
            LexiconEntry(
                lemma=str(item["lemma"]),
                reading=item.get("reading"),
                variants=tuple(str(v) for v in item.get("variants", [])),
            )
            for item in data.get("terms", [])
        )

    def __len__(self) -> int:
        return len(self.entries)

    def reading_of(self, lemma: str) -> str | None:
        entry = self._by_form.get(fold_width_and_case(lemma))
        return entry.reading if entry else None

    def split(self, text: str) -> Iterator[tuple[int, int, LexiconEntry | None]]:
        """Yields (start, end, entry) segments covering `text`; entry is None between terms."""
        folded = text.lower()
        gap_start = 0
        i = 0
        while i < len(text):
            match = None
            for length in range(min(self._max_length, len(text) - i), 0, -1):
                entry = self._by_form.get(folded[i : i + length])
                if entry is not None:
                    match = (length, entry)
                    break
            if match is None:
                i += 1
                continue
            if gap_start < i:
                yield gap_start, i, None
            yield i, i + match[0], match[1]
            i += match[0]
            gap_start = i
        if gap_start < len(text):
            yield gap_start, len(text), None
