"""Reading the FAQ structure of any corpus: question, answer, passages, a query's question.

Outside FAQ exports carry the question and the answer in one string (`Q: … A: …`,
`質問：… 回答：…`, or a first line that ends in a question mark). They are indexed like our
own entries in the plain FAQ corpus: the question as the title, the answer as the body.
Long documents are cut into passages for the dense side (the model reads 512 tokens; the rest
would be lost), each with its title in front, and a document scores as its best passage. A
long conversational query (background first, the question last) can be searched with its
question sentence weighted (`FusionConfig.question_focus`; off, see hybrid.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from retrieval.documents import Document

_Q_WORD = r"(?:Q|Ｑ|q|ｑ|質問|問い|問)\s*[0-9０-９]*"
_A_WORD = r"(?:A|Ａ|a|ａ|回答|答え|答)\s*[0-9０-９]*"


def _label(word: str) -> str:
    """`Q:` / `Q．` / `Q1)` or a bracketed `【Q】` / `[Q]`."""
    return rf"(?:[【\[［]\s*{word}\s*[】\]］]|{word}\s*[.．:：)）])"


LABELLED = re.compile(
    rf"^\s*{_label(_Q_WORD)}\s*(?P<question>.+?)\s*"
    rf"(?:^|(?<=[\s。？?！!）)」]))\s*{_label(_A_WORD)}\s*(?P<answer>.+)$",
    re.DOTALL | re.MULTILINE,
)
# a question this long is a paragraph, not a question line
MAX_QUESTION_CHARS = 200
QUESTION_END = re.compile(r"^(?P<question>[^\n]{2,200}?[?？])\s*(?P<answer>\S.*)$", re.DOTALL)
SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]*")
QUESTION_CUES = re.compile(
    r"[?？]|(?:ですか|ますか|でしょうか|ませんか|のか|かな|の|か)[。\s]*$|"
    r"(?:教えて|知りたい|たい|ください|下さい|ほしい|欲しい)[。\s]*$"
)


def split_question_answer(text: str) -> tuple[str, str] | None:
    """(question, answer) when `text` reads as an FAQ, else None."""
    labelled = LABELLED.match(text)
    if labelled and len(labelled["question"]) <= MAX_QUESTION_CHARS:
        return labelled["question"].strip(), labelled["answer"].strip()
    ended = QUESTION_END.match(text.strip())
    if ended:
        return ended["question"].strip(), ended["answer"].strip()
    return None


def structured_document(doc_id: str, title: str, text: str) -> Document:
    """A corpus document with its question as the title and its answer as the body.

    The question is not added as a phrasing (a vector of its own, max-pooled with the
    passage): on our dev set's held-out folds that cost the plain FAQ corpus 0.05 nDCG@10 on
    the dense side (bench/retrieval_dev.py; one question per document matches loosely, where
    the curated index's many alternates match well). The labels go, so that the passage reads
    "question answer" as our own entries do.
    """
    title, text = title.strip(), text.strip()
    found = split_question_answer(text)
    if found is None:
        return Document(doc_id, title, text)
    question, answer = found
    if title:  # a heading of its own: keep it, and the question with the answer
        return Document(doc_id, title, f"{question} {answer}")
    return Document(doc_id, question, answer)


@dataclass(frozen=True)
class PassageSplit:
    """Documents longer than `max_chars` are encoded as passages of at most `piece_chars`
    (whole sentences), each preceded by the document's title."""

    max_chars: int = 700
    piece_chars: int = 450

    def passages(self, document: Document) -> list[str]:
        body = document.body
        if not self.max_chars or len(document.passage) <= self.max_chars:
            return [document.passage]
        pieces: list[str] = []
        current = ""
        for sentence in SENTENCE.findall(body) or [body]:
            if current and len(current) + len(sentence) > self.piece_chars:
                pieces.append(current)
                current = ""
            current += sentence
        if current.strip():
            pieces.append(current)
        head = f"{document.title} " if document.title else ""
        return [f"{head}{piece.strip()}" for piece in pieces if piece.strip()]


def question_sentence(query: str, min_chars: int = 40) -> str | None:
    """The sentence that asks, in a query long enough to have background; else None.

    The last sentence with a question cue (a question mark, ですか, 教えて, …), or the last
    sentence when none has one.
    """
    text = query.strip()
    if len(text) < min_chars:
        return None
    sentences = [s.strip() for s in SENTENCE.findall(text) if s.strip()]
    if len(sentences) < 2:
        return None
    asking = [s for s in sentences if QUESTION_CUES.search(s)]
    chosen = asking[-1] if asking else sentences[-1]
    return chosen if len(chosen) < len(text) else None
