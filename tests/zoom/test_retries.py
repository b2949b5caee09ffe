"""What the client does when Zoom fails: which failures are retried, how long it waits, what it raises."""

import email.utils
from datetime import UTC, datetime

import pytest
import requests
import responses

from zoomhub.zoom.errors import (
    ZoomAuthError,
    ZoomConnectionError,
    ZoomRateLimited,
    ZoomServerError,
)
from zoomhub.zoom.limits import DAILY_MEETING_LIMIT_MESSAGE

from .conftest import API, add_token_answers, api_calls, fixture, token_calls

ME = f"{API}/users/me"
CREATE = f"{API}/users/me/meetings"


@pytest.fixture
def client(zoom, make_client):
    add_token_answers(zoom, "token-first-0123456789", "token-second-0123456789")
    return make_client()


def test_401_drops_the_token_and_retries_once_with_a_fresh_one(zoom, client):
    zoom.add(responses.GET, ME, status=401, json=fixture("error__invalid_access_token"))
    zoom.add(responses.GET, ME, json=fixture("users_me__ok"))

    assert client.get("/users/me")["id"] == "KDcuGIm1QgePTO8WbOqw01"
    assert len(token_calls(zoom)) == 2
    sent = [c.request.headers["Authorization"] for c in api_calls(zoom)]
    assert sent == ["Bearer token-first-0123456789", "Bearer token-second-0123456789"]


def test_a_second_401_raises_an_auth_error(zoom, client):
    zoom.add(responses.GET, ME, status=401, json=fixture("error__invalid_access_token"))
    with pytest.raises(ZoomAuthError) as caught:
        client.get("/users/me")
    assert caught.value.code == 124
    assert caught.value.transient is False
    assert len(api_calls(zoom)) == 2
    assert len(token_calls(zoom)) == 2


def test_429_with_retry_after_seconds_waits_that_long_then_succeeds(zoom, client, clock):
    zoom.add(
        responses.GET,
        ME,
        status=429,
        json=fixture("error__per_second_limit"),
        headers={"Retry-After": "7", "X-RateLimit-Category": "Light", "X-RateLimit-Type": "QPS"},
    )
    zoom.add(responses.GET, ME, json=fixture("users_me__ok"))

    assert client.get("/users/me")["email"] == "jill.chill@example.com"
    assert clock.sleeps == [7.0]
    assert len(api_calls(zoom)) == 2


def test_429_with_retry_after_http_date_waits_until_that_moment(zoom, client, clock):
    clock.now = 1_700_000_000.0
    until = email.utils.formatdate(clock.now + 12, usegmt=True)
    zoom.add(
        responses.GET, ME, status=429, json=fixture("error__per_second_limit"), headers={"Retry-After": until}
    )
    zoom.add(responses.GET, ME, json=fixture("users_me__ok"))

    client.get("/users/me")
    assert clock.sleeps == [12.0]


def test_429_with_retry_after_iso_date_time_waits_until_that_moment(zoom, client, clock):
    clock.now = datetime(2024, 5, 30, 23, 59, 30, tzinfo=UTC).timestamp()
    zoom.add(
        responses.GET,
        ME,
        status=429,
        json=fixture("error__per_second_limit"),
        headers={"Retry-After": "2024-05-31T00:00:00Z"},
    )
    zoom.add(responses.GET, ME, json=fixture("users_me__ok"))

    client.get("/users/me")
    assert clock.sleeps == [30.0]


def test_429_without_headers_backs_off_by_category_and_gives_up_at_the_bound(zoom, client, clock):
    zoom.add(responses.GET, ME, status=429, json=fixture("error__per_second_limit"))
    with pytest.raises(ZoomRateLimited) as caught:
        client.get("/users/me")
    # ZOOM_RATE_LIMIT_RETRIES = 3: four requests, three waits doubling from one second.
    assert len(api_calls(zoom)) == 4
    assert clock.sleeps == [1.0, 2.0, 4.0]
    assert caught.value.transient is True
    assert caught.value.daily is False


