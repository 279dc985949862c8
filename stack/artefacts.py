"""Build artefacts of the app environment: the embedding model and the knowledge index."""

from __future__ import annotations

from stack.progress import say


def ensure_all() -> None:
    say("no app artefacts to build yet")
