"""``THE PRESIDENT:`` on a known date: who held the office, read from the archive itself.

White House pages label the President by office, never by name; page titles name him
(``Remarks by President Biden at …``, ``Press Gaggle by President Biden and …``). So the
holder of an office on a date is the person the source's own titles call ``<Office>
<Name>``: the name whose titles span that date (the most titles wins where spans overlap, a
head of state met on a visit being named in a few), else the name of the titles nearest in
time. No list of presidents is kept: a corpus of another era or country names its own.

A page's office label is resolved when the page shows the office holder speaking: its title
names the office, or the label holds more than one turn. A single ``THE PRESIDENT:`` turn in
the middle of someone else's briefing is, on every such page of the dev corpus, the briefer's
answer under a wrong label ("The President has been a bit busy…", Jen Psaki): it stays as
written rather than be put in the President's mouth.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from onrecord.names import TITLE_WORDS

# Office labels as canonical names have them (``THE PRESIDENT`` -> ``The President``).
OFFICE_LABELS = {"the president": "President", "the vice president": "Vice President"}
_RUN = r"((?:[A-Z][\w\-]+\s){0,2}[A-Z][\w\-]+)"  # capitalised words after the office
_FOREIGN = re.compile(r"^(?:[’']s)?\s+of\s+(?:the\s+)?[A-Z]")  # ``President Xi Jinping of China``


@dataclass(frozen=True)
class Page:
    """One transcript as the resolution sees it."""

    source: str
    doc_id: str
    title: str
    date: str  # ISO, or "" when unknown


def office_of(name: str) -> str | None:
    """``The President`` -> ``President``; None for a name that is not an office label."""
    return OFFICE_LABELS.get(name.strip().lower())


def named_in_title(office: str, title: str) -> list[str]:
    """Names the title gives after ``office``, as titles write them, by surname (``President
    Biden’s Call`` -> ``Biden``); not after an article (``Senior Advisor to the President Gene
    Sperling``) or a longer office (``Vice President Harris`` is no President), and not a
    head of state of a named country (``President Xi Jinping of China``)."""
    found = []
    for match in re.finditer(rf"(\S+\s)?\b{re.escape(office)}\s{_RUN}", title):
        before = (match.group(1) or "").strip().lower()
        if before in TITLE_WORDS or before in {"the", "former"}:
            continue
        if _FOREIGN.match(title[match.end() :]):
            continue
        found.append(match.group(2).split()[0])
    return found


def holders(pages: list[Page], office: str) -> dict[str, dict[str, tuple[str, str, int]]]:
    """source -> name -> (first date, last date, titles) of the pages whose titles name
    ``office`` with that name."""
    spans: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for page in pages:
        for name in set(named_in_title(office, page.title)):
            spans[page.source][name].append(page.date)
    found: dict[str, dict[str, tuple[str, str, int]]] = {}
    for source, names in spans.items():
        for name, dates in names.items():
            dated = sorted(d for d in dates if d)
            span = (dated[0], dated[-1]) if dated else ("", "")
            found.setdefault(source, {})[name] = (*span, len(dates))
    return found


def holder_on(page: Page, office: str, known: dict[str, tuple[str, str, int]]) -> str | None:
    """Who held ``office`` on the page's date, by the source's titles (``known``, from
    ``holders``): of the names whose titles span the date, the one most titles give (a
    foreign president met in those years is named in a few: ``… Call with President Xi``),
    the page's own title breaking a tie; with none spanning it, the name of the nearest
    titles; with no date, the name the page's own title gives."""
    own = set(named_in_title(office, page.title))
    covering = [n for n, (first, last, _) in known.items() if first <= page.date <= last]
    if page.date and covering:
        return max(covering, key=lambda n: (known[n][2], n in own))
    if page.date and known:
        return min(known, key=lambda n: (_days_apart(page.date, known[n]), -known[n][2]))
    return max(own, key=lambda n: known.get(n, ("", "", 0))[2]) if own else None


def _days_apart(day: str, span: tuple[str, str, int]) -> int:
    first, last, _ = span
    if not first:
        return 1 << 30
    when = date.fromisoformat(day)
    return min(
        abs((when - date.fromisoformat(first)).days), abs((when - date.fromisoformat(last)).days)
    )


def resolve_offices(
    pages: list[Page], labels: list[tuple[str, str, int]]
) -> dict[tuple[str, str], str]:
    """(doc id, office label) -> the holder's name as titles give it, for each ``labels``
    row (doc id, office label, turns) whose page shows the holder speaking."""
    by_doc = {p.doc_id: p for p in pages}
    known: dict[str, dict[str, dict[str, tuple[str, str, int]]]] = {}
    found: dict[tuple[str, str], str] = {}
    for doc_id, label, turns in labels:
        office, page = office_of(label), by_doc.get(doc_id)
        if office is None or page is None:
            continue
        if turns < 2 and not named_in_title(office, page.title):
            continue  # one turn in someone else's briefing: see the module docstring
        if office not in known:
            known[office] = holders(pages, office)
        name = holder_on(page, office, known[office].get(page.source, {}))
        if name:
            found[doc_id, label] = name
    return found
