import os

import pytest
from django.core.cache import cache

from tests.checkout import ROOT, checkout_files
from zoomhub.translations import compile_all

# Hypothesis (under schemathesis) keeps its example database in ./.hypothesis unless told otherwise.
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", str(ROOT / "var" / "hypothesis"))

# `make install` builds the .mo files; a bare `pytest` after editing a .po file gets them too.
compile_all(only_stale=True)

# Playwright fixtures (browser, page, screenshot) for tests/browser and tests/e2e.
pytest_plugins = ["tests.browser_fixtures"]

_files_before_the_run = pytest.StashKey[set[str] | None]()


def pytest_sessionstart(session):
    session.config.stash[_files_before_the_run] = checkout_files()


def pytest_sessionfinish(session, exitstatus):
    """Fail the run when it left new files in the checkout (tests/checkout.py says why)."""
    before = session.config.stash.get(_files_before_the_run, None)
    after = checkout_files()
    if before is None or after is None:
        return
    left = sorted(after - before)
    if not left:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_sep("=", "the test run left files in the checkout", red=True)
        for path in left:
            reporter.write_line(f"  {path}  (runtime files belong under var/)")
    session.exitstatus = pytest.ExitCode.TESTS_FAILED


# The Celery app's configuration is process-wide: a test that changes it and forgets to put it
# back makes later tests publish eagerly (run inline) or to another queue or broker. Compared
# around the whole test, after every fixture (monkeypatch included) has been torn down.
_CELERY_KEYS = ("task_always_eager", "task_eager_propagates", "task_default_queue", "broker_url")
_celery_before = pytest.StashKey[dict]()


def _celery_configuration() -> dict:
    from zoomhub.celery_app import app

    return {key: app.conf[key] for key in _CELERY_KEYS}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    item.stash[_celery_before] = _celery_configuration()
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    result = yield
    before = item.stash.get(_celery_before, None)
    if before is not None:
        after = _celery_configuration()
        changed = {key: after[key] for key in _CELERY_KEYS if after[key] != before[key]}
        if changed:
            from zoomhub.celery_app import app

            app.conf.update(before)
            raise AssertionError(f"{item.nodeid} left the Celery app changed: {changed}")
    return result


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def password():
    return "correct-horse-battery-staple"


@pytest.fixture
def staff_user(django_user_model, password):
    return django_user_model.objects.create_user(
        username="staff", email="staff@school.example", password=password, is_staff=True
    )


@pytest.fixture
def superuser(django_user_model, password):
    return django_user_model.objects.create_superuser(
        username="root", email="root@school.example", password=password
    )


@pytest.fixture
def outsider(django_user_model, password):
    """Signed in, but not staff."""
    return django_user_model.objects.create_user(
        username="outsider", email="outsider@example.com", password=password
    )


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def zoom_sandbox():
    """A fresh Zoom sandbox on a free port (see tests/sandbox_fixtures.py)."""
    from tests.sandbox_fixtures import running_sandbox

    with running_sandbox() as running:
        yield running


@pytest.fixture
def zoom_sandbox_settings(zoom_sandbox, settings):
    """ZoomHub's settings pointed at a fresh sandbox; yields the sandbox."""
    for name, value in zoom_sandbox.settings_overrides.items():
        setattr(settings, name, value)
    return zoom_sandbox


@pytest.fixture(scope="session")
def s3_server():
    """moto's S3 server, a separate process on a free loopback port, for the whole session."""
    from tests.s3_server import running_s3_server

    with running_s3_server() as server:
        yield server


@pytest.fixture
def s3_bucket(s3_server, request):
    """A fresh, empty bucket on the S3 server; yields its name."""
    import uuid

    name = f"t-{uuid.uuid4().hex[:20]}"
    s3_server.client().create_bucket(Bucket=name)
    return name
