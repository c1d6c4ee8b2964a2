"""One person, one name across the archive: the speaker registry.

Each transcript names its speakers as its labels allow (``ingest/formats``, then
``onrecord.names.canonical_names``): ``Jeff Zients`` where the page spells the name out,
``Zients`` where it does not, now and then a misspelling (``Buttitgieg``). The registry is
built at ingest from the named speakers of every transcript in the index and gives each one
person one name:

1. a name close to a more frequent name of the same transcript is a misspelling of it
   (``Buttitgieg`` -> ``Buttigieg``, ``Senior Administrive Official``);
2. full names with the same surname whose given names are spellings of one another
   (``Sergei``/``Sergey``, ``Vladmir``/``Vladimir``, ``Jen``/``Jennifer``, ``M.``/``Margarita``,
   ``Vivek H.``/``Vivek``) are one person, named as most turns name them;
3. a surname alone (``Zients``) is the full name when the archive holds exactly one official
   of that source with that surname (``Jeff Zients``); otherwise it stays as written;
4. an office label (``The President``) is the person who held the office on the page's date,
   as the source's titles name him (``Remarks by President Biden …``: ``ingest/office_holders.py``),
   then named as step 3 names that surname.

Role labels (``Question``, ``Moderator``, ``Senior Administration Official``) are not people
and only go through step 1 (and office labels through step 4).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace

from rapidfuzz import fuzz

from ingest.formats import PODIUM_FORMATS
from ingest.office_holders import Page, office_of, resolve_offices
from ingest.speakers import is_role_label
from onrecord.names import spoken_name
from onrecord.types import Role, Transcript

TYPO_RATIO = 85  # rapidfuzz ratio (0-100) from which two names of one transcript are one
WORD_RATIO = 75  # ... each of their words, compared from the end
GIVEN_RATIO = 80  # ... from which two given names with one surname are spellings of one


@dataclass(frozen=True)
class Entry:
    """One name as one transcript uses it."""

    source: str
    doc_id: str
    name: str
    role: str
    turns: int
    title: str = ""  # of the transcript
    date: str | None = ""  # of the transcript, ISO


@dataclass
class Registry:
    """name in a transcript -> person; and each person's aliases, roles and transcripts."""

    by_doc: dict[tuple[str, str], str] = field(default_factory=dict)  # (doc id, name) -> person
    people: dict[str, dict] = field(default_factory=dict)
    hosts: dict[str, set[str]] = field(default_factory=dict)  # person -> titles they moderate
    officials: dict[str, set[str]] = field(default_factory=dict)  # source -> its officials
    spelt: dict[tuple[str, str], Role] = field(default_factory=dict)  # misspelt name's role

    def person(self, doc_id: str, name: str) -> str:
        return self.by_doc.get((doc_id, name), name)

    def role(self, person: str, role: Role, title: str, source: str = "") -> Role:
        """The role of ``person``'s turn given the archive. A journalist's or participant's
        turn is a moderator's where the same person moderates events of the same title
        elsewhere (the Direct Line's hosts, whichever spelling or label they had); only the
        same title: a forum's moderator who interviews someone is the press there (Megyn
        Kelly). On podium pages a speaker the page gave no office (``other``) is an official
        where another page of the source gives them one (``DR. JHA`` at a briefing that does
        not introduce him); elsewhere a participant stays one (Alexei Kudrin asking at a
        Direct Line, a minister years before)."""
        if role in (Role.JOURNALIST, Role.OTHER) and title in self.hosts.get(person, set()):
            return Role.MODERATOR
        on_podium = source in PODIUM_FORMATS
        if role is Role.OTHER and on_podium and person in self.officials.get(source, set()):
            return Role.OFFICIAL
        return role

    def aliases(self) -> dict[str, str]:
        """Every name written anywhere -> its person (names that are their own left out)."""
        return {
            alias: p for p, info in self.people.items() for alias in info["aliases"] if alias != p
        }

    def to_json(self) -> dict:
        return {"people": self.people}


def entries_of(transcript: Transcript) -> list[Entry]:
    counts = Counter((t.speaker, t.role.value) for t in transcript.turns if t.speaker)
    return [
        Entry(
            transcript.source, transcript.doc_id, name, role, n, transcript.title, transcript.date
        )
        for (name, role), n in counts.items()
    ]


