"""Ingest: transcript files -> turns -> passages -> index."""
