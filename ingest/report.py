"""What an ingest did: one result per file, and the run's totals, timings and warnings."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FileResult:
    path: str
    doc_id: str
    status: str  # added | updated | unchanged | failed
    reason: str = ""
    warnings: list[str] = field(default_factory=list)
    passages: int = 0


@dataclass
class IngestReport:
    files: list[FileResult] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    passages_written: int = 0
    sentences_written: int = 0  # sentence vectors computed for quote selection
    passages_total: int = 0
    transcripts_total: int = 0
    tokens_embedded: int = 0
    embedding_calls: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    generation: str | None = None

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)

    @property
    def failed(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "failed"]
