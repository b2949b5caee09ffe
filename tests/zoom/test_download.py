"""Recording downloads: streamed, resumable, redirected to storage without our token."""

import io

import pytest
import responses
from urllib3.exceptions import ProtocolError

from zoomhub.zoom.errors import ZoomNotFound

from .conftest import add_token_answers

DOWNLOAD = "https://us02web.zoom.us/rec/download/Jd8vZrJXm3kbJnQ"
STORAGE = "https://ssrweb.zoom.us/file/signed/abc?X-Amz-Signature=f00d"
CONTENT = bytes(range(256)) * 40  # 10,240 bytes


@pytest.fixture
def client(zoom, make_client, unlimited):
    add_token_answers(zoom, "token-first-0123456789", "token-second-0123456789")
    return make_client(limiter=unlimited)


def test_download_follows_the_redirect_without_sending_our_token_to_storage(zoom, client):
    zoom.add(responses.GET, DOWNLOAD, status=302, headers={"Location": STORAGE})
    zoom.add(responses.GET, STORAGE, body=CONTENT)
    received = io.BytesIO()

    assert client.download(DOWNLOAD, write=received.write, chunk_size=1000) == len(CONTENT)
    assert received.getvalue() == CONTENT
    first, second = zoom.calls[-2].request, zoom.calls[-1].request
    assert first.headers["Authorization"] == "Bearer token-first-0123456789"
    assert "Authorization" not in second.headers
    assert second.url == STORAGE


def test_a_webhook_download_token_travels_as_access_token(zoom, client):
    zoom.add(
        responses.GET,
        DOWNLOAD,
        status=302,
        headers={"Location": STORAGE},
        match=[responses.matchers.query_param_matcher({"access_token": "dl-token-from-webhook"})],
    )
    zoom.add(responses.GET, STORAGE, body=CONTENT)
    received = io.BytesIO()
    client.download(DOWNLOAD, write=received.write, access_token="dl-token-from-webhook")
    assert received.getvalue() == CONTENT
    assert all("Authorization" not in c.request.headers for c in zoom.calls)
    assert "access_token" not in zoom.calls[-1].request.url


def test_download_resumes_from_an_offset_with_a_range_request(zoom, client):
    zoom.add(responses.GET, DOWNLOAD, status=302, headers={"Location": STORAGE})
    zoom.add(
        responses.GET,
        STORAGE,
        status=206,
        body=CONTENT[4000:],
        headers={"Content-Range": f"bytes 4000-{len(CONTENT) - 1}/{len(CONTENT)}"},
    )
    received = io.BytesIO()
    assert client.download(DOWNLOAD, write=received.write, offset=4000) == len(CONTENT) - 4000
    assert received.getvalue() == CONTENT[4000:]
    assert zoom.calls[-1].request.headers["Range"] == "bytes=4000-"
    assert zoom.calls[-2].request.headers["Range"] == "bytes=4000-"


def test_a_server_that_ignores_range_is_skipped_forward(zoom, client):
    zoom.add(responses.GET, DOWNLOAD, body=CONTENT)
    received = io.BytesIO()
    assert (
        client.download(DOWNLOAD, write=received.write, offset=4000, chunk_size=3000) == len(CONTENT) - 4000
    )
    assert received.getvalue() == CONTENT[4000:]


def test_a_complete_file_answers_416_and_nothing_is_written(zoom, client):
    zoom.add(responses.GET, DOWNLOAD, status=416, headers={"Content-Range": f"bytes */{len(CONTENT)}"})
    assert client.download(DOWNLOAD, write=lambda b: None, offset=len(CONTENT)) == 0


class BreaksAfter(io.RawIOBase):
    """A body whose connection drops after `limit` bytes."""

    def __init__(self, data: bytes, limit: int) -> None:
        self.data, self.limit, self.position = data, limit, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.position >= self.limit:
            raise ProtocolError("Connection broken: IncompleteRead")
        size = min(len(buffer), self.limit - self.position)
        buffer[:size] = self.data[self.position : self.position + size]
        self.position += size
        return size


def test_a_connection_lost_mid_stream_resumes_where_it_stopped(zoom, client, clock):
    zoom.add(responses.GET, STORAGE, body=io.BufferedReader(BreaksAfter(CONTENT, 5000), buffer_size=1000))
    zoom.add(
        responses.GET,
        STORAGE,
        status=206,
        body=CONTENT[5000:],
        match=[responses.matchers.header_matcher({"Range": "bytes=5000-"})],
    )
    received = io.BytesIO()
    assert client.download(STORAGE, write=received.write, chunk_size=1000) == len(CONTENT)
    assert received.getvalue() == CONTENT
    assert len(clock.sleeps) == 1


def test_a_missing_file_is_not_found(zoom, client):
    zoom.add(
        responses.GET, DOWNLOAD, status=404, json={"code": 3301, "message": "This recording does not exist."}
    )
    with pytest.raises(ZoomNotFound):
        client.download(DOWNLOAD, write=lambda b: None)
