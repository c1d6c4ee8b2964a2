"""A conversation, or one answer, as a Markdown file a journalist can keep or share.

Transcript and model text go into the file with what could make a Markdown viewer fetch
something or run HTML neutralised (images, raw HTML, inline links); the only links are the
source links built from index metadata.
"""

from __future__ import annotations

import re

from onrecord.check.payload import check_text
from onrecord.constants import NOT_FOUND
from onrecord.types import Answer, Citation
from onrecord.ui.filters import describe_filters
from onrecord.ui.render import display_date, safe_url
from onrecord.ui.session import Exchange

# "![", "](", "]:" (reference definitions), "<" and ">" lose their meaning with a backslash.
_ACTIVE = re.compile(r"!\[|\]\(|\]:|[<>]")


def neutralise(text: str) -> str:
    """``text`` with images, inline links, link definitions and HTML made literal."""
    return _ACTIVE.sub(lambda m: "".join("\\" + ch for ch in m.group(0)), text)


def quote_lines(quote: str) -> str:
    lines = f"“{neutralise(quote.strip())}”".splitlines()
    return "\n".join(f"> {line.strip()}" if line.strip() else ">" for line in lines)


def citation_markdown(citation: Citation) -> str:
    """``[n] Speaker (role), date, Title — verified``, the quote, and the link if known."""
    mark = "verbatim, verified" if citation.verified else "NOT VERIFIED"
    parts = [
        f"**[{citation.n}] {neutralise(citation.who)}** ({citation.role.value}), "
        f"{display_date(citation.date)}, *{neutralise(citation.title)}* — {mark}",
        "",
        quote_lines(citation.quote),
        "",
        f"Transcript `{citation.doc_id}`, characters {citation.start}–{citation.end}.",
    ]
    url = safe_url(citation.url)
    if url:
        parts[-1] += f" [Source, at the quoted words]({url})"
    return "\n".join(parts)


def exchange_markdown(exchange: Exchange, number: int | None = None) -> str:
    """One question and its answer with numbered sources."""
    title = f"## {number}. " if number else "## "
    lines = [title + neutralise(" ".join(exchange.question.split())), ""]
    answer = exchange.answer
    if exchange.check is not None:  # a quote check: its verdicts and matches as plain text
        fence = "`" * 3
        lines += [fence + "text", check_text(exchange.check).replace("`", "'"), fence]
        return "\n".join(lines) + "\n"
    if answer is None:
        lines.append(f"_No answer: {neutralise(exchange.error or 'interrupted')}_")
        return "\n".join(lines)
    lines += [neutralise(answer.text), "", _about(exchange, answer)]
    lines += [f"- Warning: {neutralise(w)}" for w in answer.warnings]
    if answer.citations:
        lines += ["", "### Sources", ""]
        for citation in answer.citations:
            lines += [citation_markdown(citation), ""]
    return "\n".join(lines).rstrip() + "\n"


def _about(exchange: Exchange, answer: Answer) -> str:
    how = f"LLM ({exchange.model})" if answer.mode == "llm" else "quotes mode (no model)"
    filters = describe_filters(answer.filters)
    text = f"_Asked {exchange.asked_at} · answered by {how}"
    if filters:
        text += " · filters: " + neutralise("; ".join(filters))
    if answer.text == NOT_FOUND:
        text += " · the transcripts do not show this"
    return text + "_"


def conversation_markdown(exchanges: list[Exchange], header: str) -> str:
    """The whole conversation; ``header`` says when and from which index it was exported."""
    parts = [
        "# OnRecord conversation",
        "",
        header,
        "",
        "Quotes are exact spans of the transcripts; speakers come from the transcripts' own "
        "speaker labels.",
        "",
    ]
    for number, exchange in enumerate(exchanges, start=1):
        parts.append(exchange_markdown(exchange, number))
    return "\n".join(parts).rstrip() + "\n"
