"""The app's signing secret: button tokens and web sessions are signed with it.

Set SIGNING_SECRET when app workers run on several machines; otherwise one is made on first
start and kept in the data directory (readable by the app only), so that tokens survive a
restart and every worker of the machine shares it.
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

SECRET_FILE_NAME = "signing_secret"  # noqa: S105 (a file name, not a secret)


def load_or_create_secret(data_dir: Path, configured: str = "") -> bytes:
    """The configured secret, or one kept in the data directory (made on first start)."""
    if configured:
        return configured.encode("utf-8")
    path = data_dir / SECRET_FILE_NAME
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        # another worker may be writing it this very moment
        for _ in range(50):
            secret = path.read_text(encoding="ascii").strip()
            if secret:
                return secret.encode("ascii")
            time.sleep(0.02)
        raise RuntimeError(f"{path} stays empty; delete it to make a new secret") from None
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(secrets.token_hex(32))
    return path.read_text(encoding="ascii").strip().encode("ascii")
