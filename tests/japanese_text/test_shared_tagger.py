"""Segmenters share the process's one MeCab tagger, so building a new one (every knowledge
reload builds a new retriever) does not map unidic-lite's dictionary again: fugashi never
unmaps it, and the app grew ~160 MiB a reload when each segmenter had its own."""

from __future__ import annotations

import threading
from pathlib import Path

from japanese_text import WordSegmenter

QUESTION = "マイナンバーカードをなくしたときはどうすればいいですか"
OTHER_QUESTION = "住民票の写しの手数料はいくらですか。国民健康保険にも入りたい"
ROUNDS = 1000


def dictionary_mappings() -> int:
    maps = Path("/proc/self/maps").read_text(encoding="ascii", errors="replace")
    return sum(1 for line in maps.splitlines() if line.endswith("sys.dic"))


def test_new_segmenters_do_not_map_the_dictionary_again() -> None:
    WordSegmenter().segment(QUESTION)
    before = dictionary_mappings()

    for _ in range(3):
        WordSegmenter().segment(QUESTION)

    assert before >= 1
    assert dictionary_mappings() == before


def test_segmenters_used_from_several_threads_get_the_same_words() -> None:
    """A parse reuses the tagger's lattice: unguarded, threads read each other's words."""
    texts = [QUESTION, OTHER_QUESTION]
    expected = {text: [w.lemma for w in WordSegmenter().segment(text)] for text in texts}
    wrong: list[str] = []

    def segment_many(text: str) -> None:
        segmenter = WordSegmenter()
        for _ in range(ROUNDS):
            if [w.lemma for w in segmenter.segment(text)] != expected[text]:
                wrong.append(text)

    threads = [threading.Thread(target=segment_many, args=(texts[i % 2],)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert wrong == []