def test_a_retry_after_too_long_for_a_worker_is_raised_for_the_task_to_retry(zoom, client, clock):
    zoom.add(
        responses.GET, ME, status=429, json=fixture("error__per_second_limit"), headers={"Retry-After": "600"}
    )
    with pytest.raises(ZoomRateLimited) as caught:
        client.get("/users/me")
    assert caught.value.retry_after == 600
    assert clock.sleeps == []
    assert len(api_calls(zoom)) == 1


def test_daily_limit_429_is_raised_at_once_and_pauses_the_category(zoom, client, clock):
    clock.now = datetime(2024, 5, 30, 18, 0, tzinfo=UTC).timestamp()
    zoom.add(
        responses.GET,
        f"{API}/report/meetings/85746065432/participants",
        status=429,
        json=fixture("error__daily_limit"),
        headers={
            "X-RateLimit-Category": "Heavy",
            "X-RateLimit-Type": "Daily-limit",
            "X-RateLimit-Limit": "30000",
            "X-RateLimit-Remaining": "0",
            "Retry-After": "2024-05-31T00:00:00Z",
        },
    )
    with pytest.raises(ZoomRateLimited) as caught:
        client.get("/report/meetings/85746065432/participants")
    error = caught.value
    assert error.daily is True
    assert error.resets_at == datetime(2024, 5, 31, tzinfo=UTC)
    assert error.retry_after == 6 * 3600
    assert error.category == "Heavy"
    assert clock.sleeps == []
    assert len(api_calls(zoom)) == 1

    # Until the reset, the category is not hammered: the next call is refused without a request.
    with pytest.raises(ZoomRateLimited) as again:
        client.get("/report/meetings/85746065432/participants")
    assert again.value.daily is True
    assert len(api_calls(zoom)) == 1


def test_per_user_meeting_limit_without_headers_is_daily_but_leaves_the_account_running(zoom, client, clock):
    clock.now = datetime(2024, 5, 30, 20, 0, tzinfo=UTC).timestamp()
    assert fixture("error__daily_meeting_limit")["message"] == DAILY_MEETING_LIMIT_MESSAGE
    zoom.add(responses.POST, CREATE, status=429, json=fixture("error__daily_meeting_limit"))
    zoom.add(responses.POST, f"{API}/users/other-host/meetings", status=201, json={"id": 85746065432})

    with pytest.raises(ZoomRateLimited) as caught:
        client.post("/users/me/meetings", json={"topic": "Lesson", "type": 2})
    assert caught.value.daily is True
    assert caught.value.resets_at == datetime(2024, 5, 31, tzinfo=UTC)
    assert len(api_calls(zoom, "/users/me")) == 1
    # The cap is per host user: another host's create still goes out.
    assert client.post("/users/other-host/meetings", json={"topic": "Lesson", "type": 2}) == {
        "id": 85746065432
    }


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_retried_with_growing_jittered_back_off_then_raised_as_transient(
    zoom, client, clock, status
):
    zoom.add(responses.GET, ME, status=status, body="<html>Bad Gateway</html>")
    with pytest.raises(ZoomServerError) as caught:
        client.get("/users/me")
    assert caught.value.transient is True
    assert caught.value.status == status
    # ZOOM_MAX_RETRIES = 3: four requests; each wait lies in [ceiling/2, ceiling], ceilings 1, 2, 4 s.
    assert len(api_calls(zoom)) == 4
    assert len(clock.sleeps) == 3
    for wait, ceiling in zip(clock.sleeps, [1, 2, 4], strict=True):
        assert ceiling / 2 <= wait <= ceiling


def test_a_server_error_then_success_returns_the_answer(zoom, client, clock):
    zoom.add(responses.GET, ME, status=502)
    zoom.add(responses.GET, ME, json=fixture("users_me__ok"))
    assert client.get("/users/me")["id"] == "KDcuGIm1QgePTO8WbOqw01"
    assert len(clock.sleeps) == 1


