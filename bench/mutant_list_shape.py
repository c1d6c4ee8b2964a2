"""More named mutants of ``bench/mutants.py`` (see ``bench/mutant_list.py``): timelines,
the evaluation metrics, and the shape of the code and the index (layers, sizes, identity)."""

from __future__ import annotations

from bench.mutant_list import Mutant

TIMELINE = ("tests/test_timeline_set.py",)
_LONG_FUNCTION = "\n\ndef _padding() -> int:\n" + "".join(f"    x{n} = {n}\n" for n in range(45))

TIMELINES = [
    Mutant(
        "timeline-newest-first",
        "onrecord/timeline.py",
        '    entries.sort(key=lambda e: (e.date or "", e.citation.doc_id, e.citation.start))',
        '    entries.sort(key=lambda e: (e.date or "", e.citation.doc_id), reverse=True)',
        TIMELINE,
    ),
    Mutant(
        "timeline-two-entries-per-event",
        "onrecord/timeline.py",
        "event[:per_event]",
        "event[: per_event + 1]",
        TIMELINE,
    ),
    Mutant(
        "timeline-no-gate",
        "onrecord/timeline.py",
        "        if hit.role is Role.OFFICIAL and (hit.relevance or 0.0) >= gate:",
        "        if hit.role is Role.OFFICIAL:",
        TIMELINE,
    ),
    Mutant(
        "filter-until-ignored",
        "onrecord/index/reader.py",
        "        if filters.until:\n            mask &=",
        "        if False:\n            mask &=",
        TIMELINE,
    ),
]

SHAPE = [
    Mutant(
        "metrics-mrr-of-the-last-hit",
        "onrecord/metrics.py",
        "    return 1.0 / min(found) if found else 0.0",
        "    return 1.0 / max(found) if found else 0.0",
        ("tests/test_metrics.py",),
    ),
    Mutant(
        "metrics-any-overlap-hits",
        "onrecord/metrics.py",
        "    return overlap(retrieved, gold) >= min_cover * length",
        "    return overlap(retrieved, gold) > 0",
        ("tests/test_metrics.py",),
    ),
    Mutant(
        "metrics-hit-at-k-excludes-k",
        "onrecord/metrics.py",
        "    return any(rank is not None and rank <= k for rank in _ranks(retrieved, gold))",
        "    return any(rank is not None and rank < k for rank in _ranks(retrieved, gold))",
        ("tests/test_metrics.py",),
    ),
    Mutant(
        "layers-index-imports-the-answer-engine",
        "onrecord/index/layout.py",
        "def current_file(index_dir: Path) -> Path:\n",
        "def current_file(index_dir: Path) -> Path:\n    import onrecord.assistant  # noqa: F401\n",
        ("tests/test_layers.py",),
    ),
    Mutant(
        "size-long-function-in-a-listed-file",
        "onrecord/settings.py",
        '    return "\\n".join(lines)\n',
        '    return "\\n".join(lines)\n' + _LONG_FUNCTION,
        ("tests/test_code_size.py",),
    ),
    Mutant(
        "deploy-archive-checksum-ignored",
        "onrecord/index/deploy.py",
        '    if actual != manifest["sha256"]:\n        raise DeployIndexError(\n            f"the',
        '    if False:\n        raise DeployIndexError(\n            f"the',
        ("tests/test_deploy_index.py",),
    ),
    Mutant(
        "identity-other-model-accepted",
        "onrecord/index/identity.py",
        "        if s.vectors and stored.get(s.name) != now[s.name]\n    ]\n    if problems:",
        "        if s.vectors and False\n    ]\n    if problems:",
        ("tests/test_pipeline.py",),
    ),
]
