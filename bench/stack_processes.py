"""The processes of a running stack and what they use, read from /proc (no psutil here).

The stack is found from the outside, the way an operator would: the process listening on the
app's port; when its parent is the supervisor (`python3 -m stack run`), the supervisor and
every process under it (the app, one or more Rasa servers and whatever they fork). Processes
listening on the given Rasa ports are added when they run on their own (a hand-started Rasa).
The stack is looked up again at every sample, so a restarted child is followed.

The RSS total counts pages shared between processes once per process: an upper bound.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")
LISTEN = "0A"  # TCP state in /proc/net/tcp
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class ProcessSample:
    pid: int
    name: str
    rss_mib: float
    cpu_seconds: float  # user + system since the process started
    # the anonymous part of rss (heap, arenas, tensors); the rest is mapped files (the model's
    # weights, the dictionaries), paged in as residents' words touch them and reclaimable
    anon_mib: float = 0.0


@dataclass(frozen=True)
class StatFields:
    ppid: int
    cpu_ticks: int


def listening_inodes(table: str, port: int) -> set[int]:
    """Inodes of the sockets listening on `port`, from a /proc/net/tcp or tcp6 table."""
    inodes: set[int] = set()
    for line in table.splitlines()[1:]:
        fields = line.split()
        if len(fields) < 10 or fields[3] != LISTEN:
            continue
        if int(fields[1].rsplit(":", 1)[1], 16) == port:
            inodes.add(int(fields[9]))
    return inodes


def parse_stat(text: str) -> StatFields:
    """Parent and CPU time from /proc/<pid>/stat (the command name may hold spaces and ')')."""
    rest = text[text.rindex(")") + 2 :].split()
    # rest[0] is field 3 (state): ppid is field 4, utime 14, stime 15
    return StatFields(ppid=int(rest[1]), cpu_ticks=int(rest[11]) + int(rest[12]))


def process_name(argv: Sequence[str], pid: int) -> str:
    """A short role name: supervisor, app, rasa (with its port when given), or the program."""
    joined = " ".join(argv)
    if "stack" in argv and "run" in argv:
        return "supervisor"
    if "app.main:create_app" in joined:
        return "app"
    rasa_program = any(Path(a).name == "rasa" for a in argv) or "bot.rasa_server" in argv
    if rasa_program and "run" in argv:
        port = argv[argv.index("--port") + 1] if "--port" in argv[:-1] else ""
        return f"rasa:{port}" if port else "rasa"
    program = Path(argv[0]).name if argv else "?"
    return f"{program}[{pid}]"


def cpu_percent(
    before: Iterable[ProcessSample], after: Iterable[ProcessSample], seconds: float
) -> dict[int, float]:
    """CPU use between two samples, in percent of one core (200% is both cores of two)."""
    start = {s.pid: s.cpu_seconds for s in before}
    return {
        s.pid: 100 * (s.cpu_seconds - start[s.pid]) / seconds
        for s in after
        if s.pid in start and seconds > 0
    }


class StackProcesses:
    def __init__(self, app_port: int, rasa_ports: Sequence[int] = (), proc: Path = PROC) -> None:
        self.app_port = app_port
        self.rasa_ports = tuple(rasa_ports)
        self.proc = proc

    def listener_pids(self, port: int) -> list[int]:
        inodes: set[int] = set()
        for table in ("tcp", "tcp6"):
            path = self.proc / "net" / table
            if path.exists():
                inodes |= listening_inodes(path.read_text(encoding="ascii"), port)
        wanted = {f"socket:[{inode}]" for inode in inodes}
        return sorted(pid for pid in self._pids() if self._open_links(pid) & wanted)

    def _open_links(self, pid: int) -> set[str]:
        """What the process's file descriptors point to (empty when not ours to read)."""
        links = set()
        try:
            fds = list((self.proc / str(pid) / "fd").iterdir())
        except OSError:  # gone, or another user's
            return links
        for fd in fds:
            try:
                links.add(os.readlink(fd))
            except OSError:  # closed meanwhile (the listing's own descriptor, for one)
                continue
        return links

    def discover(self) -> dict[int, str]:
        """pid -> role name of every process of the stack (empty when nothing listens)."""
        parents = self._parents()
        roots = set(self.listener_pids(self.app_port))
        for pid in list(roots):
            parent = parents.get(pid)
            if parent and process_name(self._argv(parent), parent) == "supervisor":
                roots.add(parent)
        for port in self.rasa_ports:
            roots |= set(self.listener_pids(port))
        members = set(roots)
        frontier = set(roots)
        while frontier:
            frontier = {pid for pid, parent in parents.items() if parent in frontier} - members
            members |= frontier
        return {pid: process_name(self._argv(pid), pid) for pid in sorted(members)}

    def sample(self) -> list[ProcessSample]:
        samples = []
        for pid, name in self.discover().items():
            try:
                stat = parse_stat((self.proc / str(pid) / "stat").read_text(encoding="utf-8"))
                rss, anon = _memory_mib(self.proc / str(pid) / "status")
            except (OSError, ValueError):
                continue
            samples.append(ProcessSample(pid, name, rss, stat.cpu_ticks / CLOCK_TICKS, anon))
        return samples

    def _pids(self) -> list[int]:
        return [int(p.name) for p in self.proc.iterdir() if p.name.isdigit()]

    def _parents(self) -> dict[int, int]:
        parents = {}
        for pid in self._pids():
            try:
                text = (self.proc / str(pid) / "stat").read_text(encoding="utf-8")
            except OSError:
                continue
            parents[pid] = parse_stat(text).ppid
        return parents

    def _argv(self, pid: int) -> list[str]:
        try:
            raw = (self.proc / str(pid) / "cmdline").read_bytes()
        except OSError:
            return []
        return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def _memory_mib(status: Path) -> tuple[float, float]:
    """(VmRSS, RssAnon) in MiB; a zombie has neither (0, 0)."""
    fields = {}
    for line in status.read_text(encoding="utf-8").splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "RssAnon"):
            fields[key] = int(value.split()[0]) / 1024
    return fields.get("VmRSS", 0.0), fields.get("RssAnon", 0.0)


