"""Answers as plain text: FAQ systems export HTML, the bot's answers are LINE-bubble text.

Tags are removed; line-break and block tags become line breaks, list items become 「・」 items
(numbered in an ordered list), entities are unescaped. Whitespace is normalized the same way
for HTML and plain cells, so an answer reads the same whichever way the sheet stored it.
Placeholders such as `{{offices.citizen.phone}}` are ordinary text here and pass unchanged.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from japanese_text.normalize import is_invisible
from knowledge.importer.vocabulary import wording

LOOKS_LIKE_HTML = re.compile(
    r"<\s*/?\s*[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?\s*>"  # a tag
    r"|&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+\d*);"  # an entity
)
BREAK_TAGS = re.compile(r"<\s*(br|p|div|li|tr|h[1-6])\b", re.IGNORECASE)
HEADINGS = {f"h{level}" for level in range(1, 7)}
BLOCK_TAGS = {
    "p",
    "div",
    "section",
    "article",
    "blockquote",
    "table",
    "tr",
    "pre",
    "dl",
    "dt",
    "dd",
}
BLOCK_TAGS |= HEADINGS
SKIPPED_TAGS = {"script", "style", "head", "title"}
HORIZONTAL_SPACE = re.compile(r"[ \t\u00a0\u3000]{2,}|[\t\u00a0]")


class _TextParser(HTMLParser):
    """Collects the text of an HTML fragment with line breaks where the layout had them."""

    def __init__(self, keep_raw_line_breaks: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.keep_raw_line_breaks = keep_raw_line_breaks
        self.parts: list[str] = []
        self.lists: list[list[int | None]] = []  # per open list: the next number, None if <ul>
        self.skipping = 0
        self.cells_in_row = 0

    def _ensure_line_break(self) -> None:
        if self.parts and not self.parts[-1].endswith("\n"):
            self.parts.append("\n")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED_TAGS:
            self.skipping += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "hr":
            self._ensure_line_break()
        elif tag in ("ul", "ol"):
            self._ensure_line_break()
            self.lists.append([1 if tag == "ol" else None])
        elif tag == "li":
            self._ensure_line_break()
            number = self.lists[-1][0] if self.lists else None
            if number is None:
                self.parts.append(wording().list_bullet)
            else:
                self.parts.append(f"{number}. ")
                self.lists[-1][0] = number + 1
        elif tag in ("td", "th"):
            if self.cells_in_row:
                self.parts.append(" ")
            self.cells_in_row += 1
        elif tag in BLOCK_TAGS:
            self._ensure_line_break()
            if tag == "tr":
                self.cells_in_row = 0

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED_TAGS:
            self.skipping = max(0, self.skipping - 1)
        elif tag in ("ul", "ol"):
            if self.lists:
                self.lists.pop()
            self._ensure_line_break()
        elif tag == "li" or tag in BLOCK_TAGS:
            self._ensure_line_break()

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        if not self.keep_raw_line_breaks:
            data = re.sub(r"\s*\n\s*", " ", data)
        if data.isspace() and (not self.parts or self.parts[-1].endswith("\n")):
            return  # indentation of the markup, not text
        self.parts.append(data)

    def text(self) -> str:
        return "".join(self.parts)


def looks_like_html(text: str) -> bool:
    return bool(LOOKS_LIKE_HTML.search(text))


def html_to_text(text: str) -> str:
    """Plain text of an HTML fragment, whitespace normalized.

    Line breaks typed into the cell count only when the HTML has no tag that breaks lines:
    in `<p>…</p>` markup they are layout, in a cell that only uses `<b>` they are the author's.
    """
    parser = _TextParser(keep_raw_line_breaks=not BREAK_TAGS.search(text))
    parser.feed(text)
    parser.close()
    return normalize_whitespace(parser.text())


def normalize_whitespace(text: str) -> str:
    """One blank line at most, no spaces at line ends, runs of spaces as one, no invisibles."""
    visible = "".join(c for c in text if c == "\n" or c == "\t" or not is_invisible(c))
    lines = [HORIZONTAL_SPACE.sub(" ", line).strip() for line in visible.split("\n")]
    text = "\n".join(lines).strip()
    return re.sub(r"\n{3,}", "\n\n", text)


def to_plain_text(text: str) -> str:
    """A cell as plain text: HTML converted when it looks like HTML, whitespace normalized."""
    return html_to_text(text) if looks_like_html(text) else normalize_whitespace(text)


def one_line(text: str) -> str:
    """A question on one line: line breaks in the cell become spaces."""
    return re.sub(r"\s*\n\s*", " ", to_plain_text(text)).strip()
