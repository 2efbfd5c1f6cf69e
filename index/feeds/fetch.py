"""Downloading what a feed names: one HTTP client, bounded in time, size and parallelism.

Every URL in a feed is untrusted. Only ``http`` and ``https`` are fetched (httpx has no other
transport, so a redirect to ``file:`` fails too); a body is read in chunks and abandoned past
`MAX_FILE_BYTES` or when the whole download outlasts `MAX_SECONDS` (a server dripping one byte at a
time stays under any read timeout); a connection that drops before the announced length is an
error, never a short file. httpx is imported here only, when a command fetches.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from index import __version__
from index.errors import EarmarkError
from index.limits import MAX_FILE_BYTES

if TYPE_CHECKING:
    import httpx

# A few downloads at once at most: a podcast host is someone's small server.
MAX_DOWNLOADS = 4
TIMEOUT_SECONDS = 30.0
MAX_SECONDS = 300.0
CHUNK_BYTES = 64 * 1024


def user_agent() -> str:
    return f"earmark/{__version__}"


class FetchError(EarmarkError):
    """A download that did not give a whole file: names the URL and what went wrong."""

    def __init__(self, url: str, message: str) -> None:
        self.url = url
        self.message = message
        super().__init__(f"{url}: {message}")


def is_web_url(url: str) -> bool:
    """Whether earmark may fetch ``url``: an absolute http(s) URL with a host."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


@dataclass(frozen=True, slots=True)
class Fetched:
    """A response: ``body`` is None when the server said the copy we have is current (304)."""

    url: str
    body: bytes | None
    content_type: str
    etag: str | None = None
    last_modified: str | None = None


class Fetcher:
    """An HTTP client shared by the downloads of one command (thread-safe, pooled)."""

    def __init__(
        self,
        *,
        timeout: float = TIMEOUT_SECONDS,
        max_bytes: int = MAX_FILE_BYTES,
        max_seconds: float = MAX_SECONDS,
    ) -> None:
        import httpx

        self._httpx = httpx
        self.max_bytes = max_bytes
        self.max_seconds = max_seconds
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout),
            follow_redirects=True,
            headers={"User-Agent": user_agent()},
            limits=httpx.Limits(max_connections=MAX_DOWNLOADS),
        )

    def get(self, url: str, *, etag: str | None = None, modified: str | None = None) -> Fetched:
        """The body at ``url``; with ``etag``/``modified``, a conditional GET that may answer
        "not modified". Raises `FetchError` for anything short of a whole body."""
        if not is_web_url(url):
            raise FetchError(url, "not an http(s) URL; not followed")
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if modified:
            headers["If-Modified-Since"] = modified
        httpx = self._httpx
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                return self._read(url, response)
        except httpx.TimeoutException:
            raise FetchError(url, "timed out") from None
        except httpx.TooManyRedirects:
            raise FetchError(url, "too many redirects") from None
        except httpx.UnsupportedProtocol:
            raise FetchError(url, "redirected to a URL that is not http(s); not followed") from None
        except httpx.RemoteProtocolError:
            raise FetchError(url, "the connection dropped before the end of the file") from None
        except httpx.HTTPError as error:
            raise FetchError(url, f"cannot download: {error or type(error).__name__}") from None

    def _read(self, url: str, response: httpx.Response) -> Fetched:
        final = str(response.url)
        content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        etag = response.headers.get("etag")
        modified = response.headers.get("last-modified")
        if response.status_code == 304:
            return Fetched(final, None, content_type, etag, modified)
        if response.status_code != 200:
            raise FetchError(url, f"HTTP {response.status_code} {response.reason_phrase}".strip())
        limit = f"larger than {self.max_bytes // 2**20} MB; not downloaded"
        announced = response.headers.get("content-length", "")
        if announced.isdigit() and int(announced) > self.max_bytes:
            raise FetchError(url, limit)
        deadline = time.monotonic() + self.max_seconds
        chunks, size = [], 0
        for chunk in response.iter_bytes(CHUNK_BYTES):
            size += len(chunk)
            if size > self.max_bytes:
                raise FetchError(url, limit)
            if time.monotonic() > deadline:
                raise FetchError(url, f"still downloading after {self.max_seconds:g} s; given up")
            chunks.append(chunk)
        return Fetched(final, b"".join(chunks), content_type, etag, modified)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
