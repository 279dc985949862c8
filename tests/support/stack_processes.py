"""Which of the supervisor's children serves a port, read from /proc (Linux).

The fault tests kill a child the way a crash would (SIGKILL) and watch the supervisor
(stack/supervisor.py) start it again. They must hit the child of *their* stack, not any
process with a similar command line: so the child is found as the one of the supervisor's
direct children whose process tree holds the listening socket of the port.
"""

from __future__ import annotations

import os
from pathlib import Path

PROC = Path("/proc")
TCP_LISTEN = "0A"


def listening_socket_inodes(port: int) -> set[int]:
    """Inodes of the sockets listening on `port` (IPv4 and IPv6)."""
    inodes: set[int] = set()
    for table in ("tcp", "tcp6"):
        path = PROC / "net" / table
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            local, state, inode = fields[1], fields[3], int(fields[9])
            if state == TCP_LISTEN and int(local.rsplit(":", 1)[1], 16) == port and inode:
                inodes.add(inode)
    return inodes


def _parent_pid(pid: int) -> int | None:
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # the command name in parentheses may hold spaces: fields start after the last ")"
    return int(stat.rsplit(")", 1)[1].split()[1])


def _all_pids() -> list[int]:
    return [int(p.name) for p in PROC.iterdir() if p.name.isdigit()]


def descendants(pid: int) -> set[int]:
    """`pid` and every process below it."""
    children: dict[int, list[int]] = {}
    for other in _all_pids():
        parent = _parent_pid(other)
        if parent is not None:
            children.setdefault(parent, []).append(other)
    found, todo = set(), [pid]
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo.extend(children.get(current, []))
    return found


def _holds_socket(pid: int, inodes: set[int]) -> bool:
    wanted = {f"socket:[{inode}]" for inode in inodes}
    try:
        fds = list((PROC / str(pid) / "fd").iterdir())
    except OSError:
        return False
    for fd in fds:
        try:
            if os.readlink(fd) in wanted:
                return True
        except OSError:
            continue
    return False


def child_serving_port(supervisor_pid: int, port: int) -> int | None:
    """The pid of the supervisor's direct child whose process tree listens on `port`, or
    None while nothing does (the child is down, or still starting)."""
    inodes = listening_socket_inodes(port)
    if not inodes:
        return None
    for child in sorted(descendants(supervisor_pid) - {supervisor_pid}):
        if _parent_pid(child) != supervisor_pid:
            continue
        if any(_holds_socket(pid, inodes) for pid in descendants(child)):
            return child
    return None
