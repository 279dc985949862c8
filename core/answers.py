"""A knowledge-base answer as chat messages: the curated text, its dated source, what next.

The same messages whether Rasa's actions answer (bot/actions) or the app answers on its own
while Rasa is down (core/conversation.py), so a resident cannot tell the two apart.
"""

from __future__ import annotations

from core.schemas import AnswerSource, Button, ChatMessage
from core.texts import reply_text
from knowledge.municipality import Contact, Municipality
from retrieval.documents import Document
from retrieval.knowledge_service import AnswerDecision, KnowledgeService

MAX_PLAN_CHARS = 450
MAX_RELATED_BUTTONS = 3


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit]
    end = max(cut.rfind("。"), cut.rfind("\n"))
    return (cut[: end + 1] if end > limit // 2 else cut) + "…"


def answer_text(document: Document) -> str:
    """An FAQ's answer as curated; a plan passage under its heading path, shortened."""
    if document.metadata.get("kind") == "plan":
        heading = " > ".join(document.title.split(" > ")[1:]) or document.title
        return reply_text(
            "plan_passage", heading=heading, passage=_shorten(document.body, MAX_PLAN_CHARS)
        )
    return document.body.strip()


def document_message(document: Document) -> ChatMessage:
    source = document.metadata.get("source") or {}
    return ChatMessage(
        text=answer_text(document),
        sources=[
            AnswerSource(
                title=str(source.get("title", "")), date=source.get("date"), url=source.get("url")
            )
        ],
        steps=[str(s) for s in document.metadata.get("steps", [])],
        link=document.metadata.get("url"),
        answer_id=document.id,
    )


def related_message(documents: list[Document]) -> ChatMessage | None:
    """Questions a resident asking this often needs next; the payload asks them again."""
    unique = list({d.id: d for d in documents}.values())[:MAX_RELATED_BUTTONS]
    if not unique:
        return None
    return ChatMessage(
        text=reply_text("related_questions"),
        buttons=[Button(title=d.title, payload=d.title) for d in unique],
    )


def _contact_text(key: str, contact: Contact) -> str:
    return reply_text(
        key,
        contact_name=contact.name,
        contact_phone=contact.phone or "",
        contact_hours=contact.hours_text or "",
    )


def cannot_answer(municipality: Municipality) -> ChatMessage:
    """The honest 'cannot answer', always with the general contact."""
    return ChatMessage(text=_contact_text("cannot_answer", municipality.fallback_contact))


def answer_may_differ(municipality: Municipality) -> ChatMessage:
    return ChatMessage(text=_contact_text("answer_may_differ", municipality.fallback_contact))


def decision_messages(
    decision: AnswerDecision, knowledge: KnowledgeService, municipality: Municipality
) -> list[ChatMessage]:
    """The answer (with its curated and close alternatives, and a note when it is not sure),
    or the cannot-answer reply."""
    if decision.best is None:
        return [cannot_answer(municipality)]
    best = decision.best.document
    curated = [d for d in map(knowledge.document, best.metadata.get("related", [])) if d]
    messages = [document_message(best)]
    related = related_message([*curated, *(r.document for r in decision.related)])
    if related is not None:
        messages.append(related)
    if decision.tentative:
        messages.append(answer_may_differ(municipality))
    return messages
