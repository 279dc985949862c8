"""Questions the bot could not answer, kept (masked) so staff can add FAQ entries for them.

`python -m knowledge unanswered --format md` prints them grouped and counted, with the
nearest FAQ, ready to paste into a pull request.
"""

from __future__ import annotations

import csv
import io
import sqlite3
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

STAFF_TEXTS_FILE = Path(__file__).with_name("staff_texts.ja.yml")

SCHEMA = """
CREATE TABLE IF NOT EXISTS unanswered (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    asked_at REAL NOT NULL,
    channel TEXT NOT NULL,
    question TEXT NOT NULL,
    nearest_id TEXT,
    nearest_question TEXT,
    nearest_score REAL
);
"""


@dataclass(frozen=True)
class UnansweredRow:
    question: str
    count: int
    last_asked: str
    nearest_id: str | None
    nearest_question: str | None
    nearest_score: float | None


class UnansweredLog:
    """Append-only SQLite log. The caller passes text that is already masked."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        with self._connect() as db:
            db.executescript(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=10)

    def record(
        self,
        question: str,
        *,
        channel: str = "",
        nearest_id: str | None = None,
        nearest_question: str | None = None,
        nearest_score: float | None = None,
    ) -> None:
        with self._lock, self._connect() as db:
            db.execute(
                "INSERT INTO unanswered (asked_at, channel, question, nearest_id, "
                "nearest_question, nearest_score) VALUES (?, ?, ?, ?, ?, ?)",
                (time.time(), channel, question[:500], nearest_id, nearest_question, nearest_score),
            )

    def rows(self) -> list[UnansweredRow]:
        with self._connect() as db:
            result = db.execute(
                "SELECT question, COUNT(*), MAX(asked_at), nearest_id, nearest_question, "
                "MAX(nearest_score) FROM unanswered GROUP BY question "
                "ORDER BY COUNT(*) DESC, MAX(asked_at) DESC"
            ).fetchall()
        return [
            UnansweredRow(
                q,
                n,
                time.strftime("%Y-%m-%d %H:%M", time.localtime(t)),
                nid,
                nq,
                round(s, 3) if s is not None else None,
            )
            for q, n, t, nid, nq, s in result
        ]


def to_csv(rows: list[UnansweredRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["question", "count", "last_asked", "nearest_id", "nearest_question", "nearest_score"]
    )
    for r in rows:
        writer.writerow(
            [
                r.question,
                r.count,
                r.last_asked,
                r.nearest_id or "",
                r.nearest_question or "",
                "" if r.nearest_score is None else r.nearest_score,
            ]
        )
    return out.getvalue()


@lru_cache
def _report_texts() -> dict[str, str]:
    texts = yaml.safe_load(STAFF_TEXTS_FILE.read_text(encoding="utf-8"))
    return {str(k): str(v) for k, v in texts["unanswered_report"].items()}


def to_markdown(rows: list[UnansweredRow]) -> str:
    def cell(text: object) -> str:
        return str(text).replace("|", "\\|").replace("\n", " ")

    texts = _report_texts()
    columns = ("count", "question", "last_asked", "nearest", "score")
    lines = [
        "| " + " | ".join(texts[c] for c in columns) + " |",
        "|---:|---|---|---|---:|",
    ]
    for r in rows:
        nearest = (
            texts["nearest_entry"].format(id=r.nearest_id, question=r.nearest_question)
            if r.nearest_id
            else "—"
        )
        score = "" if r.nearest_score is None else f"{r.nearest_score:.3f}"
        lines.append(
            f"| {r.count} | {cell(r.question)} | {r.last_asked} | {cell(nearest)} | {score} |"
        )
    return "\n".join(lines) + "\n"
