"""Client/server mode against a real `chroma run`: the index folder keeps catalog, keyword
index and pointer, the vectors live in one server collection per generation; answers are the
same as with the embedded index; the modes are never mixed up; the auth header reaches the
server through a token-checking proxy and is never shown."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from ingest.pipeline import ingest_paths
from onrecord.assistant import Assistant
from onrecord.index.generations import current_generation
from onrecord.index.identity import IndexMismatch
from onrecord.index.reader import IndexReader
from tests.conftest import FIXTURES, NOT_IN_FIXTURE_CORPUS, make_settings
from tests.support.auth_proxy import auth_proxy
from tests.support.chroma_server import server_collections
from tests.support.indexcheck import assert_index_whole

GAS = "What did Medvedev tell Miller to do about the Belarus gas debt?"
TOKEN = "Bearer canary-token-52c1e0"  # noqa: S105 - a test canary, not a secret


def onrecord(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """The command in its own process (slow: it imports torch)."""
    return subprocess.run(
        [sys.executable, "-m", "onrecord.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "HF_HUB_OFFLINE": "1", **env},
    )


@pytest.fixture(scope="module")
def server_index(module_chroma_server, tmp_path_factory, embedder):
    """The fixture transcripts indexed in server mode, in two ingests (two generations)."""
    index_dir = tmp_path_factory.mktemp("server-index")
    corpus = tmp_path_factory.mktemp("server-corpus")
    shutil.copytree(FIXTURES, corpus, dirs_exist_ok=True, ignore=NOT_IN_FIXTURE_CORPUS)
    held_back = corpus / "kremlin" / "kremlin_en_8055.txt"
    later = held_back.read_text(encoding="utf-8")
    held_back.unlink()
    settings = make_settings(index_dir, chroma_url=module_chroma_server.url)
    ingest_paths([corpus], settings, embedder=embedder, progress=False)
    held_back.write_text(later, encoding="utf-8")
    report = ingest_paths([corpus], settings, embedder=embedder, progress=False)
    assert report.count("added") == 1 and report.count("unchanged") == 6 and not report.failed
    return index_dir


def test_vectors_live_on_the_server_and_the_rest_in_the_index_folder(
    server_index, module_chroma_server
):
    url = module_chroma_server.url
    settings = make_settings(server_index, chroma_url=url)
    generation = current_generation(server_index)
    assert generation.name == "gen-000002"
    assert sorted(p.name for p in generation.iterdir()) == ["catalog.sqlite3", "lexical"]
    # The new generation's collection was built from a copy of the previous one; the previous
    # generation (kept for readers that opened it) keeps its collection, nothing else remains.
    names = server_collections(url, server_index)
    assert [n.rsplit("-", 2)[-2:] for n in names] == [["gen", "000001"], ["gen", "000002"]]
    passages = assert_index_whole(server_index, settings)
    reader = IndexReader.open(server_index, settings)
    assert reader.stats()["vectors"] == {"backend": "server", "url": url, "collection": names[1]}
    assert reader.vectors.count() == passages == reader.catalog.counts()[1]


def test_answers_through_the_server_match_the_embedded_index(
    server_index, module_chroma_server, built_index, embedder
):
    settings = make_settings(server_index, chroma_url=module_chroma_server.url)
    served = Assistant(settings, IndexReader.open(server_index, settings), embedder).answer(GAS)
    local_settings = make_settings(built_index)
    local = Assistant(
        local_settings, IndexReader.open(built_index, local_settings), embedder
    ).answer(GAS)
    assert served.found and served.citations
    assert served.text == local.text
    # The same passages in the same order. Fused scores may differ in the fourth decimal: the
    # server index embedded the held-back transcript in a batch of its own, and bfloat16
    # vectors depend a little on a batch's padding, so two near-equal neighbours can swap
    # inside one of the fused lists (1/62 against 1/63).
    assert [h.passage_id for h in served.passages] == [h.passage_id for h in local.passages]
    for s, e in zip(served.passages, local.passages, strict=True):
        assert abs(s.score - e.score) < 1e-3
    reader = IndexReader.open(server_index, settings)
    for citation in served.citations:
        assert citation.verified and citation.speaker == "Dmitry Medvedev"
        text = reader.catalog.transcript_text(citation.doc_id)
        assert text[citation.start : citation.end] == citation.quote


def test_onrecord_ask_and_info_through_the_server(server_index, module_chroma_server, onrecord_cli):
    env = {"ONRECORD_CHROMA_URL": module_chroma_server.url}
    ask = onrecord("ask", GAS, "--index", str(server_index), "--json", env=env)
    assert ask.returncode == 0, ask.stderr
    payload = json.loads(ask.stdout)
    assert payload["found"] and payload["citations"]
    assert all(c["verified"] and c["speaker"] == "Dmitry Medvedev" for c in payload["citations"])
    code, out, err = onrecord_cli("info", "--index", str(server_index), env=env)
    assert code == 0, err
    assert f"vectors: Chroma server {module_chroma_server.url}, collection onrecord-" in out


def test_another_embedding_model_is_refused_in_server_mode(server_index, module_chroma_server):
    settings = make_settings(server_index, chroma_url=module_chroma_server.url)
    settings.embedding.model = "sentence-transformers/all-mpnet-base-v2"
    with pytest.raises(IndexMismatch, match="embedding_model"):
        IndexReader.open(server_index, settings)


def test_the_modes_are_never_mixed_up(
    server_index, built_index, module_chroma_server, tmp_path, embedder, onrecord_cli
):
    with pytest.raises(IndexMismatch, match="set ONRECORD_CHROMA_URL"):
        IndexReader.open(server_index, make_settings(server_index))
    with pytest.raises(IndexMismatch, match=r"embedded Chroma.*--rebuild"):
        IndexReader.open(
            built_index, make_settings(built_index, chroma_url=module_chroma_server.url)
        )
    local = tmp_path / "index"
    shutil.copytree(built_index, local)
    env = {"ONRECORD_CHROMA_URL": module_chroma_server.url}
    code, _, err = onrecord_cli("ingest", str(FIXTURES / "generic"), "--index", str(local), env=env)
    assert code == 3 and err.startswith("error: ") and "embedded Chroma" in err
    # --rebuild moves it to the server; then it is the embedded reader that is refused.
    settings = make_settings(local, chroma_url=module_chroma_server.url)
    ingest_paths([FIXTURES / "generic"], settings, rebuild=True, embedder=embedder, progress=False)
    assert (
        assert_index_whole(local, settings) == IndexReader.open(local, settings).stats()["passages"]
    )
    with pytest.raises(IndexMismatch, match="set ONRECORD_CHROMA_URL"):
        IndexReader.open(local, make_settings(local, chroma_url=None))  # None: not the env's


def test_the_auth_header_reaches_the_server_and_is_never_shown(
    server_index, module_chroma_server, tmp_path, embedder, onrecord_cli
):
    shown = []
    with auth_proxy(module_chroma_server.url, "Authorization", TOKEN) as proxy:
        env = {"ONRECORD_CHROMA_URL": proxy.url}
        code, out, err = onrecord_cli("info", "--index", str(server_index), env=env)
        assert code == 3 and err.count("\n") == 1 and "refused the request (HTTP 401)" in err
        assert "ONRECORD_CHROMA_AUTH_HEADER" in err
        env["ONRECORD_CHROMA_AUTH_HEADER"] = "Authorization: Bearer canary-token-wrong"
        code, out, err = onrecord_cli("info", "--index", str(server_index), env=env)
        assert code == 3 and "did not accept the header" in err
        shown += [out, err]
        assert proxy.seen and not any(s.authorised for s in proxy.seen)
        proxy.seen.clear()

        env["ONRECORD_CHROMA_AUTH_HEADER"] = f"Authorization: {TOKEN}"
        code, out, err = onrecord_cli("ask", GAS, "--index", str(server_index), "--json", env=env)
        assert code == 0, err
        assert json.loads(out)["citations"]
        shown += [out, err]
        # Writes carry the header too: a new index built through the proxy.
        settings = make_settings(
            tmp_path / "index", chroma_url=proxy.url, chroma_auth_header=f"Authorization: {TOKEN}"
        )
        report = ingest_paths([FIXTURES / "generic"], settings, embedder=embedder, progress=False)
        assert report.passages_total > 0 and not report.failed
        assert assert_index_whole(tmp_path / "index", settings) == report.passages_total
        code, out, err = onrecord_cli("info", "--index", str(tmp_path / "index"), "--json", env=env)
        assert code == 0, err
        shown += [out, err]
    methods = {s.method for s in proxy.seen}
    assert {"GET", "POST"} <= methods and len(proxy.seen) > 10
    assert all(s.authorised for s in proxy.seen)
    assert not any("canary-token" in text for text in shown)
