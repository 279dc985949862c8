"""A data file a component needs at inference, copied into the trained model.

A trained model must be self-contained: the lexicons it was trained with travel inside it,
so a later edit on disk never changes what a running model does until it is retrained.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage

logger = logging.getLogger(__name__)


def persist(model_storage: ModelStorage, resource: Resource, source: Path, name: str) -> None:
    with model_storage.write_to(resource) as directory:
        shutil.copy2(source, Path(directory) / name)


def persist_text(model_storage: ModelStorage, resource: Resource, text: str, name: str) -> None:
    """For what a component learns in training rather than reads from a file."""
    with model_storage.write_to(resource) as directory:
        (Path(directory) / name).write_text(text, encoding="utf-8")


@contextlib.contextmanager
def persisted(model_storage: ModelStorage, resource: Resource, name: str) -> Iterator[Path | None]:
    """The persisted copy while the context lasts, or None when the model has none."""
    try:
        with model_storage.read_from(resource) as directory:
            path = Path(directory) / name
            yield path if path.is_file() else None
    except ValueError:
        logger.debug(f"Resource '{resource.name}' has no persisted '{name}'.")
        yield None
