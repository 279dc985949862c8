"""Where the running bot sends the dev set's answerable questions, and how often it is right.

bench/retrieval_dev.py scores the retriever alone; a resident talks to the whole bot, where
Rasa may take a flow (the procedure menu, the card form, a card topic) before the knowledge
base answers. Each question goes to the bot at --url in its own session; the report gives
the share whose first FAQ is one the qrels judge relevant, and for the others what they got
instead, by kind: another FAQ, or no FAQ at all (with the start of the reply). With
--compare-knowledge the knowledge base's own decision (what the app answers while Rasa is
down) is computed in this process too, and the questions it gets right but the bot does not
are listed: those are routing losses, not ranking misses.

    python3 -m stack run &   # or any running stack
    .venvs/app/bin/python -m bench.dialogue_routing [--url http://127.0.0.1:8000] [--limit N]
        [--compare-knowledge]
"""

from __future__ import annotations

import argparse
import asyncio
from collections import Counter

import httpx

from tests.support.residents import AsyncResident, shared_client
from tests.support.retrieval_dev_set import DevQuestion, answerable, spread

CONCURRENCY = 4


async def _ask(
    client: httpx.AsyncClient, question: DevQuestion, gate: asyncio.Semaphore
) -> tuple[str, str]:
    async with gate:
        exchange = await AsyncResident(client).say(question.text)
    if not exchange.answered:
        return "no reply", exchange.error or str(exchange.status)
    if question.answered_right(exchange.messages):
        return "right", ""
    first = next((m["answer_id"] for m in exchange.messages if m.get("answer_id")), None)
    if first:
        return "other FAQ", first
    return "no FAQ", " | ".join(str(m.get("text", ""))[:30] for m in exchange.messages)


def knowledge_answers(questions: list[DevQuestion]) -> list[str | None]:
    """The FAQ the app's own index answers each question with (None: it abstains)."""
    from app.settings import Settings
    from embedding.sentence_transformer import SentenceTransformerEmbedder
    from knowledge.municipality import Municipality
    from retrieval.knowledge_service import KnowledgeService

    settings = Settings()
    service = KnowledgeService.build(
        settings.knowledge_dir,
        Municipality.load(settings.knowledge_dir / "municipality.yml"),
        SentenceTransformerEmbedder(settings.embedding_model_dir),
        settings.index_dir,
        progress=lambda _: None,
    )
    answers: list[str | None] = []
    for question in questions:
        decision = service.decide(question.text)
        answers.append(decision.best.document.id if decision.best else None)
    return answers


async def _run(url: str, questions: list[DevQuestion]) -> list[tuple[str, str]]:
    gate = asyncio.Semaphore(CONCURRENCY)
    async with shared_client(url, CONCURRENCY) as client:
        return await asyncio.gather(*(_ask(client, q, gate) for q in questions))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.dialogue_routing")
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--limit", type=int, default=0, help="ask this many, spread over the set")
    parser.add_argument("--compare-knowledge", action="store_true")
    args = parser.parse_args(argv)
    questions = list(answerable())
    if args.limit:
        questions = spread(questions, args.limit)
    outcomes = asyncio.run(_run(args.url, questions))
    counts = Counter(kind for kind, _ in outcomes)
    total = len(questions)
    print(f"questions: {total}")
    for kind in ("right", "other FAQ", "no FAQ", "no reply"):
        print(f"{kind:>10}: {counts[kind]:4d} ({counts[kind] / total:.1%})")
    for kind in ("no FAQ", "no reply"):
        for question, (got, detail) in zip(questions, outcomes, strict=True):
            if got == kind:
                print(f"[{kind}] {question.id} {question.text[:40]} -> {detail}")
    if args.compare_knowledge:
        known = knowledge_answers(questions)
        alone = sum(a in q.relevant for q, a in zip(questions, known, strict=True))
        print(f"knowledge base alone right: {alone} ({alone / total:.1%})")
        for question, answer, (got, detail) in zip(questions, known, outcomes, strict=True):
            if (answer in question.relevant) != (got == "right"):
                side = "lost by routing" if got != "right" else "won by routing"
                print(f"[{side}] {question.id} {question.text[:40]} -> {got} {detail[:40]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
