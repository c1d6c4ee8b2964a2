"""The named mutants of ``bench/mutants.py``: one deliberate bug each, against a promise of the
product, with the test files that must catch it (the answer side here; timelines, metrics and
the shape of the code and the index in ``bench/mutant_list_shape.py``). ``old`` must occur
exactly once in ``path`` (else the check stops, naming the stale mutant); ``new`` replaces
it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mutant:
    name: str
    path: str
    old: str
    new: str
    tests: tuple[str, ...]


VERIFY = ("tests/test_verify.py", "tests/test_llm_answer.py")
ASSISTANT = ("tests/test_assistant.py",)
FUSION = ("tests/test_fusion_lists.py",)

# A quote of four or more words may differ from the source by one word (the audit's bug).
_FUZZY = """    position = haystack.find(needle)
    if position < 0 and len(needle.split(" ")) >= 4:
        words = needle.split(" ")
        for i in range(len(words)):
            pattern = " ".join(r"\\S+" if j == i else re.escape(w) for j, w in enumerate(words))
            if found := re.search(pattern, haystack):
                return start + where[found.start()], start + where[found.end() - 1] + 1
    if position < 0:"""

VERBATIM = [
    Mutant(
        "verify-one-word-may-differ",
        "onrecord/verify.py",
        "    position = haystack.find(needle)\n    if position < 0:",
        _FUZZY,
        VERIFY,
    ),
    Mutant(
        "verify-ignores-case",
        "onrecord/verify.py",
        "    needle, _ = normalise(core)\n",
        "    needle, _ = normalise(core)\n    haystack, needle = haystack.lower(), needle.lower()"
        "\n",
        VERIFY,
    ),
    Mutant(
        "verify-end-offset-one-past",
        "onrecord/verify.py",
        "    return first, last + 1  #",
        "    return first, last + 2  #",
        VERIFY,
    ),
    Mutant(
        "verify-drops-dashes-in-words",
        "onrecord/verify.py",
        '        "—": "-",\n',
        '        "—": " ",\n',
        VERIFY,
    ),
    Mutant(
        "citation-start-shifted",
        "onrecord/citations.py",
        "        start=start,\n",
        "        start=start + 1,\n",
        ASSISTANT,
    ),
]

ATTRIBUTION = [
    Mutant(
        "citation-speaker-from-title",
        "onrecord/citations.py",
        "        speaker=hit.speaker,\n",
        "        speaker=hit.title,\n",
        ("tests/test_llm_answer.py",),
    ),
    Mutant(
        "role-question-label-official",
        "ingest/speakers.py",
        "    if words[0] in QUESTION_OPENERS:\n        return Role.JOURNALIST",
        "    if words[0] in QUESTION_OPENERS:\n        return Role.OFFICIAL",
        ("tests/test_speakers.py", "tests/test_formats.py"),
    ),
    Mutant(
        "role-frequent-asker-official",
        "ingest/speakers.py",
        "        elif qa_event or share >= 0.5:\n            roles[speaker] = Role.JOURNALIST",
        "        elif qa_event or share >= 0.5:\n            roles[speaker] = Role.OFFICIAL",
        ("tests/test_speakers.py", "tests/test_formats.py"),
    ),
    Mutant(
        "journalist-turn-becomes-a-passage",
        "ingest/chunker.py",
        "        if turn.role is Role.JOURNALIST:\n            question = ",
        "        if turn.role is Role.MODERATOR:\n            question = ",
        ("tests/test_chunker.py", "tests/test_attribution_invariant.py"),
    ),
    Mutant(
        "llm-journalist-words-not-named",
        "onrecord/llm_answer.py",
        "        if hit.question and is_verbatim(hit.question, words):",
        "        if False and hit.question and is_verbatim(hit.question, words):",
        ("tests/test_llm_answer.py",),
    ),
]

FILTERS_AND_FOLLOW_UPS = [
    Mutant(
        "filters-dates-read-but-not-applied",
        "onrecord/assistant.py",
        "        out.since, out.until = reading.dates.since, reading.dates.until",
        "        out.since, out.until = None, None",
        ASSISTANT,
    ),
    Mutant(
        "filters-speaker-read-but-not-applied",
        "onrecord/assistant.py",
        "        out.speaker = reading.speaker.name",
        "        out.speaker = None",
        ASSISTANT,
    ),
    Mutant(
        "query-month-span-cut-to-first-month",
        "onrecord/reading/dates.py",
        "        return DatesRead(first[0], last[1], words)",
        "        return DatesRead(first[0], first[1], words)",
        ("tests/test_reading_table.py",),
    ),
    Mutant(
        "followup-ignores-the-previous-question",
        "onrecord/reading/conversation.py",
        '        return f"{previous[0]} {question}"',
        "        return question",
        ("tests/test_reading_table.py", *ASSISTANT),
    ),
    Mutant(
        "followup-takes-the-oldest-question",
        "onrecord/reading/conversation.py",
        "        for m in reversed(history or [])",
        "        for m in history or []",
        ("tests/test_reading_table.py",),
    ),
    Mutant(
        "timeline-only-as-the-first-question",
        "onrecord/reading/read.py",
        "    topic = kinds.timeline_topic(question) or _timeline_follow_up(",
        "    topic = None if history else kinds.timeline_topic(question) or _timeline_follow_up(",
        ("tests/test_reading_table.py",),
    ),
    Mutant(
        "model-reading-speaker-unchecked",
        "onrecord/llm_reading.py",
        "        if reply.speaker not in facts.officials:",
        "        if False:",
        ("tests/test_llm_reading.py",),
    ),
]

GATE_AND_CLAIMS = [
    Mutant(
        "gate-off-in-the-assistant",
        "onrecord/assistant.py",
        "            if max(relevance) < self.settings.answer.min_answer_relevance:",
        "            if max(relevance) < 0.0:",
        ASSISTANT,
    ),
    Mutant(
        "gate-setting-zero",
        "onrecord/settings.py",
        "    min_answer_relevance: float = Field(\n        0.011,",
        "    min_answer_relevance: float = Field(\n        0.0,",
        ASSISTANT,
    ),
    Mutant(
        "gate-weak-says-not-in-the-archive",
        "onrecord/assistant.py",
        "        self._quotes_answer(hits, answer, lead=NO_CLEAR_ANSWER)\n",
        "        self._not_found(answer)\n",
        ASSISTANT,
    ),
    Mutant(
        "gate-unknown-names-pass",
        "onrecord/assistant.py",
        "        if unknown and best < self.settings.answer.strong_relevance:",
        "        if unknown and best < -1.0:",
        ("tests/test_unknown_names.py",),
    ),
    Mutant(
        "claims-any-quote-carries-the-claim",
        "onrecord/claims.py",
        "CLAIM_SHARE = 0.75",
        "CLAIM_SHARE = 0.0",
        ASSISTANT,
    ),
]

RANKING = [
    Mutant(
        "fusion-no-keyword-list",
        "onrecord/retrieval.py",
        '    return {"dense": dict(dense), "lexical": dict(lexical)}',
        '    return {"dense": dict(dense)}',
        FUSION,
    ),
    Mutant(
        "fusion-no-dense-list",
        "onrecord/retrieval.py",
        '    return {"dense": dict(dense), "lexical": dict(lexical)}',
        '    return {"lexical": dict(lexical)}',
        FUSION,
    ),
    Mutant(
        "fusion-rank-from-zero",
        "onrecord/fusion.py",
        "enumerate(ranking, start=1)",
        "enumerate(ranking, start=0)",
        FUSION,
    ),
    Mutant(
        "fusion-weights-ignored",
        "onrecord/fusion.py",
        "        weight = (weights or {}).get(name, 1.0)",
        "        weight = 1.0",
        FUSION,
    ),
    Mutant(
        "relevance-order-reversed",
        "onrecord/retrieval.py",
        "    head.sort(key=lambda h: -(h.relevance or 0.0))",
        "    head.sort(key=lambda h: h.relevance or 0.0)",
        ("tests/test_relevance.py",),
    ),
    Mutant(
        "relevance-words-not-weighed-by-what-sets-candidates-apart",
        "onrecord/relevance.py",
        "        weights[term] = weight * math.log(1 + n / (0.5 + df))",
        "        weights[term] = weight",
        ("tests/test_relevance.py",),
    ),
    Mutant(
        "event-list-repeats-a-cited-passage",
        "onrecord/event_more.py",
        " and h.passage_id not in cited",
        "",
        ASSISTANT,
    ),
    Mutant(
        "relevance-falls-with-every-signal",
        "onrecord/relevance.py",
        "        return self.bias + sum(w * signals.get(name, 0.0)",
        "        return self.bias - sum(w * signals.get(name, 0.0)",
        ("tests/test_relevance.py",),
    ),
    Mutant(
        "reader-vectors-loaded-per-session",
        "onrecord/index/reader.py",
        "        with self._dense_lock:\n            if self._dense is None:",
        "        if True:\n            if self._dense is None:",
        ("tests/test_shared_reader.py",),
    ),
    Mutant(
        "index-switch-waits-for-a-new-generation",
        "onrecord/ui/index_switch.py",
        "            if serving is None or serving[0] == generation:",
        "            if True:",
        ("tests/test_index_switch.py",),
    ),
    Mutant(
        "ingest-keeps-its-priority",
        "onrecord/cli.py",
        '    if args.own_process and settings.ingest.niceness and hasattr(os, "nice"):',
        "    if False:",
        ("tests/test_ingest_priority.py",),
    ),
    Mutant(
        "ingest-nices-the-code-that-calls-it",
        "onrecord/cli.py",
        "    args.own_process = argv is None",
        "    args.own_process = True",
        ("tests/test_ingest_priority.py",),
    ),
    Mutant(
        "ingest-checks-the-index-before-it-yields",
        "onrecord/cli.py",
        '    if args.own_process and settings.ingest.niceness and hasattr(os, "nice"):\n',
        "    from onrecord.index.open import probe_current\n\n"
        "    if not args.rebuild:\n"
        "        probe_current(settings)\n"
        '    if args.own_process and settings.ingest.niceness and hasattr(os, "nice"):\n',
        ("tests/test_ingest_priority.py",),
    ),
    Mutant(
        "app-leaves-the-model-to-the-collector",
        "onrecord/ui/resources.py",
        "    memory.settle()  # the model's objects out of the collector's way (memory.py)",
        "    pass",
        ("tests/test_memory.py",),
    ),
    Mutant(
        "settling-freezes-nothing",
        "onrecord/ui/memory.py",
        "    gc.freeze()",
        "    pass",
        ("tests/test_memory.py",),
    ),
    Mutant(
        "quotes-unlikely-passages-kept",
        "onrecord/quotes_answer.py",
        "    return [h for h in candidates if (h.relevance or 0.0) >= RELEVANCE_SHARE * top]",
        "    return candidates",
        ASSISTANT,
    ),
]

ANSWERS: list[Mutant] = [
    *VERBATIM,
    *ATTRIBUTION,
    *FILTERS_AND_FOLLOW_UPS,
    *GATE_AND_CLAIMS,
    *RANKING,
]
