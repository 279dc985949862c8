"""Word evidence on a hand-made index: what a document covers of a question, and what no
document mentions."""

from __future__ import annotations

import pytest

from repo_paths import LEXICON_FILE
from retrieval.bm25 import BM25Index
from retrieval.text_analysis import ContentWord, TermAnalyzer
from retrieval.word_evidence import coverage, unknown_share

# 0: the card's number can be changed; 1: the card's fee; 2: the resident record
CORPUS = [
    ["まいなんばー", "変更", "番号", "≡1"],
    ["まいなんばー", "手数料", "かーど"],
    ["住民票", "写し", "手数料"],
]


def words(*lemmas: str, synonyms: dict[str, tuple[str, ...]] | None = None) -> list[ContentWord]:
    return [ContentWord(lemma, (synonyms or {}).get(lemma, ())) for lemma in lemmas]


def test_a_near_miss_covers_less_than_the_question_it_resembles() -> None:
    index = BM25Index().build(CORPUS)

    asked = coverage(words("まいなんばー", "変更"), index, 0)
    near_miss = coverage(words("まいなんばー", "色", "変更"), index, 0)

    assert asked == pytest.approx(1.0)
    assert near_miss < 0.75


def test_a_word_no_document_knows_weighs_most() -> None:
    index = BM25Index().build(CORPUS)

    # 手数料 is in two documents, 色 in none: missing 色 costs more than missing 手数料
    without_unknown = coverage(words("まいなんばー", "手数料"), index, 0)
    without_known = coverage(words("まいなんばー", "色"), index, 0)

    assert without_known < without_unknown


def test_a_synonym_group_covers_and_makes_a_word_known() -> None:
    index = BM25Index().build(CORPUS)
    question = words("まいなんばー", "改める", synonyms={"改める": ("≡1",)})

    assert coverage(question, index, 0) == pytest.approx(1.0)
    assert unknown_share(question, index) == 0.0
    assert unknown_share(words("まいなんばー", "改める"), index) == pytest.approx(0.5)


def test_a_question_without_content_words_has_no_evidence() -> None:
    index = BM25Index().build(CORPUS)

    assert coverage([], index, 0) == 0.0
    assert unknown_share([], index) == 0.0


def test_content_words_keep_topic_words_with_their_synonyms() -> None:
    analyzer = TermAnalyzer(LEXICON_FILE)

    found = {w.lemma: w for w in analyzer.content_words("3か月前にはんこをなくしました")}
    (seal,) = analyzer.content_words("印鑑")

    assert {"判子", "無くす"} <= set(found)
    assert not {"を", "に", "3", "ます"} & set(found)
    assert set(found["判子"].synonyms) & set(seal.synonyms)
