"""OAuth as Zoom answers it: S2S grants, the consent page, PKCE, single-use codes, refresh rotation,
revocation and expiry."""

import requests

from tests.sandbox.conftest import (
    ACCOUNT,
    OAUTH_ID,
    OAUTH_SECRET,
    OTHER_ACCOUNT,
    REDIRECT_URI,
    S2S_ID,
    SUB_ACCOUNT,
    Api,
    assert_shape,
    consent,
    exchange,
    fixture,
    pkce_pair,
    s2s_grant,
)


def test_server_to_server_grant_has_zoom_shape_and_works(zoom):
    response = s2s_grant(zoom)
    assert response.status_code == 200
    body = response.json()
    assert_shape(body, fixture("oauth_token__account_credentials.json"))
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3600
    assert "user:read:list_users:admin" in body["scope"].split()
    assert body["api_url"] == zoom.url
    assert "refresh_token" not in body
    me = Api(zoom, body["access_token"]).get("/users/me")
    assert me.status_code == 200
    assert me.json()["email"] == "owner@school.example"


def test_wrong_secret_is_refused_like_zoom(zoom):
    response = s2s_grant(zoom, client_secret="wrong-secret-0123456789")
    assert response.status_code == 400
    assert response.json() == fixture("oauth_token__invalid_client.json")


def test_master_app_gets_tokens_for_its_sub_accounts_only(zoom):
    sub = s2s_grant(zoom, account_id=SUB_ACCOUNT)
    assert sub.status_code == 200
    users = Api(zoom, sub.json()["access_token"]).get("/users").json()["users"]
    assert [u["email"] for u in users] == ["bea@branch.example"]
    stranger = s2s_grant(zoom, account_id=OTHER_ACCOUNT)
    assert stranger.status_code == 400
    assert stranger.json()["error"] == "invalid_request"


def test_expired_and_revoked_tokens_get_zoom_401(zoom):
    zoom.control.settings(token_lifetime=60)
    token = s2s_grant(zoom).json()["access_token"]
    api = Api(zoom, token)
    assert api.get("/users/me").status_code == 200
    zoom.control.clock(advance_seconds=61)
    expired = api.get("/users/me")
    assert expired.status_code == 401
    assert expired.json() == fixture("error__invalid_access_token.json")

    fresh = s2s_grant(zoom).json()["access_token"]
    revoke = requests.post(
        f"{zoom.oauth_url}/revoke",
        params={"token": fresh},
        auth=(S2S_ID, "s2s-client-secret-0123456789"),
        timeout=5,
    )
    assert revoke.status_code == 200
    assert revoke.json() == {"status": "success"}
    assert Api(zoom, fresh).get("/users/me").status_code == 401


def test_several_s2s_tokens_stay_valid_unless_single_token_mode(zoom):
    first = s2s_grant(zoom).json()["access_token"]
    second = s2s_grant(zoom).json()["access_token"]
    assert Api(zoom, first).get("/users/me").status_code == 200
    zoom.control.settings(s2s_single_token=True)
    s2s_grant(zoom)
    assert Api(zoom, second).get("/users/me").status_code == 401


def test_missing_scope_gets_zoom_error_naming_it(zoom):
    zoom.control.update_app(S2S_ID, scopes=["user:read:user:admin"])
    api = Api(zoom, s2s_grant(zoom).json()["access_token"])
    assert api.get("/users/me").status_code == 200
    response = api.get("/users")
    assert response.status_code == 400
    assert response.json() == fixture("error__missing_scopes.json")


def test_consent_page_shows_allow_and_deny(zoom):
    _, challenge = pkce_pair()
    page = requests.get(
        f"{zoom.oauth_url}/authorize",
        params={
            "response_type": "code",
            "client_id": OAUTH_ID,
            "redirect_uri": REDIRECT_URI,
            "state": "xyz",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        },
        timeout=5,
    )
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert 'value="allow">Allow</button>' in page.text
    assert 'value="deny">Deny</button>' in page.text
    assert "ZoomHub test" in page.text
    assert challenge in page.text  # carried to the decision


