"""Refreshing the Zoom users (hosts) of a credential."""

import pytest
from django.core.cache import cache

from accounts import tasks
from accounts.models import Credential, ZoomUser
from accounts.services import CredentialUnusable, SubAccountsFailed, zoom_users_refresh
from tests.accounts.conftest import (
    TOKEN_PATH,
    SandboxAccounts,
    fixture,
    make_oauth,
    make_s2s,
)
from zoomhub.zoom.errors import ZoomError

pytestmark = pytest.mark.django_db

USERS_ROUTE = "GET /v2/users"
PAGES = ("users__page_1", "users__page_2", "users__page_3_last")


@pytest.fixture
def zoom(zoom_sandbox_settings):
    """The school's account holding the five users of Zoom's documented listing, answered as
    Zoom does, two a page (three pages)."""
    world = SandboxAccounts(
        zoom_sandbox_settings, members=[u for page in PAGES for u in fixture(page)["users"]]
    )
    world.control.settings(max_page_size=2)
    return world


def _three_pages_read(zoom):
    first, *rest = zoom.requests(USERS_ROUTE)
    assert first["query"] == {"page_size": "300", "status": "active"}
    assert len(rest) == 2 and all(r["query"]["next_page_token"] for r in rest)


def test_every_page_of_users_is_stored(zoom):
    credential = make_s2s()

    assert zoom_users_refresh(credential=credential) == 5
    _three_pages_read(zoom)

    users = ZoomUser.objects.filter(credential=credential)
    assert users.count() == 5 and all(user.is_active for user in users)
    jill = users.get(zoom_id="KDcuGIm1QgePTO8WbOqw01")
    assert (jill.email, jill.display_name, jill.user_type, jill.account_id) == (
        "jill.chill@example.com",
        "Jill Chill",
        2,
        credential.account_id,
    )
    credential.refresh_from_db()
    assert credential.users_refreshed_at is not None


def test_users_zoom_no_longer_lists_are_kept_but_inactive(zoom):
    credential = make_s2s()
    gone = ZoomUser.objects.create(
        credential=credential,
        zoom_id="left-the-school",
        email="left@example.com",
        account_id=credential.account_id,
    )
    zoom_users_refresh(credential=credential)
    gone.refresh_from_db()
    assert gone.is_active is False

    # A second refresh updates rows in place instead of duplicating them.
    cache.clear()
    zoom_users_refresh(credential=credential)
    assert ZoomUser.objects.filter(credential=credential).count() == 6


def test_an_oauth_credential_reads_only_its_own_user(zoom, oauth_app):
    me = fixture("users_me__oauth_user")
    zoom.control.add_account(id=me["account_id"], name="Jill's account", plan="pro")
    zoom.add_user(me["account_id"], me)
    zoom.add_oauth_app()
    credential = make_oauth()
    zoom.control.grant_token(
        client_id=oauth_app.OAUTH_ZOOM_CLIENT_ID,
        user_id=me["id"],
        access_token=credential.access_token,
        refresh_token=credential.refresh_token,
    )
    ZoomUser.objects.create(
        credential=credential, zoom_id="someone-else", account_id="q6gBJVO5TzexKYTb_I2rpg"
    )

    assert zoom_users_refresh(credential=credential) == 1

    me = ZoomUser.objects.get(credential=credential, is_active=True)
    assert (me.zoom_id, me.email, me.account_id) == (
        "KDcuGIm1QgePTO8WbOqwIQ",
        "jchill@example.com",
        "q6gBJVO5TzexKYTb_I2rpg",
    )
    assert not ZoomUser.objects.get(zoom_id="someone-else").is_active


def test_a_master_account_also_reads_its_sub_accounts_users(zoom):
    credential = make_s2s(is_master_account=True, plan=Credential.Plan.BUSINESS)
    zoom.add_sub_account(
        fixture("accounts__one_sub_account")["accounts"][0], fixture("accounts_users__sub_account")["users"]
    )

    assert zoom_users_refresh(credential=credential) == 6

    liis = ZoomUser.objects.get(zoom_id="S1bAcC0uNtUsErAaAaAaAa")
    assert liis.account_id == "3bXrGDpVQwydmmjE3DzBhQ" and liis.credential == credential


def test_a_failing_sub_account_does_not_stop_the_others_nor_deactivate_its_users(zoom):
    credential = make_s2s(is_master_account=True)
    kept = ZoomUser.objects.create(
        credential=credential, zoom_id="sub-user", account_id="3bXrGDpVQwydmmjE3DzBhQ"
    )
    zoom.add_sub_account(
        fixture("accounts__one_sub_account")["accounts"][0], fixture("accounts_users__sub_account")["users"]
    )
    zoom.fail(
        "/v2/accounts/3bXrGDpVQwydmmjE3DzBhQ/users",
        status=404,
        body={"code": 2001, "message": "Account does not exist: 3bXrGDpVQwydmmjE3DzBhQ."},
        count=None,
    )

    with pytest.raises(SubAccountsFailed, match="Tartu branch"):
        zoom_users_refresh(credential=credential)

    assert ZoomUser.objects.filter(credential=credential, is_active=True).count() == 6
    kept.refresh_from_db()
    assert kept.is_active


