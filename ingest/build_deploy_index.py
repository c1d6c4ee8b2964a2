"""Build a deploy artifact: ingest the given transcripts into a throwaway index, compact its
SQLite files, and pack that generation with a manifest (``onrecord.index.deploy``).

The manifest says what the artifact holds well enough to tell, without rebuilding, whether it
is stale: the index identity, the transcript and passage counts, a digest of the passage ids
(content-derived, so it changes with the chunker's output) and the sha256 of every source file.
"""

from __future__ import annotations

import platform
import sqlite3
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from ingest.discover import MANIFEST as SOURCE_MANIFEST
from ingest.pipeline import IngestReport, ingest_paths
from onrecord.embeddings import Embedder
from onrecord.index import layout
from onrecord.index.catalog import Catalog
from onrecord.index.deploy import passage_digest, sha256_file, write_artifact
from onrecord.index.generations import current_generation
from onrecord.settings import Settings


@dataclass
class DeployBuild:
    report: IngestReport
    manifest: dict | None  # None: nothing written (a file failed, or no transcripts)


def build_deploy_index(
    paths: list[Path],
    out_dir: Path,
    settings: Settings,
    *,
    embedder: Embedder | None = None,
    progress: bool = False,
) -> DeployBuild:
    """Ingest ``paths`` from scratch and write the artifact to ``out_dir``. A deploy index is
    built from a clean run: if any file fails, nothing is written."""
    with tempfile.TemporaryDirectory(prefix="onrecord-deploy-") as tmp:
        build_settings = settings.model_copy(update={"index_dir": Path(tmp) / "index"})
        report = ingest_paths(
            paths, build_settings, rebuild=True, embedder=embedder, progress=progress
        )
        generation = current_generation(build_settings.index_dir)
        if report.failed or generation is None or not report.transcripts_total:
            return DeployBuild(report, None)
        compact(generation)
        description = describe(generation, report, paths)
        return DeployBuild(report, write_artifact(generation, out_dir, description))


def compact(generation: Path) -> None:
    """VACUUM the SQLite files: Chroma's keeps the pages of its purged write-ahead queue."""
    for path in (layout.catalog_path(generation), layout.chroma_database_path(generation)):
        if path.is_file():
            db = sqlite3.connect(path, isolation_level=None)
            try:
                db.execute("VACUUM")
            finally:
                db.close()


def describe(generation: Path, report: IngestReport, paths: list[Path]) -> dict:
    """The manifest's account of what was built, from what, by what."""
    catalog = Catalog(layout.catalog_path(generation), readonly=True)
    try:
        identity = catalog.get_meta("identity") or {}
        transcripts, passages = catalog.counts()
        ids = [p.id for p in catalog.all_passages()]
    finally:
        catalog.close()
    return {
        "built": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "python": platform.python_version(),
        "identity": identity,
        "transcripts": transcripts,
        "passages": passages,
        "passage_ids_sha256": passage_digest(ids),
        "sources": source_files(report, paths),
    }


def source_files(report: IngestReport, paths: list[Path]) -> list[dict]:
    """Every transcript file read, and every folder manifest, with its sha256."""
    files = {Path(f.path) for f in report.files if f.status != "failed"}
    files |= {m for p in paths if p.is_dir() for m in p.rglob(SOURCE_MANIFEST)}
    return [{"path": p.as_posix(), "sha256": sha256_file(p)} for p in sorted(files)]
