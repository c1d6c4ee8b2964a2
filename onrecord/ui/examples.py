"""Example questions for the empty page, made from the index itself (no model, no network).

For each of the most quoted officials, the proper noun they use most and others use least
(e.g. "Afghanistan" for Lavrov) makes ``What did Sergey Lavrov say about Afghanistan?``.
Deterministic: the same index always gives the same examples.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from onrecord.names import spoken_name
from onrecord.types import Passage, Role

MAX_PASSAGES_PER_SPEAKER = 400  # enough to find a topic, cheap on a large index
# Capitalised words that are not topics: titles, forms of address, sentence openers, months.
NOT_TOPICS = frozenset(
    """president minister secretary prime foreign deputy press general mister madam thank
    thanks okay well yes yeah good today because however also again first second there these
    those this that what when where which while with would could should they their then than
    here just some many much more most other others only very well every after before during
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday about against among once still
    question questions colleagues friends ladies gentlemen everyone everybody""".split()
)
# Runs of one to four capitalised words or acronyms ("South Africa", "BRICS", "Mack Trucks").
_RUN = re.compile(r"\b(?:[A-Z][a-z]+|[A-Z]{3,6})(?:[ -](?:[A-Z][a-z]+|[A-Z]{3,6})){0,3}\b")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;“\"(]\s*)$")
_DEMONYM = re.compile(r"(?:ian|ean|ican|ese|ish)s?$")


def topic_counts(texts: list[str], exclude: set[str]) -> Counter[str]:
    """Names (capitalised runs that do not open a sentence) by how often they occur."""
    counts: Counter[str] = Counter()
    for text in texts:
        for match in _RUN.finditer(text):
            if _SENTENCE_START.search(text[max(0, match.start() - 3) : match.start()]):
                continue
            topic = _trim(match.group(0).split(" "), exclude)
            if topic:
                counts[topic] += 1
    return counts


def _trim(words: list[str], exclude: set[str]) -> str:
    """The run without title words at its ends; "" if nothing topical is left."""

    def boring(word: str) -> bool:
        low = word.lower()
        return low in NOT_TOPICS or low in exclude or len(word) < 4 or bool(_DEMONYM.search(low))

    while words and boring(words[0]):
        words = words[1:]
    while words and boring(words[-1]):
        words = words[:-1]
    return " ".join(words)


def example_questions(passages: list[Passage], speakers: list[dict], limit: int = 4) -> list[str]:
    """Up to ``limit`` questions ``What did <official> say about <topic>?``."""
    officials = [s["name"] for s in speakers if s["role"] == Role.OFFICIAL.value]
    texts: dict[str, list[str]] = {name: [] for name in officials}
    for passage in passages:
        bucket = texts.get(passage.speaker)
        if bucket is not None and len(bucket) < MAX_PASSAGES_PER_SPEAKER:
            bucket.append(passage.text)
    name_words = {w.lower() for name in officials for w in re.findall(r"\w+", name)}
    counts = {name: topic_counts(texts[name], name_words) for name in officials}
    used_by = Counter(word for c in counts.values() for word in c)
    questions: list[str] = []
    taken: set[str] = set()
    for name in officials:
        topic = _best_topic(counts[name], used_by, len(officials), taken)
        if topic:
            taken.add(topic)
            questions.append(f"What did {spoken_name(name)} say about {_the(topic)}?")
        if len(questions) == limit:
            break
    return questions


def _best_topic(
    counts: Counter[str], used_by: Counter[str], speakers: int, taken: set[str]
) -> str | None:
    """The word with the best count x rarity among speakers (ties: alphabetical)."""
    scored = [
        (count * math.log(1 + speakers / used_by[word]), word)
        for word, count in counts.items()
        # A name most officials use ("Russia", "America") says little about any of them.
        if count >= 2 and word not in taken and (speakers < 4 or used_by[word] <= speakers / 3)
    ]
    if not scored:
        return None
    return min(scored, key=lambda pair: (-pair[0], pair[1]))[1]


# The last word of a name that takes "the": "the Federal Reserve", "the Strategic Concept".
TAKES_THE = frozenset(
    """reserve concept convention council union organisation organization treaty bank fund
    committee department house summit forum service agency plan act strait sea bridge
    circle railways administration ministry assembly parliament congress senate court
    guard army navy force forces corps group office party front agreement accords deal
    initiative programme program project pipeline stream canal gulf ocean kremlin""".split()
)


def _the(topic: str) -> str:
    words = topic.split()
    if (len(words) > 1 and words[-1].lower() in TAKES_THE) or topic.lower() in TAKES_THE:
        return "the " + topic
    return topic
