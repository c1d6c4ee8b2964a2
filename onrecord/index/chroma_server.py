"""The Chroma server seam: an ``HttpClient`` that sends the configured auth header, a first
request that says plainly why a server cannot be used, and network errors turned into one
exception whose text is a message for the user.

Chroma's own client reports a refused token as "Could not connect to tenant default_tenant"
and a stopped server as a bare ``httpx.ConnectError``; ``probe`` asks the server once with
our own request so the status code is known, and ``server_errors`` maps what can happen
mid-session. Neither ever repeats the auth header.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import httpx

from onrecord.settings import Settings

API = "/api/v2"
PROBE_TIMEOUT = 10.0  # seconds for the first request; Chroma's client itself has no timeout


class VectorServerUnavailable(Exception):
    """The Chroma server cannot be reached, refused us, or lacks a collection; ``str(err)``
    says what to do."""


def shown_url(url: str) -> str:
    """The URL as it may appear in messages: scheme, host, port and path only."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def api_url(url: str) -> str:
    base = url.rstrip("/")
    return base if base.endswith(API) else base + API


def unreachable(url: str, err: object) -> str:
    return (
        f"the Chroma server at {shown_url(url)} is not reachable ({err}). Start it "
        "(`chroma run --path DIR --host 127.0.0.1 --port PORT`) or correct ONRECORD_CHROMA_URL; "
        "OnRecord reconnects by itself once it is back."
    )


def refused(url: str, status: int, settings: Settings) -> str:
    what = (
        "did not accept the header in ONRECORD_CHROMA_AUTH_HEADER"
        if settings.chroma_auth_header
        else "needs credentials: set ONRECORD_CHROMA_AUTH_HEADER, e.g. `Authorization: Bearer …`"
    )
    return f"the Chroma server at {shown_url(url)} refused the request (HTTP {status}): it {what}."


def probe(settings: Settings) -> None:
    """Ask the server who we are; raise ``VectorServerUnavailable`` saying why it cannot be used."""
    url = settings.chroma_url or ""
    try:
        response = httpx.get(
            api_url(url) + "/auth/identity",
            headers=settings.chroma_headers(),
            timeout=PROBE_TIMEOUT,
        )
    except httpx.HTTPError as err:
        raise VectorServerUnavailable(unreachable(url, err)) from err
    if response.status_code in {401, 403}:
        raise VectorServerUnavailable(refused(url, response.status_code, settings))
    try:
        response.raise_for_status()
        response.json()
    except (httpx.HTTPStatusError, ValueError) as err:
        raise VectorServerUnavailable(
            f"{shown_url(url)} answered HTTP {response.status_code} to {API}/auth/identity "
            "with something other than Chroma's answer: is it a Chroma 1.x server?"
        ) from err


def connect(settings: Settings):  # -> chromadb.ClientAPI (imported lazily: it is slow)
    """An ``HttpClient`` for ``settings.chroma_url`` sending the auth header on every request."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    probe(settings)
    with server_errors(settings.chroma_url or ""):
        return chromadb.HttpClient(
            host=settings.chroma_url or "",
            headers=settings.chroma_headers(),
            settings=ChromaSettings(anonymized_telemetry=False),
        )


@contextmanager
def server_errors(url: str) -> Iterator[None]:
    """Turn a lost connection or a refused token in the middle of a session into a message."""
    from chromadb.errors import AuthorizationError, ChromaAuthError

    try:
        yield
    except httpx.TransportError as err:
        raise VectorServerUnavailable(unreachable(url, err)) from err
    except (ChromaAuthError, AuthorizationError) as err:
        raise VectorServerUnavailable(
            f"the Chroma server at {shown_url(url)} refused the request: "
            "check ONRECORD_CHROMA_AUTH_HEADER."
        ) from err
    except ValueError as err:  # raised by HttpClient() when the server vanished meanwhile
        if "Could not connect" not in str(err):
            raise
        raise VectorServerUnavailable(unreachable(url, "connection failed")) from err
