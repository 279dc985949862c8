"""One settings object for the app process, read from the environment (prefix-free names)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from core.knowledge_reload import WATCH_INTERVAL_SECONDS
from repo_paths import INDEX_DIR, KNOWLEDGE_DIR, VAR_DIR, embedding_model_dir


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=None, extra="ignore")

    # One Rasa server, or several separated by commas: the Rasa processes of one machine,
    # each with its own tracker file; a sender always goes to the same one.
    rasa_url: str = "http://127.0.0.1:5005"
    # Token for Rasa's HTTP API (`rasa run --auth-token`); needed when Rasa is reachable
    # from outside the host (docker-compose). Empty: no token.
    rasa_token: str = ""
    rasa_timeout_seconds: float = 20.0

    @property
    def rasa_urls(self) -> list[str]:
        return [url.strip() for url in self.rasa_url.split(",") if url.strip()]

    knowledge_dir: Path = KNOWLEDGE_DIR
    data_dir: Path = VAR_DIR
    embedding_model_dir: Path = Field(default_factory=embedding_model_dir)
    index_dir: Path = INDEX_DIR

    # Longest message we accept from a resident (characters). Longer ones get a polite reply.
    max_message_chars: int = Field(default=1000, ge=10)

    # Shared with Rasa, which sends it with every call to the custom-action endpoint
    # (bot/endpoints.yml). Unset: the endpoint refuses every call.
    action_token: str = ""

    # Bearer token a Prometheus scraper sends for /metrics. Unset: only local clients.
    metrics_token: str = ""

    # One JSON object per line (app/json_logs.py says why it is the default everywhere), or
    # "text" for people reading a terminal. Both mask resident text and hash ids.
    log_format: Literal["json", "text"] = "json"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    # Signs the bot's button payloads and the web sessions (core/signing_secret.py). Unset:
    # a random secret kept in data_dir, shared by the workers of one machine; set it when
    # app workers run on several machines.
    signing_secret: str = ""

    line_channel_secret: str = ""
    line_channel_access_token: str = ""
    line_api_endpoint: str = "https://api.line.me"

    # Load the knowledge index at start-up. Tests of the HTTP layer alone may switch it off.
    load_knowledge_index: bool = True
    # How often knowledge/ is checked for changes. The README promises changes within 30 s,
    # and a rebuild takes 5-15 s after the check: hence at most 15 s.
    knowledge_watch_seconds: float = Field(default=WATCH_INTERVAL_SECONDS, gt=0, le=15)

    @model_validator(mode="after")
    def _line_all_or_nothing(self) -> Settings:
        """Refuse half a LINE configuration: a webhook that cannot reply loses messages."""
        if bool(self.line_channel_secret) != bool(self.line_channel_access_token):
            raise ValueError(
                "Set both LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN, or neither."
            )
        return self

    @property
    def line_enabled(self) -> bool:
        return bool(self.line_channel_secret and self.line_channel_access_token)

    @property
    def database_path(self) -> Path:
        return self.data_dir / "app.sqlite3"


@lru_cache
def get_settings() -> Settings:
    return Settings()
