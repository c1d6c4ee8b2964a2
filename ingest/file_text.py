"""Read a transcript file safely: size limit, binary detection, decoding, HTML to text.

Every refusal raises ``UnreadableFile`` with a reason a user can act on; every repair
(replacement characters, cp1252, UTF-16, HTML stripped, NUL and control bytes dropped) is
reported as a warning. The text returned never holds lone surrogates: every decoder runs
with ``errors="replace"`` and HTML character references to surrogates become U+FFFD.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

SNIFF_BYTES = 8192
NUL = b"\x00"
REPLACEMENT = "\ufffd"
BINARY_CONTROL_RATIO = 0.10  # share of control bytes in the first block that means "binary"
BINARY_REPLACED_RATIO = 0.10  # share of undecodable characters that means "not text"
CP1252_MAX_HIGH_SHARE = 0.3  # more non-ASCII bytes than this is not Western European text
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
_CONTROL_BYTES = bytes(set(range(32)) - {9, 10, 12, 13})
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}"
    rb"|[\xf0-\xf4][\x80-\xbf]{3}"
)
_HIGH_BYTES = bytes(range(0x80, 0x100))
_SIGNATURES = {
    b"%PDF-": "a PDF document",
    b"PK\x03\x04": "a ZIP archive (or .docx/.odt)",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"\x1f\x8b": "a gzip archive",
    b"\xd0\xcf\x11\xe0": "an old MS Office document",
    b"{\\rtf": "an RTF document",
    b"\x7fELF": "a program",
}
# A page (optionally after an XML declaration and comments), or markup that must never be
# indexed wherever it appears in the file.
_HTML_START = re.compile(
    r"\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*"
    r"<(!doctype\s+html|html|head|body|meta|title)\b",
    re.I | re.S,
)
_HTML_ANYWHERE = re.compile(r"<(script|style|iframe|html|body)\b[^>]*>", re.I)
_BLOCK_TAGS = {
    "p",
    "div",
    "li",
    "tr",
    "td",
    "th",
    "dt",
    "dd",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "article",
    "main",
    "blockquote",
    "pre",
    "table",
    "ul",
    "ol",
    "header",
    "footer",
    "title",
}
_HIDDEN_TAGS = {"script", "style", "noscript", "template", "head", "svg", "iframe"}


class UnreadableFile(Exception):
    """The file cannot be ingested; ``str(err)`` says why."""


@dataclass
class ReadText:
    text: str
    warnings: list[str] = field(default_factory=list)


def read_transcript_file(path: Path, max_bytes: int) -> ReadText:
    """Return the cleaned text of ``path`` or raise ``UnreadableFile``.

    The file is opened once and checked through that descriptor (no race between the check
    and the read); non-blocking, so a FIFO cannot hang the run; and at most ``max_bytes + 1``
    bytes are ever read, so a file growing under us cannot exhaust memory either.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError as err:
        reason = (
            "broken symlink (its target does not exist)" if path.is_symlink() else "no such file"
        )
        raise UnreadableFile(reason) from err
    except OSError as err:  # symlink loops, permissions
        raise UnreadableFile(f"cannot open: {err.strerror or err}") from err
    try:
        raw = _read_regular_file(fd, max_bytes)
    finally:
        os.close(fd)
    if len(raw) > max_bytes:
        raise UnreadableFile(_too_big("file grew while being read", max_bytes))
    return decode_transcript_bytes(raw, html=path.suffix.lower() in HTML_SUFFIXES)


def _read_regular_file(fd: int, max_bytes: int) -> bytes:
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        raise UnreadableFile("not a regular file")
    if info.st_size > max_bytes:
        raise UnreadableFile(_too_big(f"file is {info.st_size / 1e6:.1f} MB", max_bytes))
    try:
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read(max_bytes + 1)
    except OSError as err:
        raise UnreadableFile(f"cannot read: {err.strerror or err}") from err


def _too_big(what: str, max_bytes: int) -> str:
    return (
        f"{what}, over the {max_bytes / 1e6:.1f} MB limit "
        "(setting ingest.max_file_mb, env ONRECORD_INGEST__MAX_FILE_MB)"
    )


