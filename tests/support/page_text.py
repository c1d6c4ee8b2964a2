"""What a reader sees of the page, for comparing it with the transcripts."""

from __future__ import annotations

import re

from onrecord.ui import render


def shown(markdown: str) -> str:
    """Roughly what a reader sees of Markdown made by ``render``: our directives, bold and
    block-quote marks dropped, backslash escapes and word joiners removed."""
    text = re.sub(r"(?<!\\):[a-z-]+\[", "", markdown)  # our directives open unescaped
    text = re.sub(r"(?<!\\)\]", "", text)
    text = re.sub(r"(?<!\\)\*\*", "", text)
    text = re.sub(r"(?m)^>[ ]?", "", text)
    text = re.sub(r"\\(.)", r"\1", text)
    return text.replace(render.WORD_JOINER, "")


def squash(text: str) -> str:
    """``text`` with its (invisible) word joiners dropped and each run of white space one
    space: the page and the transcript compared as words."""
    return " ".join(text.replace(render.WORD_JOINER, "").split())
