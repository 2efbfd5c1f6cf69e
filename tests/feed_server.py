"""A real HTTP server on 127.0.0.1 for the feed tests (the standard library's, in a thread).

Each path answers as its `Route` says: a body and type, a status, a redirect, an ETag it answers
304 to, a delay before answering, or a connection dropped half-way through the announced body.
Every request is recorded, so a test can count what earmark asked for.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "feeds"
FORMATS = Path(__file__).resolve().parent / "fixtures" / "formats"


@dataclass
class Route:
    body: bytes = b""
    content_type: str = "application/rss+xml; charset=utf-8"
    status: int = 200
    location: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    delay: float = 0.0
    drop_after: int | None = None  # bytes sent before the connection is closed


@dataclass
class Request:
    path: str
    headers: dict[str, str]


@dataclass
class FeedServer:
    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    port: int = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def serve_feed(self, path: str, fixture: str, **route: object) -> str:
        """A fixture feed (``$BASE`` replaced by this server's address) at ``path``."""
        text = (FIXTURES / fixture).read_text(encoding="utf-8")
        self.routes[path] = Route(text.replace("$BASE", self.url("")).encode(), **route)  # type: ignore[arg-type]
        return self.url(path)

    def serve_file(self, path: str, file: Path | bytes, content_type: str, **route: object) -> str:
        body = file if isinstance(file, bytes) else file.read_bytes()
        self.routes[path] = Route(body, content_type, **route)  # type: ignore[arg-type]
        return self.url(path)

    def asked(self, path: str) -> int:
        return sum(1 for request in self.requests if request.path == path)


def _handler(server: FeedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            server.requests.append(Request(self.path, dict(self.headers)))
            route = server.routes.get(self.path)
            if route is None:
                self._answer(404, b"not found", "text/plain")
                return
            if route.delay:
                time.sleep(route.delay)
            if route.location is not None:
                self.send_response(route.status)
                self.send_header("Location", route.location)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if route.etag and self.headers.get("If-None-Match") == route.etag:
                self.send_response(304)
                self.send_header("ETag", route.etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            extra = {"ETag": route.etag, "Last-Modified": route.last_modified}
            if route.drop_after is not None:
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                self.wfile.write(route.body[: route.drop_after])
                self.wfile.flush()
                self.close_connection = True
                return
            self._answer(route.status, route.body, route.content_type, extra)

        def _answer(
            self, status: int, body: bytes, content_type: str, extra: dict | None = None
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (extra or {}).items():
                if value:
                    self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass  # quiet tests

    return Handler


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that hung up on purpose (a size limit, a timeout): not news


def running_server() -> Iterator[FeedServer]:
    """A server for one test: started, yielded, stopped."""
    server = FeedServer()
    http = _QuietServer(("127.0.0.1", 0), _handler(server))
    server.port = http.server_address[1]
    thread = threading.Thread(target=http.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        http.shutdown()
        http.server_close()
