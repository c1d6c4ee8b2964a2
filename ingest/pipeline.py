"""The ingest pipeline: files -> transcripts -> passages -> a new index generation.

One writer at a time (``WriterLock``); every change is made to a copy of the current
generation and published atomically, so readers and killed runs never see a half-written
index. Unchanged files (same cleaned text, manifest row, parser and chunker) cost a hash and
nothing else: no parse, no embedding, no new generation.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from ingest.parsing import Parsed, chunk_parsed, read_and_parse, reparse_renamed
from ingest.registry import Entry, Registry, build_registry, entries_of
from ingest.report import IngestReport
from ingest.sentence_vectors import embed_missing_sentences
from onrecord.embeddings import Embedder, load_embedder
from onrecord.index import layout, turn_words
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
from onrecord.index.identity import build_identity, check_identity
from onrecord.index.lexical import LexicalIndex, lexical_fields
from onrecord.index.speaker_registry import SPEAKER_REGISTRY, speaker_entries
from onrecord.index.vectors import VectorStore
from onrecord.settings import Settings
from onrecord.timing import timed
from onrecord.types import Passage

EMBED_CHUNK = 512  # passages embedded (length-sorted) and written per step


@dataclass
class _Previous:
    """What the generation an ingest starts from holds (nothing for a first or --rebuild run)."""

    identity: dict | None = None
    hashes: dict[str, str] = field(default_factory=dict)  # doc id -> content hash
    paths: dict[str, str | None] = field(default_factory=dict)  # doc id -> its file
    # An index from before sentence vectors or the turn-words table: add them, changes or not.
    backfill: bool = False
    speakers: list[Entry] = field(default_factory=list)  # named speakers of each transcript


@dataclass
class _Run:
    """One ingest's settings and account, as the writing steps need them."""

    settings: Settings
    report: IngestReport
    embedder: Embedder | None
    identity: dict | None  # of the generation the new one copies (None: a fresh one)
    progress: bool
    registry: Registry


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
    report = IngestReport()
    with timed(report.seconds, "total"):
        _ingest(paths, settings, report, prune, rebuild, embedder, progress)
    return report


def _ingest(
    paths: list[Path],
    settings: Settings,
    report: IngestReport,
    prune: bool,
    rebuild: bool,
    embedder: Embedder | None,
    progress: bool,
) -> None:
    index_dir = settings.index_dir
    with WriterLock(index_dir, wait=settings.ingest.lock_wait):
        with timed(report.seconds, "parse"):
            current = current_generation(index_dir)
            remove_unpublished(index_dir, current)
            base = current if not rebuild else None
            previous = _previous(base, settings, embedder)
            drop_unused_collections(settings, index_dir)  # left by a killed ingest (server)
            parsed = read_and_parse(paths, settings, previous.hashes, report, progress)
            if prune:
                report.removed = _removed(report, previous)
            registry = _registry(previous, parsed, report.removed)
            renamed = _renamed(previous, registry, report.removed)
            if renamed:  # stored names the registry now names otherwise: parse those again
                parsed = reparse_renamed(parsed, renamed, settings)
                registry = _registry(previous, parsed, report.removed)
            parsed = chunk_parsed(parsed, registry, settings)
        changed = [p for p in parsed if p.status != "unchanged"]
        if changed or report.removed or rebuild or previous.backfill:
            run = _Run(settings, report, embedder, previous.identity, progress, registry)
            report.generation = _write_generation(run, base, changed).name
        elif current:
            report.generation = current.name
    _totals(index_dir, report)


def _previous(generation: Path | None, settings: Settings, embedder: Embedder | None) -> _Previous:
    """What ``generation`` holds, once its identity and vector mode are known to fit."""
    if generation is None:
        return _Previous()
    catalog = Catalog(layout.catalog_path(generation), readonly=True)
    try:
        identity = catalog.get_meta("identity")
        check_identity(identity, settings, embedder.dimension if embedder else None)
        check_vector_mode(catalog.get_meta(META), settings)
        # An index from before sentence vectors gets them even when no file changed.
        backfill = bool(
            settings.embedding.sentence_vectors and catalog.quotable_without_sentence_vectors()
        ) or not turn_words.has_table(catalog.db)
        speakers = [Entry(*row) for row in speaker_entries(catalog)]
        hashes, paths = catalog.content_hashes(), catalog.transcript_paths()
        return _Previous(identity, hashes, paths, backfill, speakers)
    finally:
        catalog.close()


def _renamed(previous: _Previous, registry: Registry, removed: list[str]) -> set[str]:
    """Indexed transcripts with a speaker stored under a name the registry now maps to
    another person's name (``Zients`` once ``Jeff Zients`` is known)."""
    return {
        e.doc_id
        for e in previous.speakers
        if e.doc_id not in removed and registry.person(e.doc_id, e.name) != e.name
    }


def _registry(previous: _Previous, parsed: list[Parsed], removed: list[str]) -> Registry:
    """The speaker registry of the index this ingest makes: the transcripts it keeps as
    they are indexed, and those it parsed this run."""
    fresh = [p.transcript for p in parsed if p.status != "unchanged"]
    gone = set(removed) | {t.doc_id for t in fresh}
    kept = [e for e in previous.speakers if e.doc_id not in gone]
    return build_registry(kept + [e for t in fresh for e in entries_of(t)])