def build_registry(entries: list[Entry]) -> Registry:
    """The registry of ``entries`` (every named speaker of every transcript in the index)."""
    typos = _typos_within_transcripts(entries)
    fixed = [replace(e, name=typos.get((e.doc_id, e.name), e.name)) for e in entries]
    people = _people(fixed)
    offices = _office_holders(fixed, people)
    registry = Registry(spelt=_spelt_roles(entries, typos))
    for entry, original in zip(fixed, entries, strict=True):
        person = offices.get((entry.doc_id, entry.name)) or people.get(
            (entry.source, entry.name), entry.name
        )
        registry.by_doc[entry.doc_id, original.name] = person
        info = registry.people.setdefault(
            person, {"aliases": {}, "roles": {}, "transcripts": 0, "turns": 0}
        )
        info["aliases"][original.name] = info["aliases"].get(original.name, 0) + entry.turns
        info["roles"][entry.role] = info["roles"].get(entry.role, 0) + entry.turns
        info["turns"] += entry.turns
        if entry.role == Role.MODERATOR.value and entry.title:
            registry.hosts.setdefault(person, set()).add(entry.title)
        if entry.role == Role.OFFICIAL.value and _is_person(person):
            registry.officials.setdefault(entry.source, set()).add(person)
    for person, info in registry.people.items():
        info["transcripts"] = len({d for (d, _), p in registry.by_doc.items() if p == person})
    return registry


def _spelt_roles(entries: list[Entry], typos: dict[tuple[str, str], str]) -> dict:
    """(doc id, misspelt name) -> the role the transcript gives the name it misspells (most
    turns): one person, one role in a transcript (``WHITE HOUSE OFFICIA``, ``Fydor
    Lukyanov``)."""
    roles: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for e in entries:
        roles[e.doc_id, e.name][e.role] += e.turns
    return {
        (doc_id, name): Role(roles[doc_id, target].most_common(1)[0][0])
        for (doc_id, name), target in typos.items()
        if roles.get((doc_id, target))
    }


def _typos_within_transcripts(entries: list[Entry]) -> dict[tuple[str, str], str]:
    """(doc id, name) -> the more frequent name of the same transcript it misspells."""
    by_doc: dict[str, Counter[str]] = defaultdict(Counter)
    for e in entries:
        by_doc[e.doc_id][e.name] += e.turns
    found: dict[tuple[str, str], str] = {}
    for doc_id, names in by_doc.items():
        for name, turns in names.items():
            better = [
                other
                for other, n in names.most_common()
                if (n, name) > (turns, other) and _misspelt(name, other)
            ]
            if better:
                found[doc_id, name] = better[0]
    for (doc_id, name), target in found.items():  # ``Kleimyonov`` -> ``Kleimenov`` -> ``Kleymenov``
        while (doc_id, target) in found:
            target = found[doc_id, target]
        found[doc_id, name] = target
    return found


def _misspelt(name: str, other: str) -> bool:
    """``name`` is ``other`` with a typo: word by word from the end (``Buttitgieg`` for
    ``Pete Buttigieg``, ``Vladmir Putin``, ``Senior Administrive Official``), each word
    close, the whole closer (``Vladimir Lukin`` is not ``Vladimir Putin``)."""
    a, b = name.lower().split(), other.lower().split()
    if len(a) > len(b) or len(name) < 5:
        return False
    pairs = list(zip(reversed(a), reversed(b), strict=False))
    return all(x[:1] == y[:1] and fuzz.ratio(x, y) >= WORD_RATIO for x, y in pairs) and (
        fuzz.ratio(" ".join(a), " ".join(b[len(b) - len(a) :])) >= TYPO_RATIO
    )


