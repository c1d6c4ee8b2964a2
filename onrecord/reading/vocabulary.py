"""Every hand-made word list the product reads questions with, once each, each with what it
is for. Verb lists hold every form a question writes, so a pattern matches them whole; the
reading modules build their patterns from these lists once, at import."""

from __future__ import annotations

import re
from collections.abc import Iterable


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def any_of(words: Iterable[str]) -> str:
    """A regex alternation of ``words`` (phrases match across any whitespace), longest first."""
    escaped = (re.escape(w).replace(r"\ ", r"\s+") for w in words)
    return "|".join(sorted(escaped, key=len, reverse=True))


# Small words every question and answer share: not content (quote choice, coverage, topics).
STOPWORDS = _words(
    """a an the and or but if of to in on at by for with about as is are was were be been
    being do does did has have had he she it they we you i his her its their our your this that
    these those what which who whom when where why how not no yes say said says tell told
    according would could should will can may might than then there here also just so such from
    into over after before during up down out whether any some all more most"""
)
# Verbs that report words, with every form a question uses: "did Lavrov say", "Psaki warned".
# The first group also states a claim ("Did Lavrov announce that …?", docs/answers.md).
CLAIM_VERBS = _words(
    """say said says tell told announce announced claim claimed state stated admit admitted
    confirm confirmed promise promised insist insisted declare declared warn warned"""
)
# Verbs that announce a plan or a pledge: a statement before a question may report one.
PLEDGE_VERBS = _words("unveil unveiled pledge pledged vow vowed propose proposed")
_REACTING = _words(
    """accept accepted suggest suggested explain explained describe described react reacted
    respond responded answer answered reply replied deny denied characterise characterize
    characterised characterized justify justified mention mentioned give gave single singled
    reject rejected recall recalled point pointed blame blamed call called think thought
    believe believed offer offered concede conceded comment commented argue argued acknowledge
    acknowledged dismiss dismissed leave left rule ruled put stress stressed note noted defend
    defended praise praised criticise criticised criticize criticized"""
)
SPEECH_VERBS = CLAIM_VERBS | PLEDGE_VERBS | _REACTING
# Nouns for what someone said: "Putin's reaction", "Lavrov's position".
SPEECH_NOUNS = _words(
    """take reaction view views answer response remarks comments words position assessment
    explanation reply statement opinion argument arguments account"""
)
MONTHS = (
    "january february march april may june july august september october november december"
).split()
# What a year can be the year of ("at his 2019 news conference"); phrases, space-separated.
EVENTS = (
    "annual news conference|annual press conference|news conference|press conference|briefing|"
    "gaggle|interview|direct line|summit|g20|g7|forum|address|visit|meeting|talks|speech|vote|"
    "election|re-election|reelection|video link|videolink|conference|call"
).split("|")
# Office words, by what they mean: "Gazprom's chief" is its CEO or its chairman.
OFFICES = dict(
    (group.split(":")[0].strip(), group.split(":")[-1].split())
    for group in """head: chief head ceo chairman chairwoman chairperson chair president director
    boss leader manager; minister; secretary; adviser: adviser advisor; mayor; governor;
    administrator; envoy; coordinator: coordinator czar tsar; ambassador; spokesperson:
    spokesperson spokesman spokeswoman; general; commissioner: commissioner ombudsman
    ombudsperson; speaker; prosecutor""".split(";")
)
OFFICE_CLASS = {word: cls for cls, words in OFFICES.items() for word in words}
# Words that make an office another one: a "deputy prime minister" is not the prime minister.
OFFICE_MODIFIERS = _words("deputy vice acting assistant first principal senior former")
# Capitalised words that are titles or institutions, never an unknown name.
TITLES = _words("president minister secretary press house white kremlin")
# Words of a follow-up that carry no topic of its own ("Why?", "What did he mean by that?").
POINTING_WORDS = _words(
    """hers theirs one ones saying mean meant means explain explained add added go more exactly
    really again else anything something afterwards later next must"""
)
# Words that lean on the conversation, at the start ("And …?") or anywhere ("he", "that").
LEADING_WORDS = ["and", "but", "also", "what about", "how about", "so"]
BACK_REFERENCES = _words("he she him her his they them their it its that this those these there")
BACK_REFERENCES |= {"then"}
PERSON_PRONOUNS = _words("he she him his her")
THING_POINTERS = _words("that this those these there such")
# A follow-up moving forward or back in time keeps only one end of the earlier dates.
LATER = "later|afterwards|after that|since then|subsequently|the following".split("|")
LATER += [f"next {span}" for span in ("day", "week", "month", "year")]
EARLIER = "earlier|before that|previously|the previous|the day before".split("|")
# A question about change over time: a stance word and a change word ("has his line shifted").
STANCES = _words("position line stance view views tone rhetoric thinking policy")
CHANGES = ["chang", "shift", "evolv", "mov", "develop"]  # word beginnings: changed, shifting…
# Where a timeline's topic ends ("on inflation develop over time").
CHANGED = _words("change changed shift shifted evolve evolved move moved develop developed")
OVER_TIME = [f"over {t}{span}" for t in ("", "the ") for span in ("years", "time", "decade")]
OVER_TIME += ["through the years"]
# Stems of words a claim can be about without saying anything ("did he say anything").
NOTHING_IN_PARTICULAR = _words("anyth someth everyth noth")
# Words that ask for a manner of answer, not a topic ("briefly", "in detail").
MANNER_WORDS = _words(
    """please thorough thoroughly detail detailed brief briefly concise concisely precise
    precisely exhaustive exhaustively elaborate summarise summarize summary"""
)
# A question asking for an amount: "how many/much/far…", "what share/percentage…".
AMOUNT_HOW = _words("many much far long big large high low often fast deep steep")
AMOUNT_NOUNS = _words(
    """share percentage proportion number amount figure sum rate volume size price cost level
    total count percent fraction"""
)
