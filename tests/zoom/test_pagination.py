"""Lists are followed to the end; meeting UUIDs are encoded the way Zoom requires."""

import pytest
import responses
from responses import matchers

from zoomhub.zoom.client import meeting_path_id
from zoomhub.zoom.errors import ZoomBadRequest

from .conftest import API, add_token_answers, api_calls, fixture


@pytest.fixture
def client(zoom, make_client, unlimited):
    add_token_answers(zoom, "token-first-0123456789")
    return make_client(limiter=unlimited)


def _pages(zoom):
    page_1, page_2, page_3 = fixture("users__page_1"), fixture("users__page_2"), fixture("users__page_3_last")
    zoom.add(
        responses.GET,
        f"{API}/users",
        json=page_1,
        match=[matchers.query_param_matcher({"status": "active", "page_size": "2"})],
    )
    zoom.add(
        responses.GET,
        f"{API}/users",
        json=page_2,
        match=[
            matchers.query_param_matcher(
                {"status": "active", "page_size": "2", "next_page_token": page_1["next_page_token"]}
            )
        ],
    )
    zoom.add(
        responses.GET,
        f"{API}/users",
        json=page_3,
        match=[
            matchers.query_param_matcher(
                {"status": "active", "page_size": "2", "next_page_token": page_2["next_page_token"]}
            )
        ],
    )


def test_paginate_follows_next_page_token_to_the_last_page(zoom, client):
    _pages(zoom)
    users = list(client.paginate("/users", items_key="users", params={"status": "active"}, page_size=2))
    assert [u["email"] for u in users] == [
        "jill.chill@example.com",
        "mart.tamm@example.com",
        "kati.kask@example.com",
        "olga.ivanova@example.com",
        "peeter.saar@example.com",
    ]
    assert len(api_calls(zoom)) == 3


def test_pages_yields_whole_bodies(zoom, client):
    _pages(zoom)
    pages = list(client.pages("/users", params={"status": "active"}, page_size=2))
    assert [p["page_number"] for p in pages] == [1, 2, 3]
    assert pages[-1]["total_records"] == 5


def test_a_repeated_page_token_stops_instead_of_looping_forever(zoom, client):
    zoom.add(responses.GET, f"{API}/users", json=fixture("users__page_1"))
    with pytest.raises(ZoomBadRequest):
        list(client.paginate("/users", items_key="users"))
    assert len(api_calls(zoom)) == 2


@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        ("/abc==", "%252Fabc%253D%253D"),
        ("a//b==", "a%252F%252Fb%253D%253D"),
        ("4444AAAiAAAAAiAiAiiAii==", "4444AAAiAAAAAiAiAiiAii%3D%3D"),
        ("aDYlohsHRtCd4ii1uC2+hA==", "aDYlohsHRtCd4ii1uC2%2BhA%3D%3D"),
        (85746065432, "85746065432"),
    ],
)
def test_meeting_path_id(value, encoded):
    assert meeting_path_id(value) == encoded


def test_a_double_encoded_uuid_reaches_zoom_as_zoom_expects(zoom, client):
    zoom.add(responses.GET, f"{API}/past_meetings/%252Fabc%253D%253D/participants", json={"participants": []})
    client.get(f"/past_meetings/{meeting_path_id('/abc==')}/participants")
    assert api_calls(zoom)[0].request.path_url == "/v2/past_meetings/%252Fabc%253D%253D/participants"
