"""The `scale` deployment on loopback: PostgreSQL, Redis, the app and N Rasa replicas.

The replicas run `rasa run` with the trained model and bot/endpoints.docker.yml, the very
endpoints file docker-compose's scale profile uses, filled in from the environment: the
tracker store is the PostgreSQL server, the lock store the Redis server, the custom actions
the app's /webhook. All servers start at once, so the replicas load their models in
parallel. Used by tests/e2e/test_scale.py; a benchmark may use it to compare replica counts.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from repo_paths import BOT_DIR, INDEX_DIR
from stack import rasa_model
from stack.artefacts import app_env
from stack.environments import APP
from tests.support.ports import unused_port
from tests.support.postgres_server import running_postgres
from tests.support.redis_server import running_redis
from tests.support.server_process import ServerProcess, start_server, wait_until_ready

SCALE_ENDPOINTS = BOT_DIR / "endpoints.docker.yml"
START_TIMEOUT_SECONDS = 600
HOST = "127.0.0.1"


@dataclass(frozen=True)
class ScaleStack:
    app_url: str
    replica_urls: tuple[str, ...]
    rasa_token: str

    def send(self, replica: int, sender: str, text: str) -> list[dict[str, Any]]:
        """One message to one replica's REST channel, as the app's Rasa client sends it."""
        response = httpx.post(
            f"{self.replica_urls[replica]}/webhooks/rest/webhook",
            json=rest_message(sender, text),
            timeout=120,
        )
        response.raise_for_status()
        return response.json()

    def tracker(self, sender: str, replica: int = 0) -> dict[str, Any]:
        response = httpx.get(
            f"{self.replica_urls[replica]}/conversations/{sender}/tracker",
            params={"token": self.rasa_token},
            timeout=30,
        )
        response.raise_for_status()
        return response.json()


def rest_message(sender: str, text: str) -> dict[str, Any]:
    # the metadata of a plain Japanese web turn (core/conversation.py)
    return {"sender": sender, "message": text, "metadata": {"channel": "web", "language": "ja"}}


def _rasa_has_model(url: str, token: str) -> bool:
    try:
        response = httpx.get(f"{url}/status", params={"token": token}, timeout=3)
        return response.status_code == 200 and bool(response.json().get("model_file"))
    except (httpx.HTTPError, ValueError):
        return False


def _app_answers(url: str) -> bool:
    """/readyz is 200 once the index is loaded (`degraded` while Rasa still loads)."""
    try:
        return httpx.get(f"{url}/readyz", timeout=3).status_code == 200
    except httpx.HTTPError:
        return False


def _start_app(
    port: int, rasa_url: str, rasa_token: str, action_token: str, var_dir: Path
) -> ServerProcess:
    env = {k: v for k, v in app_env().items() if not k.startswith("LINE_")}
    env.update(
        {
            "RASA_URL": rasa_url,
            "RASA_TOKEN": rasa_token,
            "ACTION_TOKEN": action_token,
            "DATA_DIR": str(var_dir),
            "INDEX_DIR": str(INDEX_DIR),
        }
    )
    command = [
        str(APP.bin("uvicorn")),
        "app.main:create_app",
        "--factory",
        "--host",
        HOST,
        "--port",
        str(port),
        "--no-access-log",
    ]
    return start_server("app", command, env, var_dir / "app.log")


def _start_replica(
    index: int, port: int, env: dict[str, str], endpoints: Path, model: Path, var_dir: Path
) -> ServerProcess:
    command = rasa_model.rasa_server_command(
        "--enable-api",
        "--interface",
        HOST,
        "--port",
        str(port),
        "--model",
        str(model),
        "--endpoints",
        str(endpoints),
        "--credentials",
        "bot/credentials.yml",
        "--auth-token",
        env["RASA_TOKEN"],
    )
    return start_server(f"rasa-{index}", command, env, var_dir / f"rasa-{index}.log")


@contextmanager
def running_scale_stack(
    var_dir: Path, replicas: int = 2, endpoints: Path = SCALE_ENDPOINTS
) -> Iterator[ScaleStack]:
    model = rasa_model.model_path()
    if not model.is_file():
        raise FileNotFoundError(f"no Rasa model {model.name}: run `python3 -m stack setup`")
    rasa_token, action_token = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    app_port = unused_port()
    replica_ports = [unused_port() for _ in range(replicas)]
    replica_urls = tuple(f"http://{HOST}:{port}" for port in replica_ports)
    app_url = f"http://{HOST}:{app_port}"
    with ExitStack() as stack:
        postgres = stack.enter_context(running_postgres())
        redis = stack.enter_context(running_redis())
        rasa_env = {
            **rasa_model.rasa_env(),
            "RASA_TOKEN": rasa_token,
            "ACTION_ENDPOINT_URL": f"{app_url}/webhook",
            "ACTION_TOKEN": action_token,
            "POSTGRES_HOST": postgres.host,
            "POSTGRES_PORT": str(postgres.port),
            "POSTGRES_DB": postgres.database,
            "POSTGRES_USER": postgres.user,
            "POSTGRES_PASSWORD": postgres.password,
            "REDIS_HOST": redis.host,
            "REDIS_PORT": str(redis.port),
        }
        servers = [_start_app(app_port, replica_urls[0], rasa_token, action_token, var_dir)]
        stack.callback(servers[0].stop)
        for index, port in enumerate(replica_ports):
            replica = _start_replica(index, port, rasa_env, endpoints, model, var_dir)
            servers.append(replica)
            stack.callback(replica.stop)
        checks = {"app": lambda: _app_answers(app_url)}
        for index, url in enumerate(replica_urls):
            checks[f"rasa-{index}"] = lambda url=url: _rasa_has_model(url, rasa_token)
        wait_until_ready(checks, servers, START_TIMEOUT_SECONDS)
        yield ScaleStack(app_url, replica_urls, rasa_token)
