"""The one vocabulary of roles: the words that say a label, or a speaker, is not a named
official. Parsing (``ingest/speakers.py``, ``ingest/formats``) reads labels with it; answers
and the app use it to name a role in a sentence ("a senior administration official").

Each set answers one question about a label, which is why several share words.
"""

from __future__ import annotations

# Whole labels (lower case, cleaned) that name no person.
JOURNALIST_LABELS = {
    "q",
    "question",
    "questions",
    "remark",
    "reporter",
    "journalist",
    "audience",
    "audience member",
    "reply",
    "response",
    "comment",
    "press",
    "questioner",
}
MODERATOR_LABELS = {"moderator", "operator", "host", "presenter", "chair", "chairman"}
OTHER_LABELS = {
    "aide",
    "white house aide",
    "staff",
    "interpreter",
    "narrator",
    "voice",
    "announcer",
    "unidentified speaker",
    "speaker",
    "participant",
    "participants",
    "audience members",
    "volunteer",
    "volunteers",
}
ROLE_LABEL_NAMES = {
    "senior administration official",
    "senior military official",
    "senior state department official",
    "the president",
    "the vice president",
    "the first lady",
    "administration official",
}

# First words of a label that opens a journalist's turn ("Question from Perm", "Remarks").
QUESTION_OPENERS = {
    "q",
    "question",
    "questions",
    "remark",
    "remarks",
    "reply",
    "response",
    "comment",
    "audience",
}
PRESS_WORDS = {
    "reporter",
    "journalist",
    "correspondent",
    "columnist",
    "photojournalist",
    "editor",
    "editor-in-chief",
    "questioner",
}
HOST_WORDS = {"host", "anchor", "presenter", "operator", "moderator"}
STAFF_WORDS = {
    "aide",
    "staff",
    "crew",
    "interpreter",
    "narrator",
    "announcer",
    "voice",
    "unidentified",
    "participant",
    "participants",
    "member",
    "members",
}
# Last words of an upper-case label that names a role, not a person
# ("SENIOR ADMINISTRATION OFFICIAL TWO", "AIR FORCE ONE CREW MEMBER").
UPPER_ROLE_NOUNS = (
    "official",
    "officials",
    "aide",
    "member",
    "members",
    "moderator",
    "operator",
    "staff",
    "crew",
)

# Last words of a canonical name that make it a role label in running text.
ROLE_WORDS = frozenset(
    "official officials spokesperson spokesman spokeswoman moderator participant representative "
    "speaker administrator coordinator adviser advisor operator".split()
)

# Labels of a question turn that name no one: the card then says "The question" instead.
GENERIC_QUESTION_LABELS = frozenset({"q", "question", "journalist", "reporter", "media"})
