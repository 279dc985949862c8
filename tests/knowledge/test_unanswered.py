"""The unanswered-questions log: what staff read to decide which FAQ entries to write next."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

from knowledge.unanswered import UnansweredLog, to_csv, to_markdown
from repo_paths import REPO_ROOT


def filled_log(path: Path) -> UnansweredLog:
    log = UnansweredLog(path)
    log.record(
        "粗大ごみの出し方",
        channel="web",
        nearest_id="faq-a",
        nearest_question="A？",
        nearest_score=0.81234,
    )
    log.record(
        "粗大ごみの出し方",
        channel="line",
        nearest_id="faq-a",
        nearest_question="A？",
        nearest_score=0.8,
    )
    log.record("犬の登録 | 鑑札", channel="web")
    return log


def test_repeated_questions_are_counted_once_most_asked_first(tmp_path: Path) -> None:
    rows = filled_log(tmp_path / "app.sqlite3").rows()

    assert [(r.question, r.count) for r in rows] == [
        ("粗大ごみの出し方", 2),
        ("犬の登録 | 鑑札", 1),
    ]
    assert rows[0].nearest_id == "faq-a"
    assert rows[0].nearest_score == 0.812
    assert rows[1].nearest_id is None


def test_very_long_questions_are_cut(tmp_path: Path) -> None:
    log = UnansweredLog(tmp_path / "app.sqlite3")
    log.record("あ" * 2000)

    assert len(log.rows()[0].question) == 500


def test_the_reports_keep_every_row_and_escape_table_cells(tmp_path: Path) -> None:
    rows = filled_log(tmp_path / "app.sqlite3").rows()

    markdown = to_markdown(rows).splitlines()
    assert markdown[0].startswith("| 件数 | 質問")
    assert len(markdown) == 2 + len(rows)
    assert "犬の登録 \\| 鑑札" in markdown[3]
    assert "faq-a（A？）" in markdown[2]
    parsed = list(csv.reader(io.StringIO(to_csv(rows))))
    assert parsed[0][:2] == ["question", "count"]
    assert parsed[2][0] == "犬の登録 | 鑑札"


def test_the_staff_command_prints_the_report(tmp_path: Path) -> None:
    filled_log(tmp_path / "app.sqlite3")

    result = subprocess.run(
        [sys.executable, "-m", "knowledge", "unanswered", "--db", str(tmp_path / "app.sqlite3")],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )

    assert "| 2 | 粗大ごみの出し方 |" in result.stdout


def test_the_staff_command_says_when_nothing_was_recorded(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "knowledge", "unanswered", "--db", str(tmp_path / "none.sqlite3")],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )

    assert result.returncode == 1
    assert "nothing recorded yet" in result.stderr
