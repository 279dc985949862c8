"""Finding the stack's processes and their use from /proc (bench/stack_processes.py)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.stack_processes import (
    ProcessSample,
    StackProcesses,
    cpu_percent,
    listening_inodes,
    parse_stat,
    process_name,
    rss_changes,
)
from repo_paths import REPO_ROOT
from stack.supervisor import Ports, build_children

DATA = REPO_ROOT / "tests" / "data" / "bench"


def test_only_listening_sockets_on_the_port_are_found() -> None:
    table = (DATA / "proc_net_tcp.txt").read_text(encoding="ascii")
    assert listening_inodes(table, 8000) == {51001}  # not the accepted connection
    assert listening_inodes(table, 5005) == {51003}
    assert listening_inodes(table, 80) == set()


def test_ipv6_listeners_are_found_too() -> None:
    table = (DATA / "proc_net_tcp6.txt").read_text(encoding="ascii")
    assert listening_inodes(table, 8000) == {52001}


def test_stat_is_read_past_a_command_name_with_a_parenthesis() -> None:
    stat = parse_stat((DATA / "proc_stat.txt").read_text(encoding="ascii"))
    assert stat.ppid == 4200
    assert stat.cpu_ticks == 200


def test_the_supervisors_own_commands_get_their_role_names(tmp_path: Path) -> None:
    children = build_children(tmp_path / "bot.tar.gz", Ports(rasa=5006), tmp_path)
    names = {child.name: process_name(child.command, 1) for child in children}
    assert names == {"rasa": "rasa:5006", "app": "app"}
    assert process_name(["/usr/bin/python3", "-m", "stack", "run"], 1) == "supervisor"
    assert process_name(["/usr/bin/sleep", "30"], 77) == "sleep[77]"


def test_cpu_percent_is_per_core_over_the_interval() -> None:
    before = [ProcessSample(1, "app", 100, 10.0), ProcessSample(2, "rasa", 100, 4.0)]
    after = [
        ProcessSample(1, "app", 100, 19.0),
        ProcessSample(2, "rasa", 100, 4.5),
        ProcessSample(3, "new", 10, 1.0),  # no start: no figure rather than a wrong one
    ]
    assert cpu_percent(before, after, 10.0) == {1: pytest.approx(90.0), 2: pytest.approx(5.0)}


def test_rss_growth_matches_roles_and_notices_a_restart() -> None:
    start = [ProcessSample(1, "app", 1000, 0), ProcessSample(2, "rasa:5005", 1500, 0)]
    end = [ProcessSample(1, "app", 1100, 0), ProcessSample(9, "rasa:5005", 1200, 0)]
    app, rasa = rss_changes(start, end)
    assert (app.percent, app.restarted) == (pytest.approx(10.0), False)
    assert (rasa.percent, rasa.restarted) == (pytest.approx(-20.0), True)


def test_rss_growth_keeps_the_anonymous_part_apart_from_mapped_files() -> None:
    start = [ProcessSample(1, "app", 1000, 0, anon_mib=600)]
    end = [ProcessSample(1, "app", 1300, 0, anon_mib=650)]
    (app,) = rss_changes(start, end)
    assert (app.start_anon_mib, app.end_anon_mib) == (600, 650)
    assert (app.end_mib - app.end_anon_mib) - (app.start_mib - app.start_anon_mib) == 250


@pytest.fixture
def listening_port() -> Iterator[int]:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        yield server.getsockname()[1]


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux's /proc")
def test_the_listener_and_its_children_are_the_stack(listening_port: int) -> None:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        stack = StackProcesses(listening_port)
        assert stack.listener_pids(listening_port) == [os.getpid()]
        found = stack.discover()
        assert os.getpid() in found and child.pid in found
        samples = {s.pid: s for s in stack.sample()}
        assert samples[os.getpid()].rss_mib > 10
        assert 0 < samples[os.getpid()].anon_mib < samples[os.getpid()].rss_mib
        assert samples[os.getpid()].cpu_seconds > 0
    finally:
        child.kill()
        child.wait()


SUPERVISOR = """
import subprocess, sys, time
listen = (
    "import socket, time; s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(); "
    "print(s.getsockname()[1], flush=True); time.sleep(60)"
)
subprocess.Popen([sys.executable, "-c", listen])
subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
time.sleep(60)
"""


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux's /proc")
def test_behind_the_supervisor_the_whole_tree_is_the_stack() -> None:
    # argv like `python3 -m stack run`: a parent with two children, one of them listening
    supervisor = subprocess.Popen(
        [sys.executable, "-c", SUPERVISOR, "stack", "run"],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert supervisor.stdout is not None
        port = int(supervisor.stdout.readline())
        found = StackProcesses(port).discover()
        assert found[supervisor.pid] == "supervisor"
        assert len(found) == 3  # the listener and its sibling came along
        assert StackProcesses(port).listener_pids(port)[0] in found
    finally:
        os.killpg(supervisor.pid, signal.SIGKILL)
        supervisor.wait()


def test_nothing_listening_is_no_stack() -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    assert StackProcesses(port).discover() == {}
