"""Rebuild the bundled sample corpus from the shared development corpus.

Run once by a maintainer (needs ``../shared/corpus``); the app and tests never call it.
Selection is deterministic: the MFA transcript, Kremlin news conferences and interviews of
moderate size, a spread of Kremlin multi-speaker meetings, and White House briefings spread
over 2021-2024 and over several press secretaries.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

KREMLIN_QA = [
    "kremlin_en_54803",
    "kremlin_en_57085",
    "kremlin_en_47104",
    "kremlin_en_17723",
    "kremlin_en_53081",
    "kremlin_en_58586",
    "kremlin_en_58715",
    "kremlin_en_51718",
    "kremlin_en_59865",
    "kremlin_en_47126",
    "kremlin_en_57192",
    "kremlin_en_55017",
    "kremlin_en_60396",
    "kremlin_en_62047",
]
KREMLIN_MEETINGS_PER_YEAR = 1
WHITEHOUSE_EXTRA = [
    "wh_2021-10-13-press-briefing-by-press-secretary-jen-psaki-october-13-2021",
    "wh_2022-02-04-press-briefing-by-press-secretary-jen-psaki-2",
    "wh_2022-06-29-on-the-record-press-call-by-nsc-coordinator-for-strategic-communications-john-kirby-and-assistant-secretary-for-defense-celeste-wallande",
    "wh_2023-04-11-press-gaggle-by-press-secretary-karine-jean-pierre-and-national-security-council-coordinator-for-strategic-communications-john-kirby-en-",
]
WHITEHOUSE_SIZE = (12_000, 36_000)


def _manifest(folder: Path) -> list[dict]:
    return [json.loads(line) for line in (folder / "manifest.jsonl").open(encoding="utf-8")]


def _pick(corpus: Path) -> dict[str, list[dict]]:
    kremlin = _manifest(corpus / "kremlin")
    chosen = [row for row in kremlin if row["id"] in KREMLIN_QA]
    seen_years: dict[str, int] = {}
    for row in sorted(kremlin, key=lambda r: r["id"]):
        year = row["date"][:4]
        wanted = row["kind"] == "multi_speaker" and 3_000 < row["n_chars"] < 20_000
        if wanted and seen_years.get(year, 0) < KREMLIN_MEETINGS_PER_YEAR:
            seen_years[year] = seen_years.get(year, 0) + 1
            chosen.append(row)
    whitehouse, quarters = [], set()
    for row in sorted(_manifest(corpus / "whitehouse"), key=lambda r: r["date"]):
        quarter = (row["date"][:4], (int(row["date"][5:7]) - 1) // 3)
        low, high = WHITEHOUSE_SIZE
        if row["id"] in WHITEHOUSE_EXTRA or (
            quarter not in quarters and low < row["n_chars"] < high
        ):
            quarters.add(quarter)
            whitehouse.append(row)
    return {"mfa": _manifest(corpus / "mfa"), "kremlin": chosen, "whitehouse": whitehouse}


def main(corpus: Path, target: Path) -> None:
    for folder, rows in _pick(corpus).items():
        out = target / folder
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        with (out / "manifest.jsonl").open("w", encoding="utf-8") as manifest:
            for row in rows:
                shutil.copyfile(corpus / folder / row["file"], out / row["file"])
                manifest.write(json.dumps(row, ensure_ascii=False) + "\n")
        print(folder, len(rows))


if __name__ == "__main__":
    here = Path(__file__).resolve().parent
    main(
        Path(sys.argv[1]) if len(sys.argv) > 1 else here.parent.parent / "shared" / "corpus",
        here / "sample",
    )
