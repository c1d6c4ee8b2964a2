"""Small made-up transcripts for ingest tests: a plain ``Name:`` transcript on any topic, and
an HTML page of one with scripts that must never reach the index."""

from __future__ import annotations

SCRIPT_MARK = "SCRIPT-SECRET-7f3a"


def transcript(topic: str) -> str:
    """A small plain `Name:` transcript that the generic format parses into four turns."""
    return (
        f"Title: Briefing on {topic}\nDate: March 3, 2021\nPlace: Geneva\n\n"
        f"Question: What is your position on {topic}?\n\n"
        f"Anna Petrova: Our position on {topic} is unchanged. We have said so many times, "
        f"and we will keep saying it until our partners hear us. Talks will resume in April."
        f"\n\nQuestion: Will {topic} be on the agenda in Vienna?\n\n"
        f"Anna Petrova: Yes, {topic} will be discussed in Vienna, among other questions.\n"
    )


PAGE = f"""<!DOCTYPE html>
<html><head><title>Briefing</title>
<script>window.secret = "{SCRIPT_MARK} in head";</script></head>
<body>
<p>Title: Briefing on customs rules</p><p>Date: March 4, 2021</p>
<p>Question: What is your position on customs rules?</p>
<script>document.write("<p>Anna Petrova: {SCRIPT_MARK} in body</p>");</script>
<p>Anna Petrova: Our position on customs rules is unchanged &amp; well known. We will keep
saying so until our partners hear us.</p>
<p>Question: Will customs rules be on the agenda in Vienna?</p>
<p>Anna Petrova: Yes, they will be discussed in Vienna.<script>var x = "{SCRIPT_MARK}";</script>
</p>
</body></html>
"""
