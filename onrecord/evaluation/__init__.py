"""Evaluation: run a question set through the answer engine and score it."""
