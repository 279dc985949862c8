"""Sends a knowledge document as a bot message: the curated text, its source and date."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from retrieval.documents import Document

MAX_PLAN_CHARS = 450
MAX_BUTTONS = 3


def response_text(domain: dict[str, Any], name: str) -> str:
    """The first text variant of a domain response (Japanese text stays in the domain)."""
    variants = domain.get("responses", {}).get(name) or [{}]
    return str(variants[0].get("text", ""))


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit]
    end = max(cut.rfind("。"), cut.rfind("\n"))
    return (cut[: end + 1] if end > limit // 2 else cut) + "…"


def answer_text(domain: dict[str, Any], document: Document) -> str:
    """An FAQ's answer as curated; a plan passage under its heading path, shortened."""
    if document.metadata.get("kind") == "plan":
        heading = " > ".join(document.title.split(" > ")[1:]) or document.title
        passage = _shorten(document.body, MAX_PLAN_CHARS)
        return response_text(domain, "utter_plan_passage").format(heading=heading, passage=passage)
    return document.body.strip()


def utter_document(
    dispatcher: CollectingDispatcher, domain: dict[str, Any], document: Document
) -> None:
    source = document.metadata.get("source") or {}
    dispatcher.utter_message(
        text=answer_text(domain, document),
        json_message={
            "sources": [
                {
                    "title": source.get("title", ""),
                    "date": source.get("date"),
                    "url": source.get("url"),
                }
            ],
            "steps": document.metadata.get("steps", []),
            "link": document.metadata.get("url"),
            "document_id": document.id,
        },
    )


def utter_related(
    dispatcher: CollectingDispatcher, domain: dict[str, Any], documents: list[Document]
) -> None:
    """Offers close alternatives as buttons; the payload is the question, asked again."""
    if not documents:
        return
    dispatcher.utter_message(
        text=response_text(domain, "utter_related_questions"),
        buttons=[{"title": d.title, "payload": d.title} for d in documents[:MAX_BUTTONS]],
    )
