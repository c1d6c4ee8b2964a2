"""The ingest pipeline: files -> transcripts -> passages -> a new index generation.

One writer at a time (``WriterLock``); every change is made to a copy of the current
generation and published atomically, so readers and killed runs never see a half-written
index. Unchanged files (same cleaned text, manifest row, parser and chunker) cost a hash and
nothing else: no parse, no embedding, no new generation.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from ingest.chunker import chunk_transcript
from ingest.discover import METADATA_FIELDS, SourceFile, discover
from ingest.file_text import UnreadableFile, read_transcript_file
from ingest.formats import UnparseableTranscript, parse_transcript
from ingest.sentence_vectors import embed_missing_sentences
from onrecord.embeddings import Embedder, load_embedder
from onrecord.index import layout
from onrecord.index.catalog import Catalog
from onrecord.index.chroma_server import VectorServerUnavailable
from onrecord.index.generation_vectors import (
    META,
    check_vector_mode,
    drop_unused_collections,
    open_for_writing,
)
from onrecord.index.generations import (
    WriterLock,
    current_generation,
    new_generation,
    publish,
    remove_unpublished,
)
from onrecord.index.identity import build_identity, check_identity, content_shaping
from onrecord.index.lexical import LexicalIndex, lexical_fields
from onrecord.index.vectors import VectorStore
from onrecord.settings import Settings
from onrecord.types import Passage, Transcript

EMBED_CHUNK = 512  # passages embedded (length-sorted) and written per step


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


@dataclass
class _Parsed:
    source: SourceFile
    transcript: Transcript
    content_hash: str
    passages: list[Passage]
    status: str


def ingest_paths(
    paths: list[Path],
    settings: Settings,
    *,
    prune: bool = False,
    rebuild: bool = False,
    embedder: Embedder | None = None,
    progress: bool = True,
) -> IngestReport:
    """Ingest files and folders into ``settings.index_dir``; see the module docstring."""
    started = time.perf_counter()
    report = IngestReport()
    index_dir = settings.index_dir
    with WriterLock(index_dir, wait=settings.ingest.lock_wait):
        current = current_generation(index_dir)
        remove_unpublished(index_dir, current)
        old = current if not rebuild else None
        catalog = Catalog(layout.catalog_path(old), readonly=True) if old else None
        identity = catalog.get_meta("identity") if catalog else None
        if embedder is not None:
            check_identity(identity, settings, embedder.dimension)
        else:
            check_identity(identity, settings)
        if catalog:
            check_vector_mode(catalog.get_meta(META), settings)
        drop_unused_collections(settings, index_dir)  # left by a killed ingest (server mode)
        known = catalog.content_hashes() if catalog else {}
        known_paths = catalog.transcript_paths() if catalog else {}
        # An index from before sentence vectors gets them even when no file changed.
        backfill = bool(
            catalog
            and settings.embedding.sentence_vectors
            and catalog.quotable_without_sentence_vectors()
        )
        if catalog:
            catalog.close()
        parsed = _read_and_parse(paths, settings, known, report, progress)
        report.seconds["parse"] = time.perf_counter() - started
        seen = {f.doc_id for f in report.files}
        if prune:
            # A file that is still there but failed this time keeps its indexed version.
            failed_paths = {f.path for f in report.failed}
            report.removed = sorted(
                d for d in known if d not in seen and known_paths.get(d) not in failed_paths
            )
        changed = [p for p in parsed if p.status != "unchanged"]
        if changed or report.removed or rebuild or backfill:
            generation = _write_generation(
                index_dir,
                current if not rebuild else None,
                changed,
                report,
                settings,
                embedder,
                identity,
                progress,
            )
            report.generation = generation.name
        elif current:
            report.generation = current.name
    _totals(index_dir, report)
    report.seconds["total"] = time.perf_counter() - started
    return report


def content_hash(text: str, manifest: dict, settings: Settings) -> str:
    """The text, its manifest row and everything that shapes its passages, hashed (what
    counts: ``onrecord.index.identity.SHAPING``)."""
    shaping = {
        "manifest": {k: manifest.get(k) for k in METADATA_FIELDS},
        **content_shaping(settings),
    }
    digest = hashlib.sha256(text.encode("utf-8", errors="surrogatepass"))
    digest.update(json.dumps(shaping, sort_keys=True).encode())
    return digest.hexdigest()


def _read_and_parse(
    paths: list[Path],
    settings: Settings,
    known: dict[str, str],
    report: IngestReport,
    progress: bool,
) -> list[_Parsed]:
    sources, refused, warnings = discover(paths, settings.ingest.root)
    report.warnings.extend(warnings)
    report.files.extend(FileResult(r.path, "", "failed", r.reason) for r in refused)
    max_bytes = int(settings.ingest.max_file_mb * 1_000_000)
    parsed: list[_Parsed] = []
    first_path: dict[str, str] = {}
    for source in tqdm(sources, desc="reading", unit="file", disable=not progress):
        result = FileResult(str(source.path), source.doc_id, "failed")
        report.files.append(result)
        if source.doc_id in first_path:
            other = first_path[source.doc_id]
            result.reason = f"duplicate transcript id {source.doc_id!r} (also {other})"
            continue
        first_path[source.doc_id] = str(source.path)
        item = _parse_one(source, settings, known, max_bytes, result)
        if item:
            parsed.append(item)
    return parsed


def _parse_one(
    source: SourceFile,
    settings: Settings,
    known: dict[str, str],
    max_bytes: int,
    result: FileResult,
) -> _Parsed | None:
    try:
        read = read_transcript_file(source.path, max_bytes)
    except UnreadableFile as err:
        result.reason = str(err)
        return None
    result.warnings = read.warnings
    digest = content_hash(read.text, source.manifest, settings)
    if known.get(source.doc_id) == digest:
        result.status = "unchanged"
        return _Parsed(source, None, digest, [], "unchanged")  # type: ignore[arg-type]
    try:
        transcript = parse_transcript(source.doc_id, read.text)
    except UnparseableTranscript as err:
        result.reason = str(err)
        return None
    _apply_manifest(transcript, source)
    if not transcript.date:
        result.warnings.append("no date found: date filters will not match this transcript")
    passages = chunk_transcript(transcript, settings.chunk)
    if not passages:
        result.reason = "speaker turns found, but no passage worth indexing"
        return None
    result.status = "updated" if source.doc_id in known else "added"
    result.passages = len(passages)
    return _Parsed(source, transcript, digest, passages, result.status)


def _apply_manifest(transcript: Transcript, source: SourceFile) -> None:
    transcript.path = str(source.path)
    for key in METADATA_FIELDS:
        value = source.manifest.get(key)
        if value:
            setattr(transcript, key, str(value))


def _write_generation(
    index_dir: Path,
    current: Path | None,
    changed: list[_Parsed],
    report: IngestReport,
    settings: Settings,
    embedder: Embedder | None,
    identity: dict | None,
    progress: bool,
) -> Path:
    started = time.perf_counter()
    generation = new_generation(index_dir, copy_from=current)
    catalog = Catalog(layout.catalog_path(generation))
    vectors = open_for_writing(settings, index_dir, generation, catalog)
    for doc_id in report.removed:
        vectors.delete(catalog.delete_transcript(doc_id))
    fresh: list[Passage] = []
    for item in changed:
        new_ids = {p.id for p in item.passages}
        vectors.delete(
            [pid for pid in catalog.passage_ids(item.transcript.doc_id) if pid not in new_ids]
        )
        catalog.put_transcript(item.transcript, item.content_hash)
        catalog.replace_passages(item.transcript.doc_id, item.passages)
        fresh.extend(item.passages)
    present = vectors.existing([p.id for p in fresh])
    to_embed = [p for p in fresh if p.id not in present]
    catalog.drop_orphan_sentence_vectors()  # of passages changed or removed above
    want_sentences = bool(
        settings.embedding.sentence_vectors and catalog.quotable_without_sentence_vectors()
    )
    report.seconds["write"] = time.perf_counter() - started
    if (to_embed or want_sentences) and embedder is None:
        embedder = load_embedder(settings.embedding)
        check_identity(identity, settings, embedder.dimension)
    _embed_and_add(to_embed, vectors, embedder, report, progress)
    if want_sentences and embedder is not None:
        sentences = embed_missing_sentences(catalog, embedder, progress)
        report.sentences_written = sentences.sentences
        report.seconds["embed_sentences"] = sentences.seconds
    started = time.perf_counter()
    all_passages = catalog.all_passages()
    fields = [lexical_fields(p) for p in all_passages]
    lexical = LexicalIndex.build(
        [p.id for p in all_passages], [a for a, _ in fields], [q for _, q in fields]
    )
    lexical.save(layout.lexical_path(generation))
    dimension = embedder.dimension if embedder else (identity or {}).get("embedding_dimension", 0)
    # An index from before precisions were recorded was embedded in float32.
    precisions = list(identity.get("embedding_precisions", ["float32"]) if identity else [])
    if embedder is not None and (to_embed or report.sentences_written):
        precisions.append(embedder.precision)
    catalog.set_meta("identity", build_identity(settings, dimension, precisions))
    catalog.set_meta(
        "built", {"at": time.strftime("%Y-%m-%d %H:%M:%S"), "passages": len(all_passages)}
    )
    catalog.commit()
    catalog.close()
    if vectors.count() != len(all_passages):
        raise RuntimeError(
            f"index check failed: {vectors.count()} vectors for "
            f"{len(all_passages)} passages; the previous index is still in use"
        )
    del vectors
    publish(index_dir, generation)
    try:
        drop_unused_collections(settings, index_dir)
    except VectorServerUnavailable as err:
        report.warnings.append(f"old collections not deleted yet (the next ingest will): {err}")
    report.seconds["write"] += time.perf_counter() - started
    return generation


def _embed_and_add(
    to_embed: list[Passage],
    vectors: VectorStore,
    embedder: Embedder | None,
    report: IngestReport,
    progress: bool,
) -> None:
    """Embed length-sorted chunks (similar lengths batch with little padding) and write each."""
    embed_seconds = write_seconds = 0.0
    calls_before = embedder.calls if embedder else 0
    ordered = sorted(to_embed, key=lambda p: len(p.embed_text))
    with tqdm(total=len(ordered), desc="embedding", unit="passage", disable=not progress) as bar:
        for offset in range(0, len(ordered), EMBED_CHUNK):
            chunk = ordered[offset : offset + EMBED_CHUNK]
            t0 = time.perf_counter()
            vecs = embedder.embed([p.embed_text for p in chunk])  # type: ignore[union-attr]
            t1 = time.perf_counter()
            vectors.add(chunk, vecs)
            write_seconds += time.perf_counter() - t1
            embed_seconds += t1 - t0
            bar.update(len(chunk))
    report.passages_written = len(ordered)
    report.embedding_calls = (embedder.calls - calls_before) if embedder else 0
    report.seconds["embed"] = embed_seconds
    report.seconds["write"] = report.seconds.get("write", 0.0) + write_seconds


def _totals(index_dir: Path, report: IngestReport) -> None:
    current = current_generation(index_dir)
    if current:
        catalog = Catalog(layout.catalog_path(current), readonly=True)
        report.transcripts_total, report.passages_total = catalog.counts()
        catalog.close()