def test_consent_page_refuses_unknown_redirect_uri_without_redirecting(zoom):
    page = requests.get(
        f"{zoom.oauth_url}/authorize",
        params={"response_type": "code", "client_id": OAUTH_ID, "redirect_uri": "https://evil.example/cb"},
        allow_redirects=False,
        timeout=5,
    )
    assert page.status_code == 400
    assert "Location" not in page.headers


def test_deny_redirects_with_access_denied_and_state(zoom):
    assert consent(zoom, decision="deny", state="s-42") == {"error": "access_denied", "state": "s-42"}


def test_code_exchange_with_pkce_then_single_use(zoom):
    verifier, challenge = pkce_pair()
    answer = consent(zoom, challenge=challenge, state="s-1")
    assert answer["state"] == "s-1"
    wrong = exchange(zoom, answer["code"], verifier="not-the-verifier")
    assert wrong.status_code == 400
    assert wrong.json()["error"] == "invalid_grant"
    granted = exchange(zoom, answer["code"], verifier=verifier)
    assert granted.status_code == 200
    assert_shape(granted.json(), fixture("oauth_token__authorization_code.json"))
    me = Api(zoom, granted.json()["access_token"]).get("/users/me").json()
    assert me["email"] == "anna@school.example"
    again = exchange(zoom, answer["code"], verifier=verifier)
    assert again.status_code == 400
    assert again.json() == {"reason": "Invalid authorization code", "error": "invalid_grant"}


def test_code_without_verifier_is_refused_when_a_challenge_was_sent(zoom):
    _, challenge = pkce_pair()
    answer = consent(zoom, challenge=challenge)
    assert exchange(zoom, answer["code"]).json()["error"] == "invalid_grant"


def test_codes_expire(zoom):
    zoom.control.settings(code_lifetime=30)
    verifier, challenge = pkce_pair()
    code = consent(zoom, challenge=challenge)["code"]
    zoom.control.clock(advance_seconds=31)
    assert exchange(zoom, code, verifier=verifier).json()["error"] == "invalid_grant"


def test_refresh_rotates_and_a_used_refresh_token_is_invalid_grant(zoom):
    verifier, challenge = pkce_pair()
    tokens = exchange(zoom, consent(zoom, challenge=challenge)["code"], verifier=verifier).json()

    def refresh(token):
        return requests.post(
            f"{zoom.oauth_url}/token",
            params={"grant_type": "refresh_token", "refresh_token": token},
            auth=(OAUTH_ID, OAUTH_SECRET),
            timeout=5,
        )

    rotated = refresh(tokens["refresh_token"])
    assert rotated.status_code == 200
    assert rotated.json()["refresh_token"] != tokens["refresh_token"]
    reused = refresh(tokens["refresh_token"])
    assert reused.status_code == 400
    assert reused.json() == fixture("oauth_token__invalid_grant.json")
    assert refresh(rotated.json()["refresh_token"]).status_code == 200


def test_user_token_sees_only_its_user(zoom):
    verifier, challenge = pkce_pair()
    token = exchange(zoom, consent(zoom, challenge=challenge)["code"], verifier=verifier).json()[
        "access_token"
    ]
    api = Api(zoom, token)
    assert api.get("/users/annaUser01").status_code == 200
    assert api.get("/users/owner@school.example").status_code == 400


def test_revoking_a_user_token_ends_the_whole_authorization(zoom):
    verifier, challenge = pkce_pair()
    tokens = exchange(zoom, consent(zoom, challenge=challenge)["code"], verifier=verifier).json()
    response = requests.post(
        f"{zoom.oauth_url}/revoke",
        params={"token": tokens["access_token"]},
        auth=(OAUTH_ID, OAUTH_SECRET),
        timeout=5,
    )
    assert response.json() == {"status": "success"}
    assert Api(zoom, tokens["access_token"]).get("/users/me").status_code == 401
    refreshed = requests.post(
        f"{zoom.oauth_url}/token",
        params={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
        auth=(OAUTH_ID, OAUTH_SECRET),
        timeout=5,
    )
    assert refreshed.json()["error"] == "invalid_grant"


def test_account_id_is_required_for_the_account_grant(zoom):
    response = s2s_grant(zoom, account_id="")
    assert response.status_code == 400
    assert ACCOUNT not in response.text