def test_the_refresh_users_button_enqueues_the_task_after_commit(
    staff_client, django_capture_on_commit_callbacks, monkeypatch
):
    credential = make_s2s()
    enqueued = []
    monkeypatch.setattr(tasks.zoom_users_refresh_task, "delay", lambda **kwargs: enqueued.append(kwargs))
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(f"/zoom-accounts/{credential.pk}/refresh-users/", follow=True)
    assert enqueued == [{"credential_id": credential.pk}]
    assert "in the background" in response.content.decode()


def test_the_task_refreshes_and_the_daily_job_fans_out(zoom, monkeypatch):
    credential = make_s2s()
    make_s2s(name="Revoked", account_id="RevokedAcct1", status=Credential.Status.REVOKED)
    assert tasks.zoom_users_refresh_task.apply(kwargs={"credential_id": credential.pk}).get() == 5

    enqueued = []
    monkeypatch.setattr(tasks.zoom_users_refresh_task, "delay", lambda **kwargs: enqueued.append(kwargs))
    assert tasks.zoom_users_refresh_all.apply().get() == 1
    assert enqueued == [{"credential_id": credential.pk}]


def test_a_daily_schedule_refreshes_zoom_users():
    from zoomhub.schedules import declared_schedules

    schedule = next(s for s in declared_schedules() if s.task == "accounts.refresh_all_zoom_users")
    _minute, hour, *every_day = schedule.crontab.split()
    assert every_day == ["*", "*", "*"] and hour.isdigit()


def test_admin_actions_queue_checks_and_refreshes(
    admin_client, django_capture_on_commit_callbacks, monkeypatch
):
    active = make_s2s()
    revoked = make_s2s(name="Gone", account_id="GoneAccount1", status=Credential.Status.REVOKED)
    checks, refreshes = [], []
    monkeypatch.setattr(tasks.credential_check_task, "delay", lambda **kwargs: checks.append(kwargs))
    monkeypatch.setattr(tasks.zoom_users_refresh_task, "delay", lambda **kwargs: refreshes.append(kwargs))
    selected = [str(active.pk), str(revoked.pk)]
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            "/admin/accounts/credential/", {"action": "test_connection", "_selected_action": selected}
        )
        admin_client.post(
            "/admin/accounts/credential/", {"action": "refresh_users", "_selected_action": selected}
        )
    assert sorted(c["credential_id"] for c in checks) == sorted([active.pk, revoked.pk])
    assert refreshes == [{"credential_id": active.pk}]


def test_a_broker_outage_is_logged_not_a_500(
    staff_client, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    credential = make_s2s()

    def broker_down(**kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.zoom_users_refresh_task, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(f"/zoom-accounts/{credential.pk}/refresh-users/")
    assert response.status_code == 302
    assert "Could not queue accounts.refresh_zoom_users" in caplog.text


def test_a_refused_secret_marks_the_account_invalid_at_once_and_is_not_asked_again(zoom):
    """Regression: the users refresh (and a sync) failed with invalid_client, the account stayed active."""
    credential = make_s2s()
    zoom.rotate_s2s_secret()  # Zoom answers oauth_token__invalid_client

    with pytest.raises(CredentialUnusable):
        zoom_users_refresh(credential=credential)

    credential.refresh_from_db()
    assert credential.status == "invalid"
    assert "Invalid client_id or client_secret" in credential.last_error
    assert len(zoom.control.requests()) == 1
    # Every later job is refused without asking Zoom, and the daily refresh skips it.
    with pytest.raises(CredentialUnusable):
        zoom_users_refresh(credential=credential)
    assert tasks.zoom_users_refresh_all() == 0
    assert len(zoom.control.requests()) == 1


def test_a_rate_limited_or_failing_token_request_leaves_the_account_active(zoom, settings):
    settings.ZOOM_MAX_RETRIES = 0
    credential = make_s2s()
    zoom.fail(TOKEN_PATH, status=503, body={"reason": "unavailable", "error": "server_error"})

    with pytest.raises(ZoomError):
        zoom_users_refresh(credential=credential)

    credential.refresh_from_db()
    assert (credential.status, credential.last_error) == ("active", "")


def test_an_oauth_app_whose_own_keys_are_refused_is_invalid_not_reconnect_needed(zoom, settings):
    settings.OAUTH_ZOOM_CLIENT_ID = "OAuthAppClient01"
    settings.OAUTH_ZOOM_CLIENT_SECRET = "wrong-oauth-app-secret-0123"
    zoom.add_oauth_app("OAuthAppClient01", "the-app-s-real-secret-4567")
    credential = make_oauth(expired=True)

    with pytest.raises(CredentialUnusable):
        zoom_users_refresh(credential=credential)

    credential.refresh_from_db()
    assert credential.status == "invalid" and "Invalid client_id" in credential.last_error
    assert credential.refresh_token  # the grant itself is kept: fixing the app's keys is enough
