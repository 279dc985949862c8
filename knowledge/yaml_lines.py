"""YAML loading that remembers on which line each list item starts (for staff messages)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_with_lines(path: Path) -> Any:
    """Like yaml.safe_load, but every mapping gets a `__line__` key (1-based)."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)  # noqa: S506


def strip_lines(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: strip_lines(v) for k, v in value.items() if k != "__line__"}
    if isinstance(value, list):
        return [strip_lines(v) for v in value]
    return value
