"""One Server-to-Server token serves every worker until it nears expiry."""

import threading

import responses

from .conftest import API, add_token_answers, api_calls, fixture, token_calls


def test_eight_threads_of_fifty_calls_make_one_token_request_then_one_more_after_expiry(
    zoom, make_client, unlimited, clock
):
    add_token_answers(zoom, "token-first-0123456789", "token-second-0123456789")
    zoom.add(responses.GET, f"{API}/users/me", json=fixture("users_me__ok"))
    client = make_client(limiter=unlimited)
    start = threading.Barrier(8)
    failures = []

    def worker():
        start.wait()
        try:
            for _ in range(50):
                assert client.get("/users/me")["email"] == "jill.chill@example.com"
        except Exception as exc:  # reported below, with the thread's error
            failures.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert len(api_calls(zoom)) == 400
    assert len(token_calls(zoom)) == 1
    assert {c.request.headers["Authorization"] for c in api_calls(zoom)} == {"Bearer token-first-0123456789"}

    # 3600 s tokens are used for 55 minutes; past that the next call fetches exactly one new token.
    clock.advance(55 * 60 + 1)
    for _ in range(20):
        client.get("/users/me")
    assert len(token_calls(zoom)) == 2
    assert api_calls(zoom)[-1].request.headers["Authorization"] == "Bearer token-second-0123456789"


def test_a_token_is_still_used_just_before_its_margin(zoom, make_client, unlimited, clock):
    add_token_answers(zoom, "token-first-0123456789", "token-second-0123456789")
    zoom.add(responses.GET, f"{API}/users/me", json=fixture("users_me__ok"))
    client = make_client(limiter=unlimited)
    client.get("/users/me")
    clock.advance(55 * 60 - 1)
    client.get("/users/me")
    assert len(token_calls(zoom)) == 1


def test_token_request_uses_basic_auth_and_account_credentials_grant(zoom, make_client, unlimited):
    add_token_answers(zoom, "token-first-0123456789")
    zoom.add(responses.GET, f"{API}/users/me", json=fixture("users_me__ok"))
    make_client(limiter=unlimited).get("/users/me")
    request = token_calls(zoom)[0].request
    assert request.headers["Authorization"].startswith("Basic ")
    assert "grant_type=account_credentials" in request.url
    assert "account_id=Xa8Bc7Dd6Ee5" in request.url


def test_granted_scopes_come_from_the_token_answer(zoom, s2s_tokens):
    add_token_answers(zoom, "token-first-0123456789")
    assert "meeting:write:meeting:admin" in s2s_tokens.granted_scopes
    assert "user:read:list_users:admin" in s2s_tokens.granted_scopes


def test_a_401_wave_across_threads_fetches_one_new_token(zoom, make_client, unlimited):
    add_token_answers(zoom, "token-first-0123456789", "token-second-0123456789", "token-third-0123456789")
    client = make_client(limiter=unlimited)
    client.tokens.get_token()  # every thread starts with the same (now revoked) token

    def answer(request):
        if request.headers["Authorization"] == "Bearer token-first-0123456789":
            return 401, {}, '{"code": 124, "message": "Invalid access token."}'
        return 200, {}, '{"id": "me"}'

    zoom.add_callback(responses.GET, f"{API}/users/me", callback=answer)
    start = threading.Barrier(6)
    answers = []

    def worker():
        start.wait()
        answers.append(client.get("/users/me"))

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [{"id": "me"}] * 6
    assert len(token_calls(zoom)) == 2
