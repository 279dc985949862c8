"""A throwaway PostgreSQL server on loopback, from the Debian package's binaries.

A fresh cluster in a temporary directory (its unix socket too), one database, password
authentication as in a real deployment, durability switched off (nothing outlives the test),
and everything removed afterwards. PostgreSQL refuses to run as root: as root, the cluster
belongs to the package's `postgres` user and its programs run as that user.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stack.system_packages import POSTGRESQL
from tests.support.ports import unused_port

START_TIMEOUT_SECONDS = 60
SERVICE_USER = "postgres"


@dataclass(frozen=True)
class PostgresServer:
    host: str
    port: int
    database: str
    user: str
    password: str
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def postgres_bin_dir() -> Path | None:
    program = POSTGRESQL.program()
    return program.parent if program else None


def _run_as() -> dict[str, Any]:
    """Popen arguments that drop root to the service user; nothing for anyone else."""
    if os.geteuid() != 0:
        return {}
    try:
        account = pwd.getpwnam(SERVICE_USER)
    except KeyError as error:
        raise RuntimeError(
            f"PostgreSQL will not run as root and there is no '{SERVICE_USER}' user "
            "(the Debian package creates it): reinstall the postgresql package"
        ) from error
    return {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}


def _chown_tree(root: Path, run_as: dict[str, Any]) -> None:
    if not run_as:
        return
    for path in (root, *root.rglob("*")):
        os.chown(path, run_as["user"], run_as["group"])


def _wait_until_accepting(bin_dir: Path, server: PostgresServer, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"postgres exited with {process.returncode}:\n{server.log()}")
        probe = subprocess.run(
            [str(bin_dir / "pg_isready"), "-q", "-h", server.host, "-p", str(server.port)],
            check=False,
        )
        if probe.returncode == 0:
            return
        time.sleep(0.2)
    raise TimeoutError(f"postgres did not accept connections:\n{server.log()}")


@contextmanager
def running_postgres(database: str = "rasa", user: str = "rasa") -> Iterator[PostgresServer]:
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        raise FileNotFoundError(f"PostgreSQL is not installed (Debian: {POSTGRESQL.name})")
    run_as = _run_as()
    # Not pytest's tmp_path: its parents are private to root, the service user could not
    # reach a cluster inside them.
    workdir = Path(tempfile.mkdtemp(prefix="test-postgres-"))
    data_dir, socket_dir = workdir / "data", workdir / "socket"
    socket_dir.mkdir()
    password = secrets.token_urlsafe(16)
    password_file = workdir / "password"
    password_file.write_text(password, encoding="utf-8")
    server = PostgresServer("127.0.0.1", unused_port(), database, user, password, workdir / "log")
    _chown_tree(workdir, run_as)
    process: subprocess.Popen[bytes] | None = None
    try:
        subprocess.run(
            [
                str(bin_dir / "initdb"),
                "--pgdata",
                str(data_dir),
                "--username",
                user,
                "--pwfile",
                str(password_file),
                "--auth",
                "scram-sha-256",
                "--encoding",
                "UTF8",
                "--no-locale",
                "--no-sync",
            ],
            check=True,
            capture_output=True,
            **run_as,
        )
        with server.log_path.open("wb") as log:
            process = subprocess.Popen(
                [
                    str(bin_dir / "postgres"),
                    "-D",
                    str(data_dir),
                    "-h",
                    server.host,
                    "-p",
                    str(server.port),
                    "-k",
                    str(socket_dir),
                    "-c",
                    "fsync=off",
                    "-c",
                    "synchronous_commit=off",
                    "-c",
                    "full_page_writes=off",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                **run_as,
            )
        _wait_until_accepting(bin_dir, server, process)
        # as the postgres image does for POSTGRES_DB: the tracker store expects its database
        subprocess.run(
            [
                str(bin_dir / "createdb"),
                "-h",
                server.host,
                "-p",
                str(server.port),
                "-U",
                user,
                database,
            ],
            check=True,
            capture_output=True,
            env={**os.environ, "PGPASSWORD": password},
        )
        yield server
    finally:
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGINT)  # "fast" shutdown: no waiting for clients
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(workdir, ignore_errors=True)
