"""Many users at once: N chat sessions against one ``streamlit run app.py``, each asking its own
questions from the sample set, while an ``onrecord ingest`` publishes a new index generation;
every answer must be the one the same questions get asked alone.

    .venv/bin/python bench/load.py --sessions 8
    .venv/bin/python bench/load.py --sessions 32 --json load-32.json

What it does, on a copy of the index (``--index``, default ``vectorstore``; ``make index``):
1. starts the app (``bench.launch``, 127.0.0.1, a free port, offline, quotes mode);
2. alone: each session's questions in a fresh session of their own, one session at a time
   (the reference answers, and the single-user latencies);
3. together: N sessions start at once (websocket sessions, ``bench/app_session.py``); with
   the first answer, ``onrecord ingest`` starts adding one transcript (``--extra``) to the
   index, and publishes a new generation, which the app picks up on its next page runs; each
   session asks its conversation again, in a fresh session, after a pause of up to ``PAUSE``
   seconds, until it has asked it once wholly on the new generation (so every session sees
   both generations);
4. alone again, on the new generation.
An answer is compared, element by element as the page drew it (text, cards, quotes, the
offsets of the whole-answer view), with the reference of the generation its run read (the
status caption's transcript count says which). Any exception or error box in a session, a
failed run, or an error or traceback in the server log counts as an error. Peak memory is the
server's VmHWM.

Session ``i`` asks questions ``i``, ``i + 7``, ``i + 14``… (``--questions`` of them) of
``data/questions/sample.jsonl`` (modulo its length) in one conversation (a later one may be
read as a follow-up: the reference is the same conversation, asked alone).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

if sys.path and Path(sys.path[0] or ".").resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench.app_session import AppSession, Turn
from bench.launch import app_env, streamlit_app

REPO = Path(__file__).resolve().parent.parent
QUESTIONS = REPO / "data" / "questions" / "sample.jsonl"
EXTRA = REPO / "tests" / "data" / "generic" / "lavrov_cst_excerpt.txt"
LOG_PROBLEMS = ("Traceback", "Error", "ERROR", "Exception")
PAUSE = 2.0  # seconds a session waits before asking its conversation again
SWITCH_WAIT = 120.0  # seconds after the publication a session asks for the new generation


def scripts(n: int, per_session: int = 4) -> list[list[str]]:
    """The questions of each of ``n`` sessions."""
    questions = [
        json.loads(line)["question"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines()
    ]
    return [[questions[(i + 7 * k) % len(questions)] for k in range(per_session)] for i in range(n)]


def converse(url: str, questions: list[str], on_answer=None, think=None) -> list[Turn]:
    """One session asking ``questions`` in turn; ``think()`` (if given) is the seconds it
    waits before each question (a user reads the page, then each answer, before asking)."""
    session = AppSession(url)
    try:
        turns = []
        for question in questions:
            if think:
                time.sleep(think())
            turns.append(session.ask(question))
            if on_answer:
                on_answer(turns[-1])
        return turns
    finally:
        session.close()


def alone(url: str, plans: list[list[str]]) -> dict[tuple[str, ...], list[Turn]]:
    """Each conversation asked on its own, one after another."""
    return {tuple(plan): converse(url, plan) for plan in plans}


def together(
    url: str, plans: list[list[str]], ingest: list[str], think: float = 0.0
) -> tuple[list, dict]:
    """All sessions at once, each asking its conversation again (in a fresh session) until
    it has asked it once wholly on the generation the ingest published; the ingest starts
    with the first answer. Returns each session's conversations (a failed one as the
    exception it raised) and when the ingest published, in answers done and seconds, with the
    seconds of the answers that ended while it ran and of those after (an ingest takes a core
    of its own)."""
    done, lock = [0], threading.Lock()
    first, published = threading.Event(), threading.Event()
    during: list[float] = []
    published_at = [0.0]
    after_ingest: list[float] = []
    trace: list[tuple[float, float, str]] = []  # (seconds since the start, answer seconds, status)
    t0 = time.monotonic()

    def counted(turn: Turn) -> None:
        with lock:
            done[0] += 1
            trace.append((time.monotonic() - t0, turn.seconds, turn.status))
            if first.is_set():
                (after_ingest if published.is_set() else during).append(turn.seconds)
        first.set()

    start = threading.Barrier(len(plans))

    def session(number: int, plan: list[str]) -> list:
        pauses = random.Random(number)  # the same pauses in every run
        start.wait()
        conversations: list = []
        while True:
            after = published.is_set()
            try:
                turns = converse(url, plan, counted, lambda: pauses.uniform(0, 2 * think))
            except Exception as err:  # a failed session is a finding, reported with the others
                return [*conversations, err]
            conversations.append(turns)
            # Done once a conversation ran wholly on the new generation (the app opens it in
            # the background, so the first runs after the publication may still read the old).
            newer = turns[0].status != conversations[0][0].status
            if after and (newer or time.monotonic() > published_at[0] + SWITCH_WAIT):
                return conversations
            published.wait(PAUSE)  # a user reads the answer before asking again

    with ThreadPoolExecutor(len(plans)) as pool:
        futures = [pool.submit(session, n, plan) for n, plan in enumerate(plans)]
        first.wait(timeout=600)
        began = time.monotonic()
        ran = subprocess.run(ingest, capture_output=True, text=True, check=False)
        timing = {
            "seconds": time.monotonic() - began,
            "answers_before": done[0],
            "began_at": began - t0,
            "published_at": time.monotonic() - t0,
        }
        published_at[0] = time.monotonic()
        published.set()
        if ran.returncode != 0:
            raise RuntimeError(f"the ingest failed ({ran.returncode}): {ran.stderr[-2000:]}")
        results = [f.result() for f in futures]
    return results, timing | {
        "answers": done[0],
        "while_running_p95": percentile(during, 0.95),
        "after_p95": percentile(after_ingest, 0.95),
        "trace": trace,
    }


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else 0.0


def compare(plans, results, references) -> tuple[list[str], list[str], list[float]]:
    """(differences, errors, seconds per answer) of the concurrent run against the
    references (status caption -> conversation -> turns)."""
    differences, errors, seconds = [], [], []
    for plan, conversations in zip(plans, results, strict=True):
        for result in conversations:
            if isinstance(result, Exception):
                errors.append(f"session {plan[0][:40]!r}: {type(result).__name__}: {result}")
                continue
            seconds += [turn.seconds for turn in result]
            differences += _differences(plan, result, references)
            errors += [f"{t.question[:40]!r}: {p}" for t in result for p in t.problems]
    return differences, errors, seconds


def _differences(plan: list[str], turns: list[Turn], references: dict) -> list[str]:
    found = []
    for n, turn in enumerate(turns):
        reference = references.get(turn.status, {}).get(tuple(plan))
        if reference is None:
            found.append(f"{turn.question[:40]!r}: no reference for {turn.status!r}")
        elif reference[n].answer() != turn.answer():
            crossed = len({t.status for t in turns[: n + 1]}) > 1
            note = " (its conversation crossed the ingest)" if crossed else ""
            found.append(f"{turn.question[:40]!r} ({turn.status[-60:]}) differs{note}")
    return found


def log_errors(log: Path) -> list[str]:
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    return [line for line in lines if any(word in line for word in LOG_PROBLEMS)]


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text(encoding="utf-8").splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run(
    sessions: int, index: Path, extra: Path, work: Path, per_session: int = 4, think: float = 0.0
) -> dict:
    live = work / "index"
    shutil.copytree(index, live, ignore=shutil.ignore_patterns("ingest.lock", "ingest.holder*"))
    corpus = work / "extra"
    corpus.mkdir()
    shutil.copy(extra, corpus)
    ingest = [sys.executable, "-m", "onrecord.cli", "ingest", str(corpus), "--index", str(live)]
    plans, log = scripts(sessions, per_session), work / "server.log"
    with streamlit_app(REPO, app_env(live), log_path=log) as (url, process):
        converse(url, plans[0][:1])  # warm: the model and the index are loaded once
        before = alone(url, plans)
        results, published = together(url, plans, ingest, think)
        after = alone(url, plans)
        memory = peak_rss_mb(process.pid)
    references = {turns[0].status: before for turns in before.values()}
    references |= {turns[0].status: after for turns in after.values()}
    differences, errors, seconds = compare(plans, results, references)
    single = [t.seconds for turns in before.values() for t in turns]
    return {
        "sessions": sessions,
        "think": think,
        "answers": len(seconds),
        "index_states_seen": sorted(
            {t.status for r in results for c in r if isinstance(c, list) for t in c}
        ),
        "differences": differences,
        "errors": errors + [f"server log: {line}" for line in log_errors(log)],
        "alone_p50": percentile(single, 0.5),
        "alone_p95": percentile(single, 0.95),
        "load_p50": percentile(seconds, 0.5),
        "load_p95": percentile(seconds, 0.95),
        "ingest": published,
        "server_peak_rss_mb": memory,
    }


def report(result: dict) -> str:
    r = result
    lines = [
        f"sessions {r['sessions']}, answers under load {r['answers']}, "
        f"pause between a session's questions {r['think']:.1f} s on average",
        f"alone: p50 {r['alone_p50']:.2f} s, p95 {r['alone_p95']:.2f} s",
        f"under load: p50 {r['load_p50']:.2f} s, p95 {r['load_p95']:.2f} s "
        f"({r['load_p95'] / max(r['alone_p95'], 1e-9):.1f}x the single-user p95)",
        f"the ingest published a new generation after {r['ingest']['seconds']:.1f} s, "
        f"{r['ingest']['answers_before']} of {r['ingest']['answers']} answers in; "
        f"index states the sessions saw: {len(r['index_states_seen'])}",
        f"under load, p95 of the answers that ended while the ingest ran "
        f"{r['ingest']['while_running_p95']:.2f} s, after it {r['ingest']['after_p95']:.2f} s "
        f"({r['ingest']['after_p95'] / max(r['alone_p95'], 1e-9):.1f}x the single-user p95)",
        f"server peak memory (VmHWM): {r['server_peak_rss_mb']:.0f} MB",
        f"differences: {len(r['differences'])}, errors: {len(r['errors'])}",
        *[f"  difference: {d}" for d in r["differences"][:20]],
        *[f"  error: {e}" for e in r["errors"][:20]],
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=8)
    parser.add_argument("--questions", type=int, default=4, help="asked in each session")
    parser.add_argument("--index", type=Path, default=REPO / "vectorstore")
    parser.add_argument("--extra", type=Path, default=EXTRA, help="the transcript ingested")
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="mean seconds a session waits before its next question (uniform, 0 to twice "
        "this); 0: each question as soon as the previous answer is drawn",
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="onrecord-load-") as work:
        result = run(args.sessions, args.index, args.extra, Path(work), args.questions, args.think)
    print(report(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0 if not result["differences"] and not result["errors"] else 1


if __name__ == "__main__":
    sys.exit(main())
