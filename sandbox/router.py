"""A small router: method + path pattern ("/v2/users/{userId}") -> handler.

Patterns match whole path segments; `{name}` captures one segment. The path is split on "/"
*before* percent-decoding, as Zoom's gateway does, so an encoded slash stays inside its
segment; each captured segment is decoded once (handlers that take meeting UUIDs decode the
second level themselves, see meetings.decode_meeting_id).
"""

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit


@dataclass
class Request:
    method: str
    raw_path: str  # as sent, percent-encoded, without the query
    query: dict[str, str]
    headers: dict[str, str]  # lower-cased names
    body: bytes = b""
    params: dict[str, str] = field(default_factory=dict)  # captured path segments, decoded once
    raw_params: dict[str, str] = field(default_factory=dict)  # captured, still encoded
    pattern: str = ""  # the matched route pattern, for call counts

    @classmethod
    def parse(cls, method: str, target: str, headers: dict[str, str], body: bytes) -> "Request":
        parts = urlsplit(target)
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        return cls(method=method.upper(), raw_path=parts.path, query=query, headers=headers, body=body)

    def json(self) -> dict:
        """The JSON body; {} when empty. Raises ValueError on malformed JSON or a non-object."""
        if not self.body.strip():
            return {}
        data = json.loads(self.body)
        if not isinstance(data, dict):
            raise ValueError("the body must be a JSON object")
        return data

    def form(self) -> dict[str, str]:
        return {k: v[-1] for k, v in parse_qs(self.body.decode("utf-8", "replace")).items()}


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    # For large bodies: an iterator of chunks, with Content-Length set by the handler.
    stream: Iterator[bytes] | None = None
    # Zoom's per-host daily meeting cap answers without any X-RateLimit-* header.
    without_rate_limit_headers: bool = False

    @classmethod
    def json(cls, data, status: int = 200, headers: dict[str, str] | None = None) -> "Response":
        body = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()
        return cls(status, body, {"Content-Type": "application/json;charset=UTF-8", **(headers or {})})

    @classmethod
    def empty(cls, status: int = 204) -> "Response":
        return cls(status, b"", {})

    @classmethod
    def redirect(cls, location: str, status: int = 302) -> "Response":
        return cls(status, b"", {"Location": location})

    @classmethod
    def html(cls, text: str, status: int = 200) -> "Response":
        return cls(status, text.encode(), {"Content-Type": "text/html; charset=utf-8"})


Handler = Callable[[Request], Response]


class Router:
    def __init__(self) -> None:
        self._routes: list[tuple[str, list[str], str, Handler]] = []

    def add(self, method: str, pattern: str, handler: Handler) -> None:
        self._routes.append((method.upper(), _segments(pattern), pattern, handler))

    def route(self, method: str, pattern: str) -> Callable[[Handler], Handler]:
        def decorator(handler: Handler) -> Handler:
            self.add(method, pattern, handler)
            return handler

        return decorator

    def include(self, other: "Router") -> None:
        self._routes.extend(other._routes)

    def match(self, request: Request) -> tuple[Handler | None, bool]:
        """(handler, path_known). Fills request.params and request.pattern on a match."""
        segments = _segments(request.raw_path)
        path_known = False
        for method, pattern_segments, pattern, handler in self._routes:
            captured = _capture(pattern_segments, segments)
            if captured is None:
                continue
            path_known = True
            if method != request.method and not (method == "GET" and request.method == "HEAD"):
                continue
            request.raw_params = captured
            request.params = {k: unquote(v) for k, v in captured.items()}
            request.pattern = pattern
            return handler, True
        return None, path_known


def _segments(path: str) -> list[str]:
    return [s for s in path.split("/") if s]


def _capture(pattern: list[str], segments: list[str]) -> dict[str, str] | None:
    if len(pattern) != len(segments):
        return None
    captured = {}
    for p, s in zip(pattern, segments, strict=True):
        if p.startswith("{") and p.endswith("}"):
            captured[p[1:-1]] = s
        elif p != s:
            return None
    return captured