def decode_transcript_bytes(raw: bytes, *, html: bool = False) -> ReadText:
    """Decode and clean raw bytes; ``html`` forces HTML handling (e.g. for a ``.html`` file)."""
    warnings: list[str] = []
    if not raw:
        raise UnreadableFile("file is empty (0 bytes)")
    if not raw.strip(b" \t\r\n\f\v\x00"):
        raise UnreadableFile("file is empty (only whitespace or NUL bytes)")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = _decode_utf16(raw, warnings)
    else:
        text = _decode_8bit(raw, warnings)
    replaced = text.count(REPLACEMENT)
    if replaced > BINARY_REPLACED_RATIO * len(text):
        raise UnreadableFile(
            f"{replaced} of {len(text)} characters are not valid UTF-8 or "
            "Windows-1252: a binary file or an unsupported encoding"
        )
    text, controls = _CONTROL_CHARS.subn("", text)
    if controls:
        warnings.append(f"dropped {controls} control character(s)")
    if html or looks_like_html(text):
        text = html_to_text(text)
        warnings.append("HTML converted to plain text (markup and scripts removed)")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    if not text.strip():
        raise UnreadableFile("no text left after cleaning")
    return ReadText(text, warnings)


def _decode_utf16(raw: bytes, warnings: list[str]) -> str:
    text = raw.decode("utf-16", errors="replace")  # the BOM picks the byte order
    warnings.append("decoded as UTF-16 (byte order mark found)")
    if REPLACEMENT in text:
        warnings.append(f"invalid UTF-16: {text.count(REPLACEMENT)} characters replaced")
    return text


def _decode_8bit(raw: bytes, warnings: list[str]) -> str:
    """UTF-8 (BOM optional); else Windows-1252 if likely; else UTF-8 with replacement
    characters. Refuses binary files first."""
    body = raw.rstrip(NUL)  # NUL padding, e.g. from a preallocated file or a crash
    if len(body) < len(raw):
        warnings.append(f"dropped {len(raw) - len(body)} NUL bytes of padding at the end")
    kind = next((name for sig, name in _SIGNATURES.items() if body.startswith(sig)), None)
    if kind:
        raise UnreadableFile(f"this is {kind}, not text: extract its text to a .txt file first")
    head = body[:SNIFF_BYTES]
    controls = sum(head.count(bytes([b])) for b in _CONTROL_BYTES)
    if controls > BINARY_CONTROL_RATIO * len(head):
        raise UnreadableFile(
            "looks like a binary file, not text "
            f"({controls} control bytes in the first {len(head)})"
        )
    if NUL in body:
        warnings.append(f"dropped {body.count(NUL)} NUL byte(s)")
        body = body.replace(NUL, b"")
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if _windows_1252_likely(body):
        try:
            text = body.decode("cp1252")
        except UnicodeDecodeError:
            pass
        else:
            warnings.append("not UTF-8: decoded as Windows-1252")
            return text
    text = body.decode("utf-8-sig", errors="replace")
    warnings.append(f"invalid UTF-8: {text.count(REPLACEMENT)} characters replaced with U+FFFD")
    return text


def _windows_1252_likely(raw: bytes) -> bool:
    """Windows-1252 rather than damaged UTF-8: most high bytes are not part of a UTF-8
    sequence, and they are few (Western European text is mostly ASCII; CJK encodings are not)."""
    sequences = _UTF8_SEQUENCE.findall(raw)
    high_bytes = len(raw) - len(raw.translate(None, _HIGH_BYTES))
    stray = high_bytes - sum(map(len, sequences))
    return stray > len(sequences) and high_bytes <= CP1252_MAX_HIGH_SHARE * len(raw)


def looks_like_html(text: str) -> bool:
    """A page, or a text holding script/style/page markup (never to be indexed as is)."""
    return bool(_HTML_START.match(text[:4096]) or _HTML_ANYWHERE.search(text))


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":  # `</head>` may be omitted in HTML; the body is visible regardless
            self._hidden_depth = 0
        elif tag in _HIDDEN_TAGS:
            self._hidden_depth += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # Browsers ignore `/>` on HTML elements: `<script src=x />evil()</script>` runs evil(),
        # so `<script/>` opens a hidden element like `<script>` does (only SVG self-closes).
        self.handle_starttag(tag, attrs)
        if tag not in _HIDDEN_TAGS or tag == "svg":
            self.handle_endtag(tag)

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
