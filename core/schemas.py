"""Request and response models of the chat API (the contract in DESIGN.md)."""

from __future__ import annotations

from pydantic import BaseModel, Field

SESSION_ID_PATTERN = r"^[A-Za-z0-9_\-:.]{1,64}$"
# Hard limit of the chat API; messages between the conversational limit
# (Settings.max_message_chars) and this one get a polite "please shorten" reply, not an error.
MAX_REQUEST_TEXT_CHARS = 10_000


class Button(BaseModel):
    title: str
    payload: str


class AnswerSource(BaseModel):
    """Where an answer's facts come from, shown under it with its date."""

    title: str
    url: str | None = None
    date: str | None = None


class ChatMessage(BaseModel):
    text: str
    buttons: list[Button] = Field(default_factory=list)
    sources: list[AnswerSource] = Field(default_factory=list)
    # Short steps and a "詳しく" link for channels that show rich answers (LINE Flex, kiosk).
    steps: list[str] = Field(default_factory=list)
    link: str | None = None
    # the knowledge entry this message answers with (its id in knowledge/), when it does
    answer_id: str | None = None


class ChatRequest(BaseModel):
    # the id the last response gave; omitted (or not one the server issued): a new conversation
    session_id: str | None = Field(default=None, pattern=SESSION_ID_PATTERN)
    text: str = Field(max_length=MAX_REQUEST_TEXT_CHARS)


class ChatResponse(BaseModel):
    # send it back with the next message to continue this conversation
    session_id: str
    messages: list[ChatMessage]
