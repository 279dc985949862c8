from __future__ import annotations

from repo_paths import LEXICON_FILE
from retrieval.synonyms import SYNONYM_PREFIX
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


def test_old_character_forms_meet_the_new_ones() -> None:
    analyzer = TermAnalyzer(LEXICON)

    assert analyzer.lemmas("國民健康保險") == analyzer.lemmas("国民健康保険")
    # UniDic knows some old forms (國民) but splits others apart (手續き -> 手)
    assert analyzer.lemmas("手續き") == analyzer.lemmas("手続き")
    assert analyzer.lemmas("兒童手當") == ["児童手当"]


def test_okurigana_and_kana_spellings_fold_to_one_term() -> None:
    analyzer = TermAnalyzer(LEXICON)

    assert analyzer.lemmas("申込み") == analyzer.lemmas("申し込み")
    assert analyzer.lemmas("引越し") == analyzer.lemmas("引っ越し")
    assert analyzer.lemmas("ハンコ") == analyzer.lemmas("はんこ")


def test_synonyms_share_a_group_token_weighted_lower_in_a_query() -> None:
    analyzer = TermAnalyzer(LEXICON)

    shared = {t for t in analyzer.terms("はんこ") if t.startswith(SYNONYM_PREFIX)} & {
        t for t in analyzer.terms("印鑑") if t.startswith(SYNONYM_PREFIX)
    }
    weights = analyzer.query_weights("はんこ")

    assert shared
    assert all(weights[t] == analyzer.synonym_weight < 1.0 for t in shared)
    assert not set(analyzer.lemmas("はんこ")) & set(analyzer.lemmas("印鑑"))


def test_synonyms_and_folding_can_be_switched_off() -> None:
    plain = TermAnalyzer(LEXICON, synonyms=False, folding=False)

    assert not any(t.startswith(SYNONYM_PREFIX) for t in plain.terms("はんこをなくした"))
    assert plain.lemmas("手續き") != plain.lemmas("手続き")
    assert plain.signature != TermAnalyzer(LEXICON).signature


def test_english_function_words_are_no_terms() -> None:
    # in a Japanese corpus they occur only in the few English alternates, where BM25 would
    # weigh "the" and "how" as if they named a topic
    analyzer = TermAnalyzer(LEXICON)

    terms = analyzer.terms("How do I get the passport?")

    assert "passport" in terms
    assert not {"how", "do", "i", "get", "the"} & set(terms)
    assert not {w.lemma for w in analyzer.content_words("How do I get the passport?")} & {
        "how",
        "the",
    }