def _removed(report: IngestReport, previous: _Previous) -> list[str]:
    """Indexed transcripts whose files were not found this run. A file that is still there
    but failed this time keeps its indexed version."""
    seen = {f.doc_id for f in report.files}
    failed_paths = {f.path for f in report.failed}
    return sorted(
        d for d in previous.hashes if d not in seen and previous.paths.get(d) not in failed_paths
    )


def _write_generation(run: _Run, current: Path | None, changed: list[Parsed]) -> Path:
    """Copy ``current`` (or start afresh), apply the changes, embed what is new, check the
    result and publish it; the new generation."""
    settings, report = run.settings, run.report
    with timed(report.seconds, "write", add=True):
        generation = new_generation(settings.index_dir, copy_from=current)
        catalog = Catalog(layout.catalog_path(generation))
        vectors = open_for_writing(settings, settings.index_dir, generation, catalog)
        to_embed = _apply_changes(catalog, vectors, changed, report.removed)
        want_sentences = bool(
            settings.embedding.sentence_vectors and catalog.quotable_without_sentence_vectors()
        )
    embedder = _embed_new(run, catalog, vectors, to_embed, want_sentences)
    with timed(report.seconds, "write", add=True):
        embedded = bool(to_embed or report.sentences_written)
        passages = _finish(run, generation, catalog, embedder, embedded)
        if vectors.count() != passages:
            raise RuntimeError(
                f"index check failed: {vectors.count()} vectors for "
                f"{passages} passages; the previous index is still in use"
            )
        del vectors
        publish(settings.index_dir, generation)
        try:
            drop_unused_collections(settings, settings.index_dir)
        except VectorServerUnavailable as err:
            report.warnings.append(f"old collections not deleted yet (the next ingest will): {err}")
    return generation


def _apply_changes(
    catalog: Catalog, vectors: VectorStore, changed: list[Parsed], removed: list[str]
) -> list[Passage]:
    """Drop the removed transcripts, replace the changed ones; the passages with no vector."""
    for doc_id in removed:
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
    catalog.drop_orphan_sentence_vectors()  # of passages changed or removed above
    return [p for p in fresh if p.id not in present]


def _embed_new(
    run: _Run,
    catalog: Catalog,
    vectors: VectorStore,
    to_embed: list[Passage],
    want_sentences: bool,
) -> Embedder | None:
    """Embed and store the vectors of ``to_embed`` and, when wanted, the sentence vectors
    quotes are chosen by; the embedder (loaded only when there is something to embed)."""
    embedder = run.embedder
    if (to_embed or want_sentences) and embedder is None:
        embedder = load_embedder(run.settings.embedding)
        check_identity(run.identity, run.settings, embedder.dimension)
    _embed_and_add(to_embed, vectors, embedder, run.report, run.progress)
    if want_sentences and embedder is not None:
        sentences = embed_missing_sentences(catalog, embedder, run.progress)
        run.report.sentences_written = sentences.sentences
        run.report.seconds["embed_sentences"] = sentences.seconds
    return embedder


def _finish(
    run: _Run, generation: Path, catalog: Catalog, embedder: Embedder | None, embedded: bool
) -> int:
    """Rebuild the keyword index from the catalog and record what built the generation
    (``embedded``: whether ``embedder`` computed any vector this run); the passage count."""
    all_passages = catalog.all_passages()
    fields = [lexical_fields(p) for p in all_passages]
    lexical = LexicalIndex.build(
        [p.id for p in all_passages], [a for a, _ in fields], [q for _, q in fields]
    )
    lexical.save(layout.lexical_path(generation))
    previous = run.identity or {}
    dimension = embedder.dimension if embedder else previous.get("embedding_dimension", 0)
    # An index from before precisions were recorded was embedded in float32.
    precisions = list(previous.get("embedding_precisions", ["float32"]) if previous else [])
    if embedder is not None and embedded:
        precisions.append(embedder.precision)
    catalog.set_meta("identity", build_identity(run.settings, dimension, precisions))
    catalog.set_meta(
        "built", {"at": time.strftime("%Y-%m-%d %H:%M:%S"), "passages": len(all_passages)}
    )
    catalog.set_meta(SPEAKER_REGISTRY, run.registry.to_json())
    turn_words.fill(catalog.db)  # every turn's words, for quote checks (no embedding)
    catalog.commit()
    catalog.close()
    return len(all_passages)


def _embed_and_add(
    to_embed: list[Passage],
    vectors: VectorStore,
    embedder: Embedder | None,
    report: IngestReport,
    progress: bool,
) -> None:
    """Embed length-sorted chunks (similar lengths batch with little padding) and write each."""
    calls_before = embedder.calls if embedder else 0
    ordered = sorted(to_embed, key=lambda p: len(p.embed_text))
    with tqdm(total=len(ordered), desc="embedding", unit="passage", disable=not progress) as bar:
        for offset in range(0, len(ordered), EMBED_CHUNK):
            chunk = ordered[offset : offset + EMBED_CHUNK]
            with timed(report.seconds, "embed", add=True):
                vecs = embedder.embed([p.embed_text for p in chunk])  # type: ignore[union-attr]
            with timed(report.seconds, "write", add=True):
                vectors.add(chunk, vecs)
            bar.update(len(chunk))
    report.passages_written = len(ordered)
    report.embedding_calls = (embedder.calls - calls_before) if embedder else 0


def _totals(index_dir: Path, report: IngestReport) -> None:
    current = current_generation(index_dir)
    if current:
        catalog = Catalog(layout.catalog_path(current), readonly=True)
        report.transcripts_total, report.passages_total = catalog.counts()
        catalog.close()
