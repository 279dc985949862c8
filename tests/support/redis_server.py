"""A throwaway Redis server on loopback, from the Debian package's binary.

No persistence (no RDB snapshots, no append-only file) and a temporary working directory:
nothing outlives the test. Readiness is Redis's own PING, spoken over a plain socket so the
helper needs no client library.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from stack.system_packages import REDIS
from tests.support.ports import unused_port

START_TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class RedisServer:
    host: str
    port: int
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def answers_ping(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@contextmanager
def running_redis() -> Iterator[RedisServer]:
    program = REDIS.program()
    if program is None:
        raise FileNotFoundError(f"Redis is not installed (Debian: {REDIS.name})")
    workdir = Path(tempfile.mkdtemp(prefix="test-redis-"))
    server = RedisServer("127.0.0.1", unused_port(), workdir / "log")
    process: subprocess.Popen[bytes] | None = None
    try:
        with server.log_path.open("wb") as log:
            process = subprocess.Popen(
                [
                    str(program),
                    "--bind",
                    server.host,
                    "--port",
                    str(server.port),
                    "--dir",
                    str(workdir),
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--daemonize",
                    "no",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not answers_ping(server.host, server.port):
            if process.poll() is not None:
                raise RuntimeError(
                    f"redis-server exited with {process.returncode}:\n{server.log()}"
                )
            if time.monotonic() > deadline:
                raise TimeoutError(f"redis-server did not answer PING:\n{server.log()}")
            time.sleep(0.1)
        yield server
    finally:
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(workdir, ignore_errors=True)
