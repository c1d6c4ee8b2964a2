"""Sentences shared by the prompts, the UI and the tests."""

# The one sentence for "the transcripts do not answer this". Prompts tell the model to use it
# verbatim; the UI and the evaluation recognise refusals by it.
NOT_FOUND = "The transcripts I have do not show this."
