"""How a speaker is named in running text: a person by name, a role with its article.

A transcript label such as "Senior Administration Official" names a role, not a person; in a
sentence a reader says "a senior administration official". Shared by the answer's lead line
and the example questions.
"""

from __future__ import annotations

ROLE_WORDS = frozenset(
    "official officials spokesperson spokesman spokeswoman moderator participant representative "
    "speaker administrator coordinator adviser advisor operator".split()
)


def spoken_name(name: str) -> str:
    """``name`` as it reads inside a sentence: "a senior administration official" for a role
    label, the name itself for a person."""
    words = name.split()
    if words and words[-1].lower() in ROLE_WORDS:
        return "a " + name.lower()
    return name
