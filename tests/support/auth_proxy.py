"""A token-checking reverse proxy for tests, standing in for nginx or Caddy in front of
``chroma run`` (which checks no credentials in chromadb 1.5): a request without the expected
header gets a plain 401, like a real proxy's; one with it is forwarded to the real server.
Every request is recorded (method, path, whether the header was right)."""

from __future__ import annotations

import http.client
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


@dataclass
class Seen:
    method: str
    path: str
    authorised: bool


@dataclass
class AuthProxy:
    upstream: str
    header: str  # e.g. "Authorization"
    value: str  # e.g. "Bearer s3cret"
    seen: list[Seen] = field(default_factory=list)
    url: str = ""


def _handler(proxy: AuthProxy) -> type[BaseHTTPRequestHandler]:
    target = urlsplit(proxy.upstream)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:  # quiet
            pass

        def _any(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            authorised = self.headers.get(proxy.header) == proxy.value
            proxy.seen.append(Seen(self.command, self.path, authorised))
            if not authorised:
                self._reply(401, {"Content-Type": "text/plain"}, b"401 Unauthorized\n")
                return
            upstream = http.client.HTTPConnection(target.hostname, target.port, timeout=60)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            upstream.request(self.command, self.path, body=body or None, headers=headers)
            answer = upstream.getresponse()
            payload = answer.read()
            kept = {k: v for k, v in answer.getheaders() if k.lower() not in HOP_BY_HOP}
            upstream.close()
            self._reply(answer.status, kept, payload)

        def _reply(self, status: int, headers: dict[str, str], payload: bytes) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _any

    return Handler


@contextmanager
def auth_proxy(upstream: str, header: str, value: str) -> Iterator[AuthProxy]:
    """Run the proxy on 127.0.0.1 and a free port while the block runs."""
    proxy = AuthProxy(upstream, header, value)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(proxy))
    proxy.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield proxy
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
