"""Master accounts on the real threaded path: one token per sub-account, targets in parallel."""

from datetime import UTC, date, datetime, timedelta

import pytest

from recordings.models import Recording, Source, SyncRun
from recordings.services import sync_run_create, sync_run_execute

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_account_ids_variant_asks_one_token_per_sub_account_and_syncs_all_their_users(
    school_zoom, master_credential, settings
):
    settings.RECORDINGS_SYNC_THREADS = 4
    for account in ("SUBacct0001", "SUBacct0002", "SUBacct0003"):
        for n in range(4):
            user = school_zoom.add_user(f"{n}@{account.lower()}.example", account_id=account)
            school_zoom.add_recordings(
                user, start=datetime(2024, 1, 3, tzinfo=UTC), count=5, every=timedelta(days=11)
            )
    school_zoom.add_user("not-listed@sub4.example", account_id="SUBacct0004")
    source = Source.objects.create(
        name="subs",
        credential=master_credential,
        is_master_account=True,
        account_ids=["SUBacct0001", "SUBacct0002", "SUBacct0003"],
    )

    run = sync_run_execute(
        run_id=sync_run_create(source=source, from_date=date(2024, 1, 1), to_date=date(2024, 2, 29)).pk
    )

    assert school_zoom.token_requests == {"SUBacct0001": 1, "SUBacct0002": 1, "SUBacct0003": 1}
    assert school_zoom.user_list_requests == 3
    # Each user was listed with its own sub-account's token, once per monthly window.
    assert len(school_zoom.list_requests) == 12 * 2
    assert all(seg.endswith(account.lower() + ".example") for seg, _, account in school_zoom.list_requests)
    assert run.state == SyncRun.State.SUCCEEDED
    assert run.recordings_created == Recording.objects.count() == 60
    assert run.steps_done == run.steps_total == 24


def test_a_sub_account_whose_users_cannot_be_listed_is_reported(school_zoom, master_credential, settings):
    settings.RECORDINGS_SYNC_THREADS = 4
    user = school_zoom.add_user("ok@sub1.example", account_id="SUBacct0001")
    school_zoom.add_recordings(user, start=datetime(2024, 1, 3, tzinfo=UTC), count=2, every=timedelta(days=2))
    source = Source.objects.create(
        name="subs",
        credential=master_credential,
        is_master_account=True,
        account_ids=["SUBacct0001", "WRONGacct9"],
    )
    # WRONGacct9 is not a sub-account of the master: Zoom refuses a token for it.

    run = sync_run_execute(
        run_id=sync_run_create(source=source, from_date=date(2024, 1, 1), to_date=date(2024, 1, 20)).pk
    )

    assert run.state == SyncRun.State.PARTIAL
    assert run.recordings_created == 2
    failed = run.steps.get(state="failed")
    assert failed.account_id == "WRONGacct9" and failed.error
    refused = [e for e in school_zoom.log("POST /oauth/token") if e["account_id"] == "WRONGacct9"]
    assert refused and {e["status"] for e in refused} == {400}
