"""Alternate phrasings generated from a question, because FaqEntry needs at least four.

A spreadsheet has one question per row; residents ask the same thing many ways. The importer
cannot know those ways, so it writes a deterministic start (the same question always gives the
same alternates, which keeps re-imports byte-identical) and the file tells staff to improve
them: the question itself, a plain (casual) form, the question without 「について」-style
fillers, a keyword query (nouns and verbs found by the project's tokenizer, plus what the
question asks for: 方法, 期限, 料金…), the keywords typed in hiragana, and half-width katakana
as some phones type it (or, without katakana, the question with its hiragana dropped). The
wording rules live in wording.yml; the tokenizer (fugashi + unidic-lite, without the domain
lexicon so that lexicon edits do not change imported files) is pinned in requirements/app.lock.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from japanese_text.folding import katakana_to_hiragana
from japanese_text.segmenter import WordSegmenter
from knowledge.importer.vocabulary import wording
from knowledge.schema import MIN_ALTERNATES

if TYPE_CHECKING:
    import fugashi

MAX_ALTERNATES = 6
ENDING_PUNCTUATION = re.compile(r"[\s?？!！。.]+$")
HALF_VOICED = {"\u3099": "\uff9e", "\u309a": "\uff9f"}  # combining (semi-)voiced marks
COMPOUND_POS = ("名詞", "接頭辞", "接尾辞")  # parts of speech of UniDic that form one keyword
VERB_POS = ("動詞", "形容詞")


@dataclass(frozen=True)
class Keyword:
    text: str
    reading: str  # hiragana


def _is_hiragana(char: str) -> bool:
    return "\u3041" <= char <= "\u309f"


def _is_katakana(char: str) -> bool:
    return "\u30a1" <= char <= "\u30fa" or char == "\u30fc"


@cache
def _halfwidth_table() -> dict[str, str]:
    """Full-width katakana -> half-width, derived from Unicode rather than typed out."""
    table: dict[str, str] = {}
    for code in range(0xFF66, 0xFFA0):
        half = chr(code)
        full = unicodedata.normalize("NFKC", half)
        if len(full) == 1 and _is_katakana(full):
            table.setdefault(full, half)
    return table


def to_halfwidth_katakana(text: str) -> str:
    table = _halfwidth_table()
    out: list[str] = []
    for char in text:
        if char in table:
            out.append(table[char])
            continue
        base, *marks = unicodedata.normalize("NFD", char)
        if _is_katakana(char) and base in table and all(m in HALF_VOICED for m in marks):
            out.append(table[base] + "".join(HALF_VOICED[m] for m in marks))
        else:
            out.append(char)
    return "".join(out)


def core_of(question: str) -> str:
    """The question without its closing punctuation."""
    return ENDING_PUNCTUATION.sub("", question.strip())


def casual_form(core: str) -> str | None:
    """The question in plain form: an idiom from wording.yml, else 〜ますか as 〜る？."""
    for polite, casual in wording().alternates.casual_endings:
        if core.endswith(polite) and len(core) > len(polite):
            return core[: -len(polite)] + casual
    nodes = list(_tagger()(core))
    if len(nodes) < 4:
        return None
    verb, masu, ka = nodes[-3:]
    base = getattr(verb.feature, "orthBase", None)
    pos = getattr(verb.feature, "pos1", "")
    ending = verb.surface + masu.surface + ka.surface
    if (masu.surface, ka.surface) != ("ます", "か") or pos not in ("動詞", "助動詞"):
        return None
    if not base or base == "*" or not core.endswith(ending):
        return None
    return core[: -len(ending)] + base + "？"


def without_fillers(core: str) -> str:
    text = core
    for pattern in wording().alternates.fillers:
        text = re.sub(pattern, "", text)
    return core_of(text)


def without_hiragana(words: list[Keyword]) -> str:
    """The keywords without their hiragana (振り込む -> 振込), as a telegraphic query.

    A single character left over from a longer word (出す -> 出) means little and is dropped;
    a one-character word (犬) stays.
    """
    kept = []
    for word in words:
        stripped = re.sub(r"[\u3041-\u309f]", "", word.text)
        if stripped and (stripped == word.text or len(stripped) >= 2):
            kept.append(stripped)
    return " ".join(dict.fromkeys(kept))


@cache
def _tagger() -> fugashi.Tagger:
    """The project's tokenizer, without the domain lexicon (see the module docstring)."""
    return WordSegmenter().tagger


def keywords(core: str) -> list[Keyword]:
    """Compound nouns and content verbs (dictionary form), in order, without stop words."""
    stop = wording().alternates.stop_keywords
    found: list[Keyword] = []
    text, reading = "", ""

    def close() -> None:
        nonlocal text, reading
        if text and text not in stop:
            found.append(Keyword(text, reading))
        text, reading = "", ""

    for node in _tagger()(core):
        feature = node.feature
        pos = getattr(feature, "pos1", "") or ""
        kana = getattr(feature, "kana", None) or node.surface
        if pos in COMPOUND_POS and node.surface not in stop:
            text += node.surface
            reading += kana if kana != "*" else node.surface
            continue
        close()
        base = getattr(feature, "orthBase", None) or node.surface
        if pos in VERB_POS and base not in stop and base != "*":
            kana_base = getattr(feature, "kanaBase", None) or base
            found.append(Keyword(base, kana_base if kana_base != "*" else base))
    close()
    unique = {k.text: k for k in found}
    return [Keyword(k.text, katakana_to_hiragana(k.reading)) for k in unique.values()]


def intent_keywords(core: str) -> list[str]:
    intents = wording().alternates.intent_words
    return list(dict.fromkeys(k for phrase, k in intents if phrase in core))


def _key(text: str) -> str:
    return core_of(text).replace(" ", "")


def generate_alternates(question: str) -> list[str]:
    """At least MIN_ALTERNATES distinct phrasings, the question first; the same every run."""
    core = core_of(question)
    plain = without_fillers(core)
    words = keywords(plain or core)
    terms = [w.text for w in words]
    query = " ".join(dict.fromkeys([*terms, *intent_keywords(core)])) if terms else plain
    has_katakana = any(_is_katakana(c) for c in query)
    candidates = [
        question.strip(),
        casual_form(core),
        plain,
        query,
        " ".join(w.reading for w in words),
        to_halfwidth_katakana(query) if has_katakana else without_hiragana(words),
    ]
    alternates: list[str] = []
    seen: set[str] = set()

    def add(text: str | None) -> None:
        if text and len(text) >= 2 and _key(text) not in seen and len(alternates) < MAX_ALTERNATES:
            seen.add(_key(text))
            alternates.append(text)

    for candidate in candidates:
        add(candidate)
    for template in wording().alternates.templates:
        if len(alternates) >= MIN_ALTERNATES:
            break
        add(template.format(keywords=query or core))
    return alternates
