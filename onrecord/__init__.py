"""OnRecord: answers about press conferences, backed by verified verbatim quotes."""

__version__ = "0.1.0"
