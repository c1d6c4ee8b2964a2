"""Markdown for Streamlit built from untrusted text: transcripts, titles and model output.

Nothing we did not write ourselves reaches Streamlit as Markdown syntax. Every ASCII
punctuation mark gets a backslash, so no link, image, raw HTML, directive (``:red[..]``),
emoji or maths syntax survives; bare URLs and e-mail addresses also get an invisible word
joiner, because GitHub-style autolinking runs on the parsed text (after escapes) and would
still turn ``http://host/x`` into a link. The only Markdown on the page is what these
functions add: bold, highlights, block quotes, citation markers and links built from index
metadata (``source_link``), which must be http(s).
"""

from __future__ import annotations

import re
import string
from datetime import date
from urllib.parse import quote, urlsplit

from onrecord.types import Citation

PUNCTUATION = frozenset(string.punctuation)
WORD_JOINER = "\u2060"  # invisible, zero width; breaks autolink detection only
# Before "://" (after a scheme), between "www" and ".", and before "@" (e-mail addresses).
_AUTOLINK = re.compile(r"(?i)(?<=[a-z0-9])(?=://)|(?<=\bwww)(?=\.)|(?=@)")
_MARKER = re.compile(r"\[(\d{1,3})\]")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_BULLET = re.compile(r"^[-*•]\s+")
HIGHLIGHT = "orange-background"
URL_SAFE = ":/?#@!$&'*+,;=%~-._"  # what may stay unencoded in a link we build


def escape_markdown(text: str) -> str:
    """``text`` shown literally by ``st.markdown``: no syntax of any kind survives."""
    text = _AUTOLINK.sub(WORD_JOINER, text.replace("\r", ""))
    return "".join("\\" + ch if ch in PUNCTUATION else ch for ch in text)


def inline(text: str) -> str:
    """One line of untrusted text, escaped, with line breaks turned into spaces."""
    return escape_markdown(" ".join(text.split()))


def marker(n: int) -> str:
    """A citation marker ``[n]``, bold and coloured (a directive: no flanking rules)."""
    return f":blue[**\\[{n}\\]**]"


def text_block(text: str) -> str:
    """Multi-line untrusted text as Markdown paragraphs, its line breaks kept."""
    return highlighted(text, 0, 0)


def highlighted(text: str, start: int, end: int) -> str:
    """``text`` as paragraphs with ``text[start:end]`` highlighted (nothing when empty)."""
    pieces = [(text[:start], False), (text[start:end], True), (text[end:], False)]
    lines: list[list[tuple[str, bool]]] = [[]]
    for piece, marked in pieces:
        for i, part in enumerate(piece.replace("\r", "").split("\n")):
            if i:
                lines.append([])
            if part:
                lines[-1].append((part, marked))
    return _paragraphs([_line(parts) for parts in lines])


def _line(parts: list[tuple[str, bool]]) -> str:
    out = []
    for i, (part, marked) in enumerate(parts):
        part = part.lstrip() if i == 0 else part  # leading spaces would make a code block
        if marked and part.strip():
            out.append(f":{HIGHLIGHT}[{escape_markdown(part)}]")
        else:
            out.append(escape_markdown(part))
    return "".join(out).rstrip()


def _paragraphs(lines: list[str]) -> str:
    """Blank lines separate paragraphs; other line breaks are hard breaks."""
    blocks: list[list[str]] = [[]]
    for line in lines:
        if line:
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    return "\n\n".join("  \n".join(block) for block in blocks if block)


def answer_markdown(text: str) -> str:
    """An answer (ours or a model's) with its ``[n]`` markers, ``**bold**``, ``>`` quote
    lines and ``-`` bullets kept; everything else escaped. One paragraph per line."""
    blocks = []
    for line in text.replace("\r", "").split("\n"):
        body = line.strip()
        prefix = ""
        if body.startswith(">"):
            prefix, body = "> ", body.lstrip(">").strip()
        elif _BULLET.match(body):
            prefix, body = "- ", _BULLET.sub("", body)
        if body:
            blocks.append(prefix + _inline_spans(body))
    return "\n\n".join(blocks)


def streaming_markdown(partial: str) -> str:
    """What is shown while a model writes: the same escaping, and a cursor."""
    return answer_markdown(partial) + " ▌"


def _inline_spans(text: str) -> str:
    out, cursor = [], 0
    for match in _BOLD.finditer(text):
        out.append(_with_markers(text[cursor : match.start()]))
        out.append("**" + escape_markdown(match.group(1)) + "**")
        cursor = match.end()
    out.append(_with_markers(text[cursor:]))
    return "".join(out)


def _with_markers(text: str) -> str:
    out, cursor = [], 0
    for match in _MARKER.finditer(text):
        out.append(escape_markdown(text[cursor : match.start()]))
        out.append(marker(int(match.group(1))))
        cursor = match.end()
    out.append(escape_markdown(text[cursor:]))
    return "".join(out)


def safe_url(url: str | None) -> str | None:
    """``url`` if it is an http(s) address, percent-encoded so it cannot end a Markdown link
    early; otherwise None (``javascript:``, ``data:``, relative paths…)."""
    if not url or any(ch.isspace() for ch in url.strip()):
        return None
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return None
    return quote(url, safe=URL_SAFE)


def source_link(label: str, url: str | None) -> str | None:
    """A Markdown link we built from index metadata, or None when the url is unusable."""
    target = safe_url(url)
    return f"[{escape_markdown(label)}]({target})" if target else None


def display_date(iso: str | None) -> str:
    """``2020-05-26`` as ``26 May 2020``; ``undated`` when unknown or malformed."""
    if not iso:
        return "undated"
    try:
        day = date.fromisoformat(iso)
    except ValueError:
        return escape_markdown(iso)
    return f"{day.day} {day:%B %Y}"


def card_heading(citation: Citation) -> str:
    """``[n] Speaker · role · date`` and the verification badge."""
    badge = (
        ":green-badge[:material/verified: verbatim, verified]"
        if citation.verified
        else ":red-badge[:material/warning: not verified]"
    )
    return (
        f"{marker(citation.n)} **{inline(citation.who)}** · {citation.role.value} · "
        f"{display_date(citation.date)} {badge}"
    )


def block_quote(text: str) -> str:
    """Untrusted multi-line text as a Markdown block quote."""
    return _quoted(text_block(text))


def quote_markdown(quote: str) -> str:
    """A verbatim quote as a block quote between curly quotation marks."""
    return _quoted(f"“{text_block(quote)}”")


def _quoted(markdown: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in markdown.split("\n"))
