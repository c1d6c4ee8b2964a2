"""From per-question records to ``summary.json``: overall, per tag, speed and cost."""

from __future__ import annotations

from collections.abc import Sequence

from onrecord.evaluation.scores import percentile, ratio, summarise_citations, summarise_refusals
from onrecord.metrics import AGGREGATE_KEYS

# Higher is better for these; lower is better for the rest that are compared.
HIGHER_IS_BETTER = (
    *AGGREGATE_KEYS,
    "verbatim_rate",
    "citation_precision",
    "citation_recall",
    "attribution_accuracy",
    "refusal_accuracy",
    "answer_similarity",
)
LOWER_IS_BETTER = ("false_refusal_rate", "journalist_quotes", "failed")


def summarise(records: Sequence[dict], price_in: float = 0.0, price_out: float = 0.0) -> dict:
    """All metrics of a run, lower-case names, ``None`` where there is nothing to measure."""
    done = [r for r in records if not r["failed"]]
    summary: dict = {"questions": len(records), "failed": len(records) - len(done)}
    summary.update(_quality(done))
    summary["latency"] = _latency(done)
    summary.update(_cost(done, price_in, price_out))
    tags = sorted({t for r in records for t in r["tags"]})
    summary["by_tag"] = {
        tag: {
            "questions": sum(tag in r["tags"] for r in records),
            **_quality([r for r in done if tag in r["tags"]]),
        }
        for tag in tags
    }
    return summary


def _quality(records: Sequence[dict]) -> dict:
    retrieval = [r["retrieval"] for r in records if r["retrieval"]]
    out: dict = {
        key: (sum(s[key] for s in retrieval) / len(retrieval) if retrieval else None)
        for key in AGGREGATE_KEYS
    }
    out["answerable"] = len(retrieval)
    out.update(
        summarise_citations([r["citations"] for r in records], [r["answerable"] for r in records])
    )
    out.update(
        summarise_refusals(
            [r["refused"] for r in records],
            [r["answerable"] for r in records],
            [bool(r.get("claim_unshown")) for r in records],
        )
    )
    similarities = [r["similarity"] for r in records if r["similarity"] is not None]
    out["answer_similarity"] = ratio(sum(similarities), len(similarities))
    for key in ("correctness", "faithfulness"):
        grades = [r["judge"][key] for r in records if key in r.get("judge", {})]
        out[f"judge_{key}"] = ratio(sum(grades), len(grades))
    return out


def _latency(records: Sequence[dict]) -> dict:
    stages = sorted({k for r in records for k in r["timings"]})
    return {
        stage: {
            "p50": percentile([r["timings"][stage] for r in records if stage in r["timings"]], 0.5),
            "p95": percentile(
                [r["timings"][stage] for r in records if stage in r["timings"]], 0.95
            ),
        }
        for stage in stages
    }


def _cost(records: Sequence[dict], price_in: float, price_out: float) -> dict:
    tokens_in = sum(r["usage"].get("input_tokens", 0) for r in records)
    tokens_out = sum(r["usage"].get("output_tokens", 0) for r in records)
    return {
        "input_tokens": tokens_in,
        "output_tokens": tokens_out,
        "estimated_cost_usd": round((tokens_in * price_in + tokens_out * price_out) / 1e6, 6),
    }


def compare(
    summary: dict, baseline: dict | None, fail_under: dict[str, float], tolerance: float
) -> tuple[list[list[str]], list[str]]:
    """Rows (metric, baseline, now, change) and the reasons the run fails the gate."""
    rows, failures = [], []
    for metric in (*HIGHER_IS_BETTER, *LOWER_IS_BETTER):
        now = summary.get(metric)
        before = (baseline or {}).get(metric)
        change = "" if now is None or before is None else f"{now - before:+.3f}"
        rows.append([metric, _fmt(before), _fmt(now), change])
        if now is None or before is None:
            continue
        worse = (before - now) if metric in HIGHER_IS_BETTER else (now - before)
        allowed = tolerance if metric not in ("journalist_quotes", "failed") else 0
        if worse > allowed + 1e-9:
            failures.append(
                f"{metric} regressed from {_fmt(before)} to {_fmt(now)} (tolerance {allowed:g})"
            )
    for metric, threshold in fail_under.items():
        now = summary.get(metric)
        if now is None or now < threshold:
            failures.append(f"{metric} is {_fmt(now)}, below --fail-under {threshold:g}")
    return rows, failures


def _fmt(value: object) -> str:
    if value is None:
        return "–"
    return f"{value:.3f}" if isinstance(value, float) else str(value)
