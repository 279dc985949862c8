"""A rebuild analyses only the texts that changed, with the same terms a fresh analyzer gives;
residents' questions are never kept; another lexicon starts afresh."""

from __future__ import annotations

from pathlib import Path

from retrieval.remembered_terms import RememberedTerms, RememberingTermAnalyzer
from retrieval.text_analysis import TermAnalyzer

LEXICON = Path(__file__).parents[1] / "data" / "lexicon_small.yml"
TEXTS = ["マイナンバーカードをなくしました", "住民票の写しの手数料はいくらですか"]
EDITED = "印鑑証明を1通取るのにいくらかかりますか"


def build(memory: RememberedTerms, texts: list[str], lexicon: Path = LEXICON):
    analyzer = RememberingTermAnalyzer(lexicon, memory)
    with analyzer.recording():
        terms = [analyzer.terms(t) for t in texts]
    return analyzer, terms


def test_a_rebuild_analyses_only_the_changed_text_and_gets_the_same_terms() -> None:
    memory = RememberedTerms()
    first, _ = build(memory, TEXTS)

    second, terms = build(memory, [TEXTS[0], EDITED])

    fresh = TermAnalyzer(LEXICON)
    assert first.analysed == 2
    assert second.analysed == 1
    assert terms == [fresh.terms(TEXTS[0]), fresh.terms(EDITED)]
    assert set(memory.terms) == {TEXTS[0], EDITED}  # the removed text is forgotten


def test_questions_outside_a_build_are_not_kept() -> None:
    memory = RememberedTerms()
    analyzer, _ = build(memory, TEXTS)

    analyzer.query_weights("パスポートはどこで作れますか")

    assert set(memory.terms) == set(TEXTS)


def test_another_lexicon_starts_afresh(tmp_path: Path) -> None:
    memory = RememberedTerms()
    build(memory, TEXTS)
    other = tmp_path / "lexicon.yml"
    other.write_text(LEXICON.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")

    analyzer, _ = build(memory, TEXTS, lexicon=other)

    assert analyzer.analysed == 2
