"""Loads the knowledge into the runtime and swaps in a new one when staff change knowledge/.

The new index is built in a worker thread while the old one keeps answering; the swap is a
single assignment on the RuntimeHolder, so residents never see downtime or a half-built
index, and every reader (actions, the fallback contact, the LINE greeting) sees the new
municipality.yml at the same moment as the new index.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import gc
import hashlib
import logging
import time
from collections.abc import Callable
from pathlib import Path

from core.emergency import EmergencyLexicon
from core.runtime import Runtime, RuntimeHolder
from knowledge.municipality import Municipality
from knowledge.unanswered import UnansweredLog
from retrieval.embedder import Embedder
from retrieval.knowledge_service import KnowledgeService
from retrieval.remembered_terms import RememberedTerms, RememberingTermAnalyzer

logger = logging.getLogger(__name__)

# How often knowledge/ is checked (a stat of each data file: cheap). The README promises an
# edit is live within 30 s: this wait plus the rebuild (5-15 s at ~670 entries on the
# 2-core VM, bench/knowledge_reload_bench.py) must stay under it.
WATCH_INTERVAL_SECONDS = 5.0
KNOWLEDGE_SUFFIXES = (".yml", ".yaml", ".md")


def knowledge_fingerprint(knowledge_dir: Path) -> str:
    """Cheap change detection: names, sizes and modification times of the data files."""
    digest = hashlib.sha256()
    for path in sorted(knowledge_dir.rglob("*")):
        if path.is_file() and path.suffix in KNOWLEDGE_SUFFIXES:
            stat = path.stat()
            digest.update(f"{path}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def release_freed_memory() -> None:
    """The replaced runtime (its index, BM25 tables, analyzers) is garbage after a swap:
    collect it, and hand the pages glibc keeps for reuse back to the system, so that the
    app's size at rest does not creep up with every reload."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to hand back
        ctypes.CDLL("libc.so.6").malloc_trim(0)


class KnowledgeReloader:
    def __init__(
        self,
        holder: RuntimeHolder,
        knowledge_dir: Path,
        embedder: Embedder,
        index_dir: Path,
        unanswered: UnansweredLog | None,
        on_reload: Callable[[str], None] | None = None,
    ) -> None:
        self.holder = holder
        self._on_reload = on_reload or (lambda _: None)
        self.knowledge_dir = knowledge_dir
        self.index_dir = index_dir
        self.embedder = embedder
        self.unanswered = unanswered
        self._fingerprint = ""
        # how long the last load took, from noticing the change to the swap (bench/ reads it
        # from the log line)
        self.last_load_seconds = 0.0
        # document terms of the last build: a reload analyses only the texts that changed
        self._terms = RememberedTerms()
        self._task: asyncio.Task[None] | None = None

    def _build(self) -> Runtime:
        municipality = Municipality.load(self.knowledge_dir / "municipality.yml")
        emergency = EmergencyLexicon.load(self.knowledge_dir / "emergency.yml")
        analyzer = RememberingTermAnalyzer(self.knowledge_dir / "lexicon.yml", self._terms)
        with analyzer.recording():
            service = KnowledgeService.build(
                self.knowledge_dir, municipality, self.embedder, self.index_dir, analyzer=analyzer
            )
        # A cached index loads without the model; load it (and run one search) now, so the
        # first resident after start-up does not wait seconds while /readyz already said ready.
        service.search("マイナンバーカード", top_k=1)
        return Runtime(municipality, emergency, service, self.unanswered)

    async def load(self) -> None:
        started = time.monotonic()
        fingerprint = knowledge_fingerprint(self.knowledge_dir)
        runtime = await asyncio.to_thread(self._build)
        self.holder.replace(runtime)
        self._fingerprint = fingerprint
        self.last_load_seconds = time.monotonic() - started
        await asyncio.to_thread(release_freed_memory)

    def start_watching(self, interval: float = WATCH_INTERVAL_SECONDS) -> None:
        self._task = asyncio.create_task(self._watch(interval))

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()

    async def _watch(self, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            try:
                if knowledge_fingerprint(self.knowledge_dir) != self._fingerprint:
                    logger.info("knowledge changed: rebuilding the index in the background")
                    await self.load()
                    knowledge = self.holder.current.knowledge
                    logger.info(
                        "knowledge index swapped in (%s) after %.1f s",
                        knowledge and knowledge.key,
                        self.last_load_seconds,
                    )
                    self._on_reload("ok")
            except Exception:  # keep serving the old index; staff see the error in the log
                logger.exception("reloading the knowledge failed; keeping the previous index")
                self._on_reload("failed")
