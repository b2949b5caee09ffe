"""Property-based: schemathesis sends generated requests for every operation of the OpenAPI
document, in-process through Django's WSGI app with a read-write token, and checks that no
answer is a 500 and every answer matches the document (status, content type, body schema).
Examples are bounded so the whole run stays well under a minute."""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.models import Credential, ZoomUser
from api.main import api
from meetings.models import Person
from recordings.models import Source
from tests.api.conftest import make_token

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = get_wsgi_application()


@pytest.fixture
def world(db, staff_user):
    """Rows for the generated ids to sometimes hit, and a read-write token."""
    credential = Credential.objects.create(
        kind="server_to_server",
        name="school",
        account_id="SCHOOLacct1",
        client_id="SchoolClient1",
        client_secret="dr8XzWRVA6Hh5FuWReynMV7Ke54UrYas",
        is_master_account=True,
    )
    ZoomUser.objects.create(credential=credential, zoom_id="hostZoomId1", email="host@school.example")
    Person.objects.create(name="Mari", email="mari@school.example", role="teacher")
    Source.objects.create(
        name="source", credential=credential, is_master_account=True, user_emails=["a@b.example"]
    )
    return make_token(staff_user)[1]


@pytest.fixture(scope="module", autouse=True)
def _reconnect_close_old_connections():
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_the_api_answers_every_generated_request_as_documented(case, world):
    # The WSGI handler closes the database connection around each request; the test's
    # transaction lives on it, so keep it open, as Django's test client does.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    case.call_and_validate(headers={"Authorization": f"Bearer {world}"}, checks=CHECKS)
