"""The conversation core: what a turn is, independent of HTTP frameworks and of Rasa's code.

Request/response schemas, the app's own texts, personal-data masking, the emergency check,
the conversation turn and the one `Runtime` (municipality, knowledge, unanswered log) that a
knowledge reload replaces. Routers (app/) and adapters (channels/, bot/) build on it; it builds
on retrieval/, knowledge/ and japanese_text/ only (import-linter holds this, see
docs/architecture.md). Modules here import nothing heavy at import time, so the Rasa
environment can use the parts it needs (the emergency check).
"""
