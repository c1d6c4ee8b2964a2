"""Question sets: JSONL and CSV, broken lines reported, unknown documents and quotes caught."""

from __future__ import annotations

import json

from onrecord.evaluation.questions import load_questions, resolve

TEXTS = {"doc1": "Question: Why?\n\nJane Doe: Because the budget ran out last year.\n"}


def write(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_jsonl_broken_lines_are_reported_with_their_number(tmp_path):
    good = {
        "id": "q1",
        "question": "Why did it stop?",
        "answerable": True,
        "tags": ["factual"],
        "evidence": [
            {"doc_id": "doc1", "speaker": "Jane Doe", "quote": "Because the budget ran out"}
        ],
    }
    path = write(
        tmp_path / "set.jsonl",
        [
            json.dumps(good),
            "{not json",
            json.dumps({"id": "q3"}),
            json.dumps({"question": "Answerable but no gold", "answerable": True}),
            "",
            json.dumps({"id": "q5", "question": "Not covered", "answerable": False}),
        ],
    )
    loaded = load_questions(path)
    assert [q.id for q in loaded.questions] == ["q1", "q5"]
    assert loaded.errors == [
        f"{path}:2: not valid JSON (Expecting property name enclosed in double quotes)",
        f"{path}:3: missing field 'question'",
        f"{path}:4: answerable question without evidence",
    ]
    assert loaded.questions[0].tags == ["factual"] and not loaded.questions[1].answerable


def test_csv_questions(tmp_path):
    path = write(
        tmp_path / "set.csv",
        [
            "question,doc_id,quote,speaker,answerable",
            "Why did it stop?,doc1,Because the budget ran out,Jane Doe,true",
            "What about Mars?,,,,false",
            ",doc1,x,y,true",
        ],
    )
    loaded = load_questions(path)
    assert [(q.question, q.answerable, len(q.evidence)) for q in loaded.questions] == [
        ("Why did it stop?", True, 1),
        ("What about Mars?", False, 0),
    ]
    assert loaded.errors == [f"{path}:4: empty question"]


def test_unknown_documents_and_missing_quotes_are_question_set_errors(tmp_path):
    rows = [
        {
            "id": f"q{i}",
            "question": "Why?",
            "answerable": True,
            "evidence": [{"doc_id": doc, "speaker": "Jane Doe", "quote": quote}],
        }
        for i, (doc, quote) in enumerate(
            [
                ("doc1", "the budget ran out"),
                ("nope", "the budget"),
                ("doc1", "the budget was fine"),
            ]
        )
    ]
    loaded = load_questions(write(tmp_path / "s.jsonl", [json.dumps(r) for r in rows]))
    resolve(loaded, TEXTS.get)
    assert [q.id for q in loaded.questions] == ["q0"]
    evidence = loaded.questions[0].evidence[0]
    assert TEXTS["doc1"][evidence.start : evidence.end] == "the budget ran out"
    assert loaded.errors == [
        "line 2 (q1): unknown doc_id 'nope' (not in the index)",
        "line 3 (q2): quote not found in doc1: 'the budget was fine'",
    ]
