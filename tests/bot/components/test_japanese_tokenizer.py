from __future__ import annotations

from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.japanese_tokenizer import JapaneseTokenizer
from repo_paths import REPO_ROOT

LEXICON = REPO_ROOT / "tests" / "data" / "lexicon_small.yml"


@pytest.fixture
def model_storage(tmp_path: Path) -> LocalModelStorage:
    return LocalModelStorage(tmp_path)


@pytest.fixture
def resource() -> Resource:
    return Resource("japanese_tokenizer")


def create_tokenizer(
    model_storage: LocalModelStorage, resource: Resource, **config: object
) -> JapaneseTokenizer:
    return JapaneseTokenizer.create(
        {**JapaneseTokenizer.get_default_config(), **config},
        model_storage,
        resource,
        ExecutionContext(node_name="tokenizer", graph_schema=None),
    )


@pytest.mark.parametrize(
    "text, expected_tokens, expected_indices",
    [
        (
            "マイナンバーカードを申請したい",
            ["マイナンバー", "カード", "を", "申請", "し", "たい"],
            [(0, 6), (6, 9), (9, 10), (10, 12), (12, 13), (13, 15)],
        ),
        # half-width kana: normalized for analysis, offsets into the original characters
        (
            "ﾏｲﾅﾝﾊﾞｰｶｰﾄﾞ",
            ["ﾏｲﾅﾝﾊﾞｰ", "ｶｰﾄﾞ"],
            [(0, 7), (7, 11)],
        ),
        # full-width digits and Latin letters
        ("ＰＩＮは１２３４", ["ＰＩＮ", "は", "１２３４"], [(0, 3), (3, 4), (4, 8)]),
        # emoji stays a token of its own and does not shift later offsets
        ("住民票😀ほしい", ["住民票", "😀", "ほしい"], [(0, 3), (3, 4), (4, 7)]),
        # mixed Latin / Japanese with spaces
        ("LINE で 申請", ["LINE", "で", "申請"], [(0, 4), (5, 6), (7, 9)]),
        # hiragana-only domain term from the lexicon is one word
        (
            "じゅうみんひょうがほしい",
            ["じゅうみんひょう", "が", "ほしい"],
            [(0, 8), (8, 9), (9, 12)],
        ),
        # control characters are not tokens
        ("転入\x07届", ["転入", "届"], [(0, 2), (3, 4)]),
    ],
)
def test_japanese_tokenizer(
    text: str,
    expected_tokens: list[str],
    expected_indices: list[tuple[int, int]],
    model_storage: LocalModelStorage,
    resource: Resource,
) -> None:
    tokenizer = create_tokenizer(model_storage, resource, lexicon_path=str(LEXICON))

    tokens = tokenizer.tokenize(Message.build(text=text), attribute=TEXT)

    assert [t.text for t in tokens] == expected_tokens
    assert [(t.start, t.end) for t in tokens] == expected_indices
    for token in tokens:
        assert text[token.start : token.end] == token.text


@pytest.mark.parametrize(
    "text, expected_lemmas",
    [
        ("申請したい", ["申請", "為る", "たい"]),
        ("ｼﾞｭｳﾐﾝﾋｮｳ", ["住民票"]),
        ("じゅうみんひょう", ["住民票"]),
        ("カードをなくした", ["カード", "を", "無くす", "た"]),
    ],
)
def test_lemmas_are_dictionary_forms(
    text: str, expected_lemmas: list[str], model_storage: LocalModelStorage, resource: Resource
) -> None:
    tokenizer = create_tokenizer(model_storage, resource, lexicon_path=str(LEXICON))

    tokens = tokenizer.tokenize(Message.build(text=text), attribute=TEXT)

    assert [t.lemma for t in tokens] == expected_lemmas
    assert all("pos" in t.data for t in tokens)


def test_long_unknown_word_keeps_offsets(
    model_storage: LocalModelStorage, resource: Resource
) -> None:
    text = "ｱｲｳｴｵ" * 200 + "について"
    tokenizer = create_tokenizer(model_storage, resource)

    tokens = tokenizer.tokenize(Message.build(text=text), attribute=TEXT)

    assert tokens
    assert tokens[-1].end == len(text)
    assert all(text[t.start : t.end] == t.text for t in tokens)


@pytest.mark.parametrize("text", ["", "   "])
def test_empty_text_has_no_tokens(
    text: str, model_storage: LocalModelStorage, resource: Resource
) -> None:
    tokenizer = create_tokenizer(model_storage, resource)

    assert tokenizer.tokenize(Message.build(text=text), attribute=TEXT) == []


def test_process_adds_tokens_to_messages(
    model_storage: LocalModelStorage, resource: Resource
) -> None:
    tokenizer = create_tokenizer(model_storage, resource)
    message = Message.build(text="転入届を出したい")

    tokenizer.process([message])

    assert [t.text for t in message.get(TOKENS_NAMES[TEXT])] == ["転入", "届", "を", "出し", "たい"]


def test_lexicon_is_persisted_and_loaded_from_model_storage(
    model_storage: LocalModelStorage, resource: Resource, tmp_path: Path
) -> None:
    lexicon_copy = tmp_path / "lexicon.yml"
    lexicon_copy.write_text(LEXICON.read_text(encoding="utf-8"), encoding="utf-8")
    tokenizer = create_tokenizer(model_storage, resource, lexicon_path=str(lexicon_copy))
    tokenizer.train(TrainingData([Message.build(text="こんにちは")]))
    lexicon_copy.unlink()  # a trained model must not depend on the file any more

    loaded = JapaneseTokenizer.load(
        {**JapaneseTokenizer.get_default_config(), "lexicon_path": str(lexicon_copy)},
        model_storage,
        resource,
        ExecutionContext(node_name="tokenizer", graph_schema=None),
    )
    tokens = loaded.tokenize(Message.build(text="りさいしょうめいしょ"), attribute=TEXT)

    assert [(t.text, t.lemma) for t in tokens] == [("りさいしょうめいしょ", "罹災証明書")]
