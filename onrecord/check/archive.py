"""What a check reads of the index: turns by their words, transcript texts and metadata,
cached for the length of one check."""

from __future__ import annotations

from dataclasses import dataclass, field

from onrecord.check.types import Diff, Match
from onrecord.citations import text_fragment_url
from onrecord.index.catalog import TranscriptInfo
from onrecord.index.reader import IndexReader
from onrecord.index.turn_words import TurnRef, transcripts_between
from onrecord.verify import is_verbatim


@dataclass
class Archive:
    """One check's view of the index, with the date filters it applies to every turn."""

    reader: IndexReader
    since: str | None = None
    until: str | None = None
    exact_dense_max: int = 300_000  # search.exact_dense_max: above it, Chroma's HNSW
    _texts: dict[str, str] = field(default_factory=dict)
    _info: dict[str, TranscriptInfo | None] = field(default_factory=dict)

    @property
    def db(self):
        return self.reader.catalog.db

    @property
    def schema(self) -> str:
        return self.reader.turn_words_schema()

    def text(self, doc_id: str) -> str:
        if doc_id not in self._texts:
            self._texts[doc_id] = self.reader.catalog.transcript_text(doc_id) or ""
        return self._texts[doc_id]

    def info(self, doc_id: str) -> TranscriptInfo | None:
        if doc_id not in self._info:
            self._info[doc_id] = self.reader.catalog.transcript_info(doc_id)
        return self._info[doc_id]

    def turn(self, doc_id: str, index: int) -> TurnRef:
        """A turn by its transcript and index, as the turn-words table would give it."""
        turn = self.reader.catalog.turns(doc_id)[index]
        return TurnRef(doc_id, index, turn.speaker, turn.role.value, turn.start, turn.end, 0.0)

    def in_dates(self, doc_id: str) -> bool:
        info = self.info(doc_id)
        date = info.date if info else None
        if self.since and (not date or date < self.since):
            return False
        return not (self.until and (not date or date > self.until))

    def match(self, ref: TurnRef, kind: str, span: tuple[int, int], **scores) -> Match:
        """A match of ``kind`` at ``span`` of ``ref``'s transcript (``scores``: similarity,
        coverage, diffs)."""
        info = self.info(ref.doc_id)
        text = self.text(ref.doc_id)
        quote = text[span[0] : span[1]]
        diffs: list[Diff] = scores.pop("diffs", [])
        return Match(
            kind=kind,
            doc_id=ref.doc_id,
            start=span[0],
            end=span[1],
            quote=quote,
            speaker=ref.speaker,
            role=ref.role,
            date=info.date if info else None,
            title=info.title if info else ref.doc_id,
            url=text_fragment_url(info.url if info else None, quote),
            similarity=round(scores.pop("similarity", 1.0), 3),
            coverage=round(scores.pop("coverage", 1.0), 3),
            turn_index=ref.index,
            turn_start=ref.start,
            turn_end=ref.end,
            diffs=diffs,
            cosine=scores.pop("cosine", None),
            verified=is_verbatim(text, quote, span[0], span[1]),  # as every quote shown is
        )

    def transcripts_searched(self) -> int:
        """Transcripts whose dates the filters allow."""
        return transcripts_between(self.db, self.since, self.until)
