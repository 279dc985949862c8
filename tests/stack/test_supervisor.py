"""The supervisor's children: one app and N Rasa processes, each with its own tracker file."""

from __future__ import annotations

from pathlib import Path

import pytest

from stack.supervisor import Ports, build_children


def option(command: list[str], name: str) -> str:
    return command[command.index(name) + 1]


def test_one_rasa_process_keeps_the_names_and_file_it_always_had(tmp_path: Path) -> None:
    rasa, app = build_children(tmp_path / "bot.tar.gz", Ports(rasa=5005), tmp_path)
    assert (rasa.name, app.name) == ("rasa", "app")
    assert rasa.env["TRACKER_DB"] == str(tmp_path / "rasa_tracker.sqlite3")
    assert app.env["RASA_URL"] == "http://127.0.0.1:5005"


def test_several_rasa_processes_get_consecutive_ports_and_their_own_files(
    tmp_path: Path,
) -> None:
    children = build_children(tmp_path / "bot.tar.gz", Ports(rasa=5005, rasa_processes=3), tmp_path)
    *rasas, app = children
    assert [r.name for r in rasas] == ["rasa-0", "rasa-1", "rasa-2"]
    assert [option(r.command, "--port") for r in rasas] == ["5005", "5006", "5007"]
    files = [r.env["TRACKER_DB"] for r in rasas]
    assert len(set(files)) == 3 and files[0] == str(tmp_path / "rasa_tracker.sqlite3")
    # every process calls the same app for its actions, with the same secret
    assert {r.env["ACTION_ENDPOINT_URL"] for r in rasas} == {"http://127.0.0.1:8000/webhook"}
    assert len({r.env["ACTION_TOKEN"] for r in rasas} | {app.env["ACTION_TOKEN"]}) == 1
    assert app.env["RASA_URL"].split(",") == [
        "http://127.0.0.1:5005",
        "http://127.0.0.1:5006",
        "http://127.0.0.1:5007",
    ]


def test_rasa_beyond_loopback_needs_a_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RASA_TOKEN", raising=False)
    with pytest.raises(SystemExit):
        build_children(tmp_path / "bot.tar.gz", Ports(host="0.0.0.0"), tmp_path)
