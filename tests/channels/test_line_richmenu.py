from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from repo_paths import REPO_ROOT
from tests.support.line_recorder import LineApiRecorder

DEFINITION = REPO_ROOT / "channels" / "line_richmenu" / "richmenu.json"


def tiny_png(path: Path) -> Path:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )
    return path


@pytest.fixture
def recorder() -> Iterator[LineApiRecorder]:
    recorder = LineApiRecorder().start()
    yield recorder
    recorder.stop()


def test_definition_fits_line_limits() -> None:
    menu = json.loads(DEFINITION.read_text(encoding="utf-8"))

    assert menu["size"] == {"width": 2500, "height": 1686}
    assert len(menu["chatBarText"]) <= 14
    assert 1 <= len(menu["areas"]) <= 20
    for area in menu["areas"]:
        bounds, action = area["bounds"], area["action"]
        assert bounds["x"] + bounds["width"] <= 2500
        assert bounds["y"] + bounds["height"] <= 1686
        assert len(action["label"]) <= 20
        assert len(action["data"]) <= 300


def test_register_creates_uploads_and_sets_default(
    recorder: LineApiRecorder, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "LINE_CHANNEL_ACCESS_TOKEN": "token",
        "LINE_API_ENDPOINT": recorder.url,
        "LINE_API_DATA_ENDPOINT": recorder.url,
        "DATA_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "channels.line_richmenu",
            "--image",
            str(tiny_png(tmp_path / "m.png")),
        ],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "richmenu-test-1"
    assert [c.path for c in recorder.calls] == [
        "/v2/bot/richmenu/validate",
        "/v2/bot/richmenu",
        "/v2/bot/richmenu/richmenu-test-1/content",
        "/v2/bot/user/all/richmenu/richmenu-test-1",
    ]
    assert recorder.calls[2].headers["content-type"] == "image/png"
    # the areas' postbacks are the bot's own tokens for the definition's questions
    from core.button_payloads import ButtonPayloads
    from core.signing_secret import load_or_create_secret

    buttons = ButtonPayloads(load_or_create_secret(tmp_path))
    created = recorder.calls[1].json["areas"]
    defined = json.loads(DEFINITION.read_text(encoding="utf-8"))["areas"]
    assert [buttons.read(a["action"]["data"]) for a in created] == [
        a["action"]["data"] for a in defined
    ]
    assert all(len(a["action"]["data"]) <= 300 for a in created)
