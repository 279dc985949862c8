"""The part of a LINE webhook body the app relies on, as one model: the router documents it
and the channel checks every verified body against it before queueing the events.

An object with a list of events. Each event has what line-bot-sdk needs to read any event,
even one of a type it does not know (type, timestamp, mode, webhookEventId, deliveryContext,
a source with a type): an event that cannot be read would only fail again on every retry.
The rest belongs to LINE, which adds fields and event types over time; an event type the app
does not know is skipped when it is answered, never refused here. Types are strict, as they
are in line-bot-sdk's own models.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

_LINE_OWNS_THE_REST = ConfigDict(extra="allow", strict=True, populate_by_name=True)


class LineEventSource(BaseModel):
    model_config = _LINE_OWNS_THE_REST

    type: str


class LineDeliveryContext(BaseModel):
    model_config = _LINE_OWNS_THE_REST

    is_redelivery: bool = Field(alias="isRedelivery")


class LineWebhookEvent(BaseModel):
    model_config = _LINE_OWNS_THE_REST

    type: str
    timestamp: int
    mode: Literal["active", "standby"]
    webhook_event_id: str = Field(alias="webhookEventId")
    delivery_context: LineDeliveryContext = Field(alias="deliveryContext")
    source: LineEventSource | None = None


class LineWebhookBody(BaseModel):
    model_config = _LINE_OWNS_THE_REST

    # the bot's own user id, which LINE sends with every delivery
    destination: str = ""
    events: list[LineWebhookEvent]
