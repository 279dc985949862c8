"""Channel adapters (LINE events and messages, furigana, QR codes) and the web pages."""

from pathlib import Path

PAGES_DIR = Path(__file__).with_name("templates")
STATIC_DIR = Path(__file__).with_name("static")
