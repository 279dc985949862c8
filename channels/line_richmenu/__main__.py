"""Registers the rich menu: create it, upload its image, make it the default.

python -m channels.line_richmenu --image menu.png [--definition richmenu.json]

Each area's postback data is signed like every button the bot sends (core/button_payloads.py),
with the app's signing secret (SIGNING_SECRET, else the one kept in DATA_DIR or var/): the
app reads only postbacks it issued.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from pathlib import Path

from linebot.v3.messaging import (
    AsyncApiClient,
    AsyncMessagingApi,
    AsyncMessagingApiBlob,
    Configuration,
    RichMenuRequest,
)

from core.button_payloads import ButtonPayloads
from core.signing_secret import load_or_create_secret
from repo_paths import VAR_DIR

DEFINITION = Path(__file__).with_name("richmenu.json")
CONTENT_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}
MAX_IMAGE_BYTES = 1024 * 1024


def signed(menu: dict) -> dict:
    """The menu with each postback's data as the bot's own button token."""
    secret = load_or_create_secret(
        Path(os.environ.get("DATA_DIR") or VAR_DIR), os.environ.get("SIGNING_SECRET", "")
    )
    buttons = ButtonPayloads(secret)
    for area in menu.get("areas", []):
        action = area.get("action", {})
        if action.get("type") == "postback":
            action["data"] = buttons.issue(action["data"])
    return menu


async def register(
    definition: Path, image: Path, token: str, endpoint: str, data_endpoint: str
) -> str:
    content_type = CONTENT_TYPES.get(image.suffix.lower())
    if content_type is None:
        raise ValueError("the image must be PNG or JPEG")
    data = image.read_bytes()
    if len(data) > MAX_IMAGE_BYTES:
        raise ValueError("the image is larger than LINE's 1 MB limit")
    request = RichMenuRequest.from_dict(signed(json.loads(definition.read_text(encoding="utf-8"))))

    async with AsyncApiClient(Configuration(access_token=token, host=endpoint)) as client:
        api = AsyncMessagingApi(client)
        await api.validate_rich_menu_object(request)
        rich_menu_id = (await api.create_rich_menu(request)).rich_menu_id
        print(f"[richmenu] created {rich_menu_id}", file=sys.stderr)
    async with AsyncApiClient(Configuration(access_token=token, host=data_endpoint)) as client:
        await AsyncMessagingApiBlob(client).set_rich_menu_image(
            rich_menu_id, data, _headers={"Content-Type": content_type}
        )
        print("[richmenu] image uploaded", file=sys.stderr)
    async with AsyncApiClient(Configuration(access_token=token, host=endpoint)) as client:
        await AsyncMessagingApi(client).set_default_rich_menu(rich_menu_id)
        print("[richmenu] set as default", file=sys.stderr)
    return rich_menu_id


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m channels.line_richmenu")
    parser.add_argument("--image", type=Path, required=True)
    parser.add_argument("--definition", type=Path, default=DEFINITION)
    args = parser.parse_args(argv)
    token = os.environ.get("LINE_CHANNEL_ACCESS_TOKEN", "")
    if not token:
        print("set LINE_CHANNEL_ACCESS_TOKEN", file=sys.stderr)
        return 2
    rich_menu_id = asyncio.run(
        register(
            args.definition,
            args.image,
            token,
            os.environ.get("LINE_API_ENDPOINT", "https://api.line.me"),
            os.environ.get("LINE_API_DATA_ENDPOINT", "https://api-data.line.me"),
        )
    )
    print(rich_menu_id)
    return 0


if __name__ == "__main__":
    sys.exit(main())
