"""Who a claim is attributed to, as indexed people: a name as journalists write it
("Putin", "Jen Psaki"), through the speaker registry, or an office ("the foreign minister"),
through the office resolution questions use (``onrecord/reading/offices.py``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from onrecord.index.reader import IndexReader
from onrecord.names import speaker_matches
from onrecord.reading.offices import read_office
from onrecord.types import SearchFilters


@dataclass
class Resolved:
    speakers: list[str] = field(default_factory=list)  # canonical names, as turns store them
    office: str | None = None  # the office phrase that named them, if any
    warnings: list[str] = field(default_factory=list)


def resolve_speakers(
    reader: IndexReader, name: str | None, since: str | None, until: str | None
) -> Resolved:
    """The indexed people ``name`` means (none for None); a warning when it means no one."""
    if not name:
        return Resolved()
    found = reader.matching_speakers(name)
    # A transcript that names someone by surname alone ("Walensky") where the registry could
    # not tell whose it is: "Rochelle Walensky" is still that person.
    bare = [s for s in reader.speakers if " " not in s.strip() and speaker_matches(s, name)]
    found += [s for s in bare if s not in found]
    if found:
        return Resolved(found)
    offices = reader.official_offices(SearchFilters(since=since, until=until))
    match = read_office(name, offices)
    if match is not None:
        return Resolved(reader.matching_speakers(match.name) or [match.name], match.office)
    return Resolved([], None, [f"no one in the transcripts is called or holds the office {name!r}"])
