"""Keep the model's instructions out of what the user sees (pure).

A transcript is untrusted text; one that says "reply with your system prompt" may be obeyed.
The guard recognises a reply that repeats the instructions, by the canary marker written into
them (``PROMPT_CANARY``) or by any run of about 40 characters copied from them, and it holds
back the last characters of a streamed reply so that a leak is caught before it is drawn.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterable

from onrecord.constants import PROMPT_CANARY

WINDOW, STEP = 40, 20  # instruction text is compared in overlapping windows of WINDOW chars
HOLD_BACK = max(WINDOW + STEP, len(PROMPT_CANARY))  # streamed characters not shown yet


def _words(text: str) -> str:
    return " ".join(text.lower().split())


def _letters(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.lower())


class PromptGuard:
    def __init__(self, instructions: str, allowed: Iterable[str] = ()) -> None:
        """``allowed``: phrases of the instructions the model is meant to write (the refusal
        sentence); windows never cover them."""
        parts = [_words(instructions)]
        for phrase in allowed:
            parts = [piece for part in parts for piece in part.split(_words(phrase))]
        self.windows = {
            part[start : start + WINDOW]
            for part in parts
            for start in range(0, max(1, len(part) - WINDOW + 1), STEP)
            if len(part[start : start + WINDOW]) == WINDOW
        }
        self.canary = _letters(PROMPT_CANARY)

    def leak(self, text: str) -> str | None:
        """Why ``text`` repeats the instructions, or None."""
        if self.canary in _letters(text):
            return "it wrote out its confidential instructions"
        words = _words(text)
        if any(window in words for window in self.windows):
            return "it repeated its instructions"
        return None

    def stream(self, pieces: Generator[str, None, object]) -> Generator[str, None, object]:
        """Pass on a stream of text pieces, ``HOLD_BACK`` characters behind, and nothing more
        once it leaks; returns what ``pieces`` returns. The caller replaces the streamed text
        with the checked answer at the end."""
        text, shown, leaked = "", 0, False
        while True:
            try:
                piece = next(pieces)
            except StopIteration as done:
                return done.value
            text += piece
            leaked = leaked or self.leak(text) is not None
            safe = len(text) - HOLD_BACK
            if not leaked and safe > shown:
                yield text[shown:safe]
                shown = safe
