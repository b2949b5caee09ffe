"""The session store (zoomhub/sessions.py): Django's database sessions, read with one statement."""

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from zoomhub.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_the_site_uses_it():
    assert settings.SESSION_ENGINE == "zoomhub.sessions"


def test_a_session_reads_back_what_either_store_wrote():
    ours = SessionStore()
    ours["who"] = "Ёлкин & <Co>"
    ours.create()
    theirs = DjangoStore()
    theirs["n"] = 3
    theirs.create()
    assert SessionStore(ours.session_key).load() == {"who": "Ёлкин & <Co>"}
    assert DjangoStore(ours.session_key).load() == {"who": "Ёлкин & <Co>"}
    assert SessionStore(theirs.session_key).load() == {"n": 3}


def test_an_expired_or_unknown_session_is_empty_and_forgets_its_key():
    store = SessionStore()
    store["who"] = "x"
    store.create()
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    expired = SessionStore(store.session_key)
    assert expired.load() == {}
    assert expired.session_key is None
    unknown = SessionStore("a" * 32)
    assert unknown.load() == {}
    assert unknown.session_key is None


def test_a_signed_in_page_reads_its_user_from_the_session(staff_client):
    assert staff_client.get("/lessons/").status_code == 200
    assert staff_client.cookies["sessionid"].value
