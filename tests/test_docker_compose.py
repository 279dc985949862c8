"""docker-compose.yml: the same two services as the embedded stack, built from this repo.

`docker compose config` validates the file where the compose plugin is installed (this
machine has only the docker client); the structural checks run everywhere.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest
import yaml

from repo_paths import REPO_ROOT

COMPOSE_FILE = REPO_ROOT / "docker-compose.yml"
SCALE_ENDPOINTS = REPO_ROOT / "bot" / "endpoints.docker.yml"


def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


def compose_plugin_available() -> bool:
    if shutil.which("docker") is None:
        return False
    probe = subprocess.run(["docker", "compose", "version"], capture_output=True, check=False)
    return probe.returncode == 0


@pytest.mark.skipif(not compose_plugin_available(), reason="docker compose plugin not installed")
@pytest.mark.parametrize("profile", [None, "scale"])
def test_docker_compose_config_accepts_the_file(profile: str | None) -> None:
    env = {
        **os.environ,
        "RASA_TOKEN": "test-token",
        "ACTION_TOKEN": "test-action-token",
        "POSTGRES_PASSWORD": "test-password",
    }
    command = ["docker", "compose", "-f", str(COMPOSE_FILE)]
    if profile:
        command += ["--profile", profile]
    result = subprocess.run(
        [*command, "config", "--quiet"], capture_output=True, text=True, env=env, check=False
    )

    assert result.returncode == 0, result.stderr


def test_the_two_services_are_built_from_this_repo_with_healthchecks_and_restarts() -> None:
    services = compose()["services"]

    for name in ("rasa", "app"):
        service = services[name]
        dockerfile = REPO_ROOT / service["build"]["dockerfile"]
        assert dockerfile.is_file(), dockerfile
        assert service["restart"] == "unless-stopped"
        assert service["healthcheck"]["test"]
    assert services["app"]["depends_on"]["rasa"]["condition"] == "service_healthy"


def test_dockerfiles_install_from_the_same_lock_files_as_the_stack() -> None:
    rasa = (REPO_ROOT / "docker" / "rasa.Dockerfile").read_text(encoding="utf-8")
    app = (REPO_ROOT / "docker" / "app.Dockerfile").read_text(encoding="utf-8")

    assert "requirements/rasa.lock" in rasa and "rasa==3.6.21" in rasa
    assert "setuptools==70.3.0" in rasa
    assert "requirements/app.lock" in app


def test_rasa_is_never_published_and_the_app_only_on_localhost() -> None:
    services = compose()["services"]

    assert "ports" not in services["rasa"]
    assert all(port.startswith("127.0.0.1:") for port in services["app"]["ports"])


def test_postgres_and_redis_are_optional() -> None:
    services = compose()["services"]

    for name in ("postgres", "redis"):
        assert services[name]["profiles"] == ["scale"]
        assert services["rasa"]["depends_on"][name]["required"] is False
    endpoints = yaml.safe_load(SCALE_ENDPOINTS.read_text(encoding="utf-8"))
    assert endpoints["tracker_store"]["dialect"] == "postgresql"
    lock_store_type = "bot.lock_stores.atomic_redis_lock_store.AtomicRedisLockStore"
    assert endpoints["lock_store"]["type"] == lock_store_type


def test_one_rasa_on_sqlite_unless_replicas_are_asked_for() -> None:
    rasa = compose()["services"]["rasa"]

    assert rasa["deploy"]["replicas"] == "${RASA_REPLICAS:-1}"
    assert rasa["environment"]["RASA_ENDPOINTS"] == "${RASA_ENDPOINTS:-bot/endpoints.yml}"
    assert "container_name" not in rasa, "a fixed container name allows one replica only"


def test_the_rasa_service_sets_every_variable_of_the_scale_endpoints() -> None:
    """Rasa refuses to start on an endpoints file naming an unset variable."""
    wanted = set(re.findall(r"\$\{(\w+)\}", SCALE_ENDPOINTS.read_text(encoding="utf-8")))
    environment = compose()["services"]["rasa"]["environment"]

    assert wanted >= {"POSTGRES_HOST", "POSTGRES_PORT", "REDIS_HOST", "REDIS_PORT"}
    assert sorted(wanted - set(environment)) == []
    assert environment["POSTGRES_HOST"] == "postgres" and environment["REDIS_HOST"] == "redis"
    assert environment["POSTGRES_PORT"] == "5432" and environment["REDIS_PORT"] == "6379"


def test_the_scale_lock_store_is_shipped_in_the_rasa_image() -> None:
    lock_store = yaml.safe_load(SCALE_ENDPOINTS.read_text(encoding="utf-8"))["lock_store"]
    module, _, class_name = lock_store["type"].rpartition(".")
    source = REPO_ROOT / (module.replace(".", "/") + ".py")
    rasa_image = (REPO_ROOT / "docker" / "rasa.Dockerfile").read_text(encoding="utf-8")

    assert f"class {class_name}(" in source.read_text(encoding="utf-8")
    assert "COPY bot bot" in rasa_image