def test_retries_stop_when_the_total_time_budget_is_spent(zoom, client, clock, settings):
    settings.ZOOM_MAX_RETRIES = 10
    settings.ZOOM_RETRY_MAX_TOTAL_SECONDS = 10
    zoom.add(responses.GET, ME, status=503)
    with pytest.raises(ZoomServerError):
        client.get("/users/me")
    assert sum(clock.sleeps) <= 10
    assert len(api_calls(zoom)) < 11


def test_read_timeouts_on_a_get_are_retried_then_raised_as_transient(zoom, client, clock):
    zoom.add(responses.GET, ME, body=requests.ReadTimeout("Read timed out."))
    with pytest.raises(ZoomConnectionError) as caught:
        client.get("/users/me")
    assert caught.value.transient is True
    assert len(api_calls(zoom)) == 4


def test_a_post_is_not_retried_after_a_read_timeout(zoom, client, clock):
    zoom.add(responses.POST, CREATE, body=requests.ReadTimeout("Read timed out."))
    with pytest.raises(ZoomConnectionError) as caught:
        client.post("/users/me/meetings", json={"topic": "Lesson", "type": 2})
    assert caught.value.request_may_have_succeeded is True
    assert caught.value.transient is True
    assert len(api_calls(zoom)) == 1
    assert clock.sleeps == []


def test_a_post_is_not_retried_after_a_server_error(zoom, client, clock):
    zoom.add(responses.POST, CREATE, status=502)
    with pytest.raises(ZoomServerError) as caught:
        client.post("/users/me/meetings", json={"topic": "Lesson", "type": 2})
    assert caught.value.request_may_have_succeeded is True
    assert len(api_calls(zoom)) == 1


def test_a_post_is_retried_when_the_connection_was_never_made(zoom, client, clock):
    zoom.add(responses.POST, CREATE, body=requests.ConnectTimeout("Connection timed out."))
    zoom.add(
        responses.POST,
        CREATE,
        status=201,
        json={"id": 85746065432, "join_url": "https://zoom.us/j/85746065432"},
    )
    assert client.post("/users/me/meetings", json={"topic": "Lesson", "type": 2})["id"] == 85746065432
    assert len(api_calls(zoom)) == 2


def test_a_post_is_retried_after_a_per_second_429(zoom, client, clock):
    zoom.add(
        responses.POST,
        CREATE,
        status=429,
        json=fixture("error__per_second_limit"),
        headers={"Retry-After": "1"},
    )
    zoom.add(responses.POST, CREATE, status=201, json={"id": 85746065432})
    assert client.post("/users/me/meetings", json={"topic": "Lesson", "type": 2}) == {"id": 85746065432}
    assert clock.sleeps == [1.0]


def test_patch_and_delete_answer_none_on_204(zoom, client):
    zoom.add(responses.PATCH, f"{API}/meetings/85746065432", status=204)
    zoom.add(responses.DELETE, f"{API}/meetings/85746065432", status=204)
    assert client.patch("/meetings/85746065432", json={"duration": 60}) is None
    assert client.delete("/meetings/85746065432") is None


def test_every_request_has_timeouts_and_names_zoomhub(zoom, client, monkeypatch):
    from zoomhub.zoom import transport

    seen = {}
    original = transport.session().request

    def spy(*args, **kwargs):
        seen.update(kwargs)
        return original(*args, **kwargs)

    monkeypatch.setattr(transport.session(), "request", spy)
    zoom.add(responses.GET, ME, json=fixture("users_me__ok"))
    client.get("/users/me")
    assert seen["timeout"] == (5.0, 30.0)
    import zoomhub

    assert f"ZoomHub/{zoomhub.__version__}" in api_calls(zoom)[0].request.headers["User-Agent"]