def usage_lines(
    before: Sequence[ProcessSample], after: Sequence[ProcessSample], seconds: float
) -> list[str]:
    """One line per process (RSS now, CPU over the interval) and the stack's total."""
    if not after:
        return ["stack processes: none found (is the stack running on this machine?)"]
    cpu = cpu_percent(before, after, seconds)
    lines = [
        f"  {s.name:<12} pid {s.pid:<7} RSS {s.rss_mib:7.0f} MiB   CPU {_pct(cpu.get(s.pid))}"
        for s in after
    ]
    total_cpu = sum(cpu.values()) if cpu else None
    total_rss = sum(s.rss_mib for s in after)
    lines.append(
        f"  {'stack':<12} {len(after):<3} procs   RSS {total_rss:7.0f} MiB   CPU {_pct(total_cpu)}"
    )
    return lines


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:5.1f}%"


def compact_usage(
    before: Sequence[ProcessSample], after: Sequence[ProcessSample], seconds: float
) -> str:
    """The same figures on one line, for a run's summary: 'stack_rss=3012MiB cpu=app:95%,…'."""
    if not after:
        return "stack=not-found"
    cpu = cpu_percent(before, after, seconds)
    per_process = ",".join(f"{s.name}:{cpu[s.pid]:.0f}%" for s in after if s.pid in cpu)
    return f"stack_rss={sum(s.rss_mib for s in after):.0f}MiB cpu={per_process or '-'}"


@dataclass(frozen=True)
class RssChange:
    name: str
    start_mib: float
    end_mib: float
    restarted: bool  # the same role, another pid: the growth is not one process's
    start_anon_mib: float = 0.0
    end_anon_mib: float = 0.0

    @property
    def percent(self) -> float:
        return 100 * (self.end_mib - self.start_mib) / self.start_mib if self.start_mib else 0.0


def rss_changes(start: Sequence[ProcessSample], end: Sequence[ProcessSample]) -> list[RssChange]:
    """Each process at the end against the same role at the start (new ones from zero)."""
    first = {s.name: s for s in start}
    changes = []
    for s in end:
        was = first.get(s.name)
        changes.append(
            RssChange(
                s.name,
                was.rss_mib if was else 0.0,
                s.rss_mib,
                restarted=was is not None and was.pid != s.pid,
                start_anon_mib=was.anon_mib if was else 0.0,
                end_anon_mib=s.anon_mib,
            )
        )
    return changes
