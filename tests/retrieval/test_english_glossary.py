"""The English glossary: whole words, the longest phrase first, and terms the FAQ really uses."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from repo_paths import KNOWLEDGE_DIR
from retrieval.english_glossary import EnglishGlossary

GLOSSARY_FILE = KNOWLEDGE_DIR / "english_glossary.yml"

TINY = EnglishGlossary(
    {
        "lost": ["紛失"],
        "lost my job": ["失業"],
        "pin": ["暗証番号"],
        "moving in": ["転入届"],
        "card": ["カード"],
    }
)


def test_the_longest_phrase_wins_over_the_words_inside_it() -> None:
    assert TINY.japanese_terms("I lost my job last month") == ["失業"]
    assert TINY.japanese_terms("I lost my card") == ["紛失", "カード"]


def test_only_whole_words_match() -> None:
    assert TINY.japanese_terms("Where is the shopping centre?") == []
    assert TINY.japanese_terms("my PIN, please") == ["暗証番号"]


@pytest.mark.parametrize("written", ["Moving-in", "moving  in", "ＭＯＶＩＮＧ ＩＮ", "moving_in"])
def test_case_width_hyphens_and_spaces_are_folded(written: str) -> None:
    assert TINY.japanese_terms(f"{written} notice") == ["転入届"]


def test_expand_keeps_the_question_and_adds_the_terms_once() -> None:
    assert TINY.expand("lost card, lost again") == "lost card, lost again 紛失 カード"
    assert TINY.expand("hello") == "hello"


def test_a_missing_file_is_an_empty_glossary(tmp_path: Path) -> None:
    assert EnglishGlossary.load(tmp_path / "none.yml").japanese_terms("lost card") == []


def _faq_text() -> str:
    return "\n".join(
        path.read_text(encoding="utf-8") for path in (KNOWLEDGE_DIR / "faq").glob("*.yml")
    )


def test_every_japanese_term_of_the_glossary_occurs_in_the_faq() -> None:
    """A term no FAQ uses adds nothing to the word side but noise: a typo, or an entry that
    was renamed."""
    terms = yaml.safe_load(GLOSSARY_FILE.read_text(encoding="utf-8"))["terms"]
    faq = _faq_text()
    unused = sorted({t for ts in terms.values() for t in ts if t not in faq})
    assert unused == []
