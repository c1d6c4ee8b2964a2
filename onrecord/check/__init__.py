"""Check a quote: whether the record holds pasted words, in whose mouth, and the exact words.

Pure steps, in order: ``text`` (typography folded, words with offsets), ``limits`` (bad
input), ``quotation`` (a chat message that is mainly a quotation), ``exact`` (the verbatim
lookup in the turn-words table), ``near`` (candidates and word alignment), ``verdict`` (which
of the five verdicts), ``engine`` (the one call the CLI and the app make), ``payload`` (its
JSON and text).
"""
