"""The speaker registry as the index stores it (built at ingest by ``ingest/registry.py``):
each person with the names transcripts give them, their roles and counts; read by the
speaker filter and ``onrecord info --speakers``."""

from __future__ import annotations

from onrecord.index.catalog import Catalog

# Catalog meta key: {"people": {person: {"aliases": {name: turns}, "roles": {role: turns},
# "transcripts": n, "turns": n}}}.
SPEAKER_REGISTRY = "speakers"
SPEAKER_ENTRIES = (
    "SELECT t.source, u.doc_id, u.speaker, u.role, COUNT(*), t.title, t.date FROM turns u "
    "JOIN transcripts t ON t.doc_id = u.doc_id WHERE u.speaker != '' "
    "GROUP BY u.doc_id, u.speaker, u.role ORDER BY u.doc_id, u.speaker, u.role"
)


def speaker_entries(catalog: Catalog) -> list[tuple[str, str, str, str, int, str, str]]:
    """(source, doc id, speaker, role, turns, title, date) of each named speaker of each
    transcript."""
    return catalog.db.execute(SPEAKER_ENTRIES).fetchall()


def stored_people(catalog: Catalog) -> dict[str, dict]:
    """The registry's people (empty for an index built before the registry)."""
    return (catalog.get_meta(SPEAKER_REGISTRY) or {}).get("people", {})


def names_by_speaker(speakers: list[str], people: dict[str, dict]) -> dict[str, list[str]]:
    """Each indexed speaker -> every name that means them: their own, their person's, and
    the person's aliases."""
    person_of = {alias: p for p, info in people.items() for alias in info.get("aliases", {})}
    found: dict[str, list[str]] = {}
    for speaker in speakers:
        person = person_of.get(speaker, speaker)
        aliases = people.get(person, {}).get("aliases", {})
        found[speaker] = list(dict.fromkeys([speaker, person, *aliases]))
    return found


def people_rows(people: dict[str, dict]) -> list[dict]:
    """The registry as rows, most turns first: name, aliases (other names), roles, counts."""
    rows = [
        {
            "name": person,
            "aliases": {a: n for a, n in info["aliases"].items() if a != person},
            "roles": info["roles"],
            "transcripts": info["transcripts"],
            "turns": info["turns"],
        }
        for person, info in people.items()
    ]
    return sorted(rows, key=lambda r: (-r["turns"], r["name"]))
