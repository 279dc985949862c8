from __future__ import annotations

from repo_paths import LEXICON_FILE
from retrieval.text_analysis import TermAnalyzer

LEXICON = LEXICON_FILE


def test_content_words_as_lemmas_without_particles() -> None:
    terms = TermAnalyzer(LEXICON).terms("住民票を取りたいのですが")

    assert "住民票" in terms
    assert "を" not in terms and "です" not in terms
    assert "取る" in terms


def test_scripts_and_widths_meet_in_one_term() -> None:
    analyzer = TermAnalyzer(LEXICON)

    assert "住民票" in analyzer.terms("じゅうみんひょう ほしい")
    assert "住民票" in analyzer.terms("ｼﾞｭｳﾐﾝﾋｮｳ")
    assert "罹災証明書" in analyzer.terms("りさいしょうめいしょ")
