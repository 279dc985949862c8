from __future__ import annotations

import pytest

from retrieval.documents import Document
from retrieval.faq_structure import (
    PassageSplit,
    question_sentence,
    split_question_answer,
    structured_document,
)


@pytest.mark.parametrize(
    "text, question, answer",
    [
        ("Q: 住民票は取れますか？ A: 市民課です。", "住民票は取れますか？", "市民課です。"),
        ("Ｑ．転入届の期限は？\nＡ．14日以内です。", "転入届の期限は？", "14日以内です。"),
        ("質問：ごみの出し方\n回答：月曜に出します。", "ごみの出し方", "月曜に出します。"),
        ("【Q】犬の登録は？【A】保健所で。", "犬の登録は？", "保健所で。"),
        ("Q1) 保育園は？\nA1) 子ども課へ。", "保育園は？", "子ども課へ。"),
        ("印鑑登録はどこでできますか？\n市民課で。", "印鑑登録はどこでできますか？", "市民課で。"),
        ("印鑑登録はどこでできますか？市民課で。", "印鑑登録はどこでできますか？", "市民課で。"),
    ],
)
def test_question_and_answer_are_read_out_of_faq_texts(
    text: str, question: str, answer: str
) -> None:
    assert split_question_answer(text) == (question, answer)


@pytest.mark.parametrize(
    "text",
    ["市民課は1階にあります。受付は8時半からです。", "Q：DNA鑑定A：できません", "？"],
)
def test_texts_that_do_not_ask_are_left_alone(text: str) -> None:
    assert split_question_answer(text) is None


def test_a_document_is_read_as_question_title_and_answer_body() -> None:
    found = structured_document("d", "", "Q: 住民票は？ A: 市民課です。")
    headed = structured_document("h", "窓口", "Q: 住民票は？ A: 市民課です。")
    plain = structured_document("p", "児童手当の申請", "15日以内に申請してください。")

    assert (found.title, found.body, found.phrasings) == ("住民票は？", "市民課です。", ())
    assert (headed.title, headed.body) == ("窓口", "住民票は？ 市民課です。")
    assert (plain.title, plain.body) == ("児童手当の申請", "15日以内に申請してください。")


def test_long_documents_become_passages_with_their_title() -> None:
    sentence = "これは説明の一文です。"  # 11 characters
    document = Document("d", "題", sentence * 100)
    split = PassageSplit(max_chars=700, piece_chars=450)

    passages = split.passages(document)

    assert len(passages) == 3
    assert all(p.startswith("題 ") and len(p) <= 452 for p in passages)
    assert "".join(p.removeprefix("題 ") for p in passages) == sentence * 100
    assert split.passages(Document("s", "題", sentence)) == ["題 " + sentence]
    assert PassageSplit(max_chars=0).passages(document) == [document.passage]


def test_the_question_of_a_long_conversational_query_is_found() -> None:
    query = "母が先月亡くなりました。年金の手続きもまだです。死亡届のあとは何をすればいいですか？"

    assert question_sentence(query) == "死亡届のあとは何をすればいいですか？"
    assert question_sentence("住民票はどこで取れますか") is None
    no_cue = "引っ越してきたばかりで何もわかりません。住民票のこととか保険のこととかで困っています"
    assert question_sentence(no_cue) == "住民票のこととか保険のこととかで困っています"
