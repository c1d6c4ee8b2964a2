"""Sentences shared by the prompts, the UI and the tests."""

# The one sentence for "the transcripts do not answer this". Prompts tell the model to use it
# verbatim; the UI and the evaluation recognise refusals by it.
NOT_FOUND = "The transcripts I have do not show this."

# The lead of an answer whose best passage is below the answer gate: what the search found, not
# a fact about the archive. The closest quotes follow it.
NO_CLEAR_ANSWER = "No passage clearly answers this. The closest:"

# A marker written into the answer prompt's instructions (prompts/answer_system.txt). It has
# no meaning for the model; if it ever shows up in what a model writes, the model is
# repeating its instructions, and that answer is not shown (see onrecord/prompt_guard.py).
PROMPT_CANARY = "OR-CANARY-4b7e19d2"
