"""Drawing a quote check: the verdict in one line, then the matches as source cards, the
words that differ marked (the transcript's in bold green, the claim's struck through).
Every piece of transcript or user text goes through ``render``."""

from __future__ import annotations

import streamlit as st

from onrecord.check.types import CheckResult, Match, SentenceCheck
from onrecord.ui import render
from onrecord.ui.session import Exchange

BADGES = {
    "verbatim": ":green-badge[:material/verified: verbatim]",
    "close": ":orange-badge[:material/difference: close, not verbatim]",
    "other_speaker": ":red-badge[:material/person_off: someone else's words]",
    "journalist": ":red-badge[:material/record_voice_over: a reporter's words]",
    "not_found": ":gray-badge[:material/search_off: not found]",
    "mixed": ":gray-badge[:material/rule: several verdicts]",
}
KINDS = {
    "exact": "the exact words",
    "close": "nearly the words",
    "question": "the reporter's question",
    "answer": "the answer",
    "related": "related, not these words",
}


def check_body(item: Exchange) -> None:
    result = item.check
    assert result is not None
    for warning in result.warnings:
        st.warning(render.inline(warning), icon=":material/warning:")
    st.markdown(f"{BADGES[result.verdict]} {render.inline(result.overall)}")
    several = len(result.sentences) > 1
    for n, check in enumerate(result.sentences, 1):
        if several:
            st.markdown(f"**{n}.** {BADGES[check.verdict]} {render.inline(check.summary)}")
            st.caption(f"“{render.inline(check.claim)}”")
        sentence_cards(item, n, check)
    st.caption(searched(result))


def sentence_cards(item: Exchange, n: int, check: SentenceCheck) -> None:
    for m, match in enumerate(check.matches):
        card(f"{item.id}-{n}-{m}", match)
    if check.related:
        st.markdown("**Related** · the closest statements, not these words")
        for m, match in enumerate(check.related):
            card(f"{item.id}-{n}-r{m}", match)


def card(key: str, match: Match) -> None:
    with st.container(border=True, key=f"check-card-{key}"):
        st.markdown(
            f"**{render.inline(match.speaker)}** · {render.escape_markdown(match.role)} · "
            f"{render.display_date(match.date)} · {KINDS.get(match.kind, match.kind)}"
        )
        about = render.inline(match.title)
        link = render.source_link("open at these words", match.url)
        st.caption(f"{about} · {link} :material/open_in_new:" if link else about)
        body = marked_markdown(match) if match.kind == "close" else render.inline(match.quote)
        st.markdown(f"> “{body}”")
        st.caption(score_line(match))


def marked_markdown(match: Match) -> str:
    """The transcript's words with each difference marked: its own words in bold green, the
    claim's in its place struck through."""
    out, cursor = [], match.start
    for diff in sorted(match.diffs, key=lambda d: d.start):
        out.append(render.inline(match.quote[cursor - match.start : diff.start - match.start]))
        if diff.record:
            out.append(f":green[**{render.inline(diff.record)}**]")
        if diff.claim:
            out.append(f" ~~{render.inline(diff.claim)}~~ ")
        cursor = diff.end
    out.append(render.inline(match.quote[cursor - match.start :]))
    return "".join(out)


def score_line(match: Match) -> str:
    line = f"word similarity {match.similarity:.2f}"
    if match.cosine is not None:
        line += f" · meaning {match.cosine:.2f}"
    where = (
        f"transcript {render.escape_markdown(match.doc_id)}, characters {match.start}–{match.end}"
    )
    return f"{line} · {where}"


def searched(result: CheckResult) -> str:
    who = ", ".join(result.speakers) or (result.speaker or "anyone")
    dates = f"{result.since or 'the first'} to {result.until or 'the last'} transcript"
    return render.inline(f"Searched: {result.transcripts_searched} transcripts, {who}, {dates}.")
