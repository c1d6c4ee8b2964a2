"""Read a transcript file safely: size limit, binary detection, decoding, HTML to text.

Every refusal raises ``UnreadableFile`` with a reason a user can act on; every repair
(replacement characters, cp1252, HTML stripped, NUL bytes dropped) is reported as a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

SNIFF_BYTES = 8192
NUL = b"\x00"
REPLACEMENT = "\ufffd"
BINARY_CONTROL_RATIO = 0.10
_CONTROL_BYTES = bytes(set(range(32)) - {9, 10, 12, 13})
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")
_HTML_START = re.compile(rb"^\s*(<!doctype html|<html|<head|<body|<\?xml[^>]*>\s*<html)", re.I)
_BLOCK_TAGS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section",
               "article", "blockquote", "pre", "table", "ul", "ol", "header", "footer", "title"}
_HIDDEN_TAGS = {"script", "style", "noscript", "template", "head", "svg", "iframe"}


class UnreadableFile(Exception):
    """The file cannot be ingested; ``str(err)`` says why."""


@dataclass
class ReadText:
    text: str
    warnings: list[str] = field(default_factory=list)


def read_transcript_file(path: Path, max_bytes: int) -> ReadText:
    """Return the cleaned text of ``path`` or raise ``UnreadableFile``."""
    try:
        size = path.stat().st_size
    except FileNotFoundError as err:
        raise UnreadableFile("no such file") from err
    except OSError as err:  # symlink loops, permissions
        raise UnreadableFile(f"cannot open: {err.strerror or err}") from err
    if not path.is_file():
        raise UnreadableFile("not a regular file")
    if size > max_bytes:
        raise UnreadableFile(f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.1f} MB limit")
    raw = path.read_bytes()
    return decode_transcript_bytes(raw)


def decode_transcript_bytes(raw: bytes) -> ReadText:
    """Decode and clean raw bytes; see the module docstring for what is repaired."""
    warnings: list[str] = []
    if not raw.strip():
        raise UnreadableFile("file is empty")
    head = raw[:SNIFF_BYTES]
    controls = sum(head.count(bytes([b])) for b in _CONTROL_BYTES)
    if controls / len(head) > BINARY_CONTROL_RATIO:
        raise UnreadableFile("looks like a binary file, not text")
    if NUL in raw:
        warnings.append(f"dropped {raw.count(NUL)} NUL bytes")
        raw = raw.replace(NUL, b"")
    text = _decode(raw, warnings)
    if _HTML_START.match(raw[:1024]) or text.lstrip().lower().startswith("<!doctype"):
        text = html_to_text(text)
        warnings.append("HTML page converted to plain text (markup and scripts removed)")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise UnreadableFile("no text left after cleaning")
    return ReadText(text, warnings)


def _decode(raw: bytes, warnings: list[str]) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if not _UTF8_MULTIBYTE.search(raw):
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError:
            pass
        else:
            warnings.append("not UTF-8: decoded as Windows-1252")
            return text
    text = raw.decode("utf-8-sig", errors="replace")
    warnings.append(f"invalid UTF-8: {text.count(REPLACEMENT)} bytes replaced with U+FFFD")
    return text


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN_TAGS:
            self._hidden_depth += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_TAGS:
            self._hidden_depth = max(0, self._hidden_depth - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden_depth:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Visible text of an HTML page, one paragraph per block element."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts)
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"