def _people(entries: list[Entry]) -> dict[tuple[str, str], str]:
    """(source, name) -> person, for the names steps 2 and 3 merge."""
    turns: Counter[str] = Counter()
    official: dict[str, set[str]] = defaultdict(set)  # source -> full names of officials
    for e in entries:
        if _is_person(e.name):
            turns[e.name] += e.turns
            if len(e.name.split()) >= 2 and e.role == Role.OFFICIAL.value:
                official[e.source].add(e.name)
    person = _merge_variants([n for n in turns if len(n.split()) >= 2], turns)
    found: dict[tuple[str, str], str] = {}
    for e in entries:
        if not _is_person(e.name):
            continue
        if len(e.name.split()) >= 2:
            found[e.source, e.name] = person.get(e.name, e.name)
            continue
        full = {person.get(n, n) for n in official[e.source] if _surname(n) == e.name.lower()}
        if len(full) == 1:
            found[e.source, e.name] = full.pop()
    return found


def _office_holders(
    entries: list[Entry], people: dict[tuple[str, str], str]
) -> dict[tuple[str, str], str]:
    """(doc id, office label) -> person (step 4): per transcript, since the holder depends on
    the page's date; the name its titles give (a surname) as step 3 names it."""
    pages = {e.doc_id: Page(e.source, e.doc_id, e.title, e.date or "") for e in entries}
    rows = [(e.doc_id, e.name, e.turns) for e in entries if office_of(e.name)]
    source = {e.doc_id: e.source for e in entries}
    return {
        (doc_id, label): people.get((source[doc_id], name), name)
        for (doc_id, label), name in resolve_offices(list(pages.values()), rows).items()
    }


def _is_person(name: str) -> bool:
    return bool(name) and not is_role_label(name) and not _is_role_name(name)


def _is_role_name(name: str) -> bool:
    """``Senior Administration Official``, ``White House Aide``: a role, read "a …"."""
    return spoken_name(name) != name or name.lower().startswith(("the ", "senior "))


def _surname(name: str) -> str:
    return name.split()[-1].lower()


def _merge_variants(names: list[str], turns: Counter[str]) -> dict[str, str]:
    """Full name -> the most used spelling among the names it is a variant of (step 2)."""
    parent = {n: n for n in names}

    def root(n: str) -> str:
        while parent[n] != n:
            n = parent[n]
        return n

    by_surname: dict[str, list[str]] = defaultdict(list)
    for n in names:
        by_surname[_surname(n)].append(n)
    for group in by_surname.values():
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                if _same_given(a, b, group):
                    parent[root(a)] = root(b)
    members: dict[str, list[str]] = defaultdict(list)
    for n in names:
        members[root(n)].append(n)
    best = {
        r: max(ms, key=lambda m: (_spelt_out(m), turns[m], len(m))) for r, ms in members.items()
    }
    return {n: best[root(n)] for n in names}


def _spelt_out(name: str) -> bool:
    """``Margarita Papchenkova``, not ``M. Papchenkova``."""
    return len(name.split()[0].strip(".")) > 1


def _same_given(a: str, b: str, group: list[str]) -> bool:
    """``Sergei``/``Sergey``, ``Jen``/``Jennifer``, ``Vivek H.``/``Vivek``, and ``M.`` for
    ``Margarita`` when no other given name of that surname starts with M."""
    ga = [w for w in a.split()[:-1] if len(w.strip(".")) > 1]
    gb = [w for w in b.split()[:-1] if len(w.strip(".")) > 1]
    if not ga and not gb:
        return False
    if not ga or not gb:
        short, full = (a, b) if not ga else (b, a)
        initial = short.split()[0][:1]
        starting = {n for n in group if n.split()[0][:1] == initial and len(n.split()[0]) > 2}
        return full.split()[0][:1] == initial and len(starting) == 1
    x, y = ga[0].lower(), gb[0].lower()
    if x[0] != y[0]:
        return False
    return x.startswith(y) or y.startswith(x) or fuzz.ratio(x, y) >= GIVEN_RATIO


def resolve(transcript: Transcript, registry: Registry) -> Transcript:
    """``transcript`` with each turn's speaker its registry person."""
    turns = []
    for turn in transcript.turns:
        if turn.speaker:
            person = registry.person(transcript.doc_id, turn.speaker)
            role = registry.spelt.get((transcript.doc_id, turn.speaker), turn.role)
            role = registry.role(person, role, transcript.title, transcript.source)
            turn = replace(turn, speaker=person, role=role)
        turns.append(turn)
    return replace(transcript, turns=turns)
