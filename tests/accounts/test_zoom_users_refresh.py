"""Refreshing the Zoom users (hosts) of a credential."""

import pytest
from django.core.cache import cache
from responses import matchers

from accounts import tasks
from accounts.models import Credential, ZoomUser
from accounts.services import SubAccountsFailed, zoom_users_refresh
from tests.accounts.conftest import (
    S2S_ALL_SCOPES,
    api,
    fixture,
    make_oauth,
    make_s2s,
    oauth_url,
    token_answer,
)

pytestmark = pytest.mark.django_db

PAGE_2_TOKEN = fixture("users__page_1")["next_page_token"]
PAGE_3_TOKEN = fixture("users__page_2")["next_page_token"]


def _token(zoom):
    zoom.add(
        "POST",
        oauth_url("/token"),
        json=token_answer(access_token="s2s-access-token-abcdef", scope=S2S_ALL_SCOPES),
    )


def _three_pages(zoom, path="/users"):
    zoom.add(
        "GET",
        api(path),
        json=fixture("users__page_1"),
        match=[matchers.query_param_matcher({"page_size": "300", "status": "active"})],
    )
    zoom.add(
        "GET",
        api(path),
        json=fixture("users__page_2"),
        match=[matchers.query_param_matcher({"next_page_token": PAGE_2_TOKEN}, strict_match=False)],
    )
    zoom.add(
        "GET",
        api(path),
        json=fixture("users__page_3_last"),
        match=[matchers.query_param_matcher({"next_page_token": PAGE_3_TOKEN}, strict_match=False)],
    )


def test_every_page_of_users_is_stored(zoom):
    credential = make_s2s()
    _token(zoom)
    _three_pages(zoom)

    assert zoom_users_refresh(credential=credential) == 5

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
    _token(zoom)
    _three_pages(zoom)
    zoom_users_refresh(credential=credential)
    gone.refresh_from_db()
    assert gone.is_active is False

    # A second refresh updates rows in place instead of duplicating them.
    zoom.reset()
    cache.clear()
    _token(zoom)
    _three_pages(zoom)
    zoom_users_refresh(credential=credential)
    assert ZoomUser.objects.filter(credential=credential).count() == 6


def test_an_oauth_credential_reads_only_its_own_user(zoom):
    credential = make_oauth()
    ZoomUser.objects.create(
        credential=credential, zoom_id="someone-else", account_id="q6gBJVO5TzexKYTb_I2rpg"
    )
    zoom.add("GET", api("/users/me"), json=fixture("users_me__oauth_user"))

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
    _token(zoom)
    _three_pages(zoom)
    zoom.add("GET", api("/accounts"), json=fixture("accounts__one_sub_account"))
    zoom.add(
        "GET", api("/accounts/3bXrGDpVQwydmmjE3DzBhQ/users"), json=fixture("accounts_users__sub_account")
    )

    assert zoom_users_refresh(credential=credential) == 6

    liis = ZoomUser.objects.get(zoom_id="S1bAcC0uNtUsErAaAaAaAa")
    assert liis.account_id == "3bXrGDpVQwydmmjE3DzBhQ" and liis.credential == credential


def test_a_failing_sub_account_does_not_stop_the_others_nor_deactivate_its_users(zoom):
    credential = make_s2s(is_master_account=True)
    kept = ZoomUser.objects.create(
        credential=credential, zoom_id="sub-user", account_id="3bXrGDpVQwydmmjE3DzBhQ"
    )
    _token(zoom)
    _three_pages(zoom)
    zoom.add("GET", api("/accounts"), json=fixture("accounts__one_sub_account"))
    zoom.add(
        "GET",
        api("/accounts/3bXrGDpVQwydmmjE3DzBhQ/users"),
        status=404,
        json={"code": 2001, "message": "Account does not exist: 3bXrGDpVQwydmmjE3DzBhQ."},
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
    _token(zoom)
    _three_pages(zoom)
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
