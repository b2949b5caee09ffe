import json

import pytest

from api import services
from api.models import ApiToken


class ApiClient:
    """Django's test client with a bearer token and JSON bodies."""

    def __init__(self, client, raw_token: str | None):
        self.client = client
        self.raw_token = raw_token

    def _headers(self, headers):
        result = {}
        if self.raw_token:
            result["HTTP_AUTHORIZATION"] = f"Bearer {self.raw_token}"
        result.update(headers or {})
        return result

    def get(self, path, params=None, **headers):
        return self.client.get(path, params or {}, **self._headers(headers))

    def post(self, path, body=None, **headers):
        data = json.dumps(body) if body is not None else ""
        return self.client.post(path, data, content_type="application/json", **self._headers(headers))

    def patch(self, path, body=None, **headers):
        return self.client.patch(
            path, json.dumps(body or {}), content_type="application/json", **self._headers(headers)
        )

    def delete(self, path, **headers):
        return self.client.delete(path, **self._headers(headers))


def make_token(user, scope=ApiToken.Scope.READ_WRITE, name="bot"):
    return services.api_token_create(user=user, name=name, scope=scope)


@pytest.fixture
def write_token(staff_user):
    return make_token(staff_user)[1]


@pytest.fixture
def read_token(staff_user):
    return make_token(staff_user, ApiToken.Scope.READ, "reader")[1]


@pytest.fixture
def api(client, write_token):
    """A client with a read-write token."""
    return ApiClient(client, write_token)


@pytest.fixture
def read_api(client, read_token):
    return ApiClient(client, read_token)


@pytest.fixture
def anonymous_api(client):
    return ApiClient(client, None)


def assert_error(response, status, code=None):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["message"]
    if code:
        assert body["error"]["code"] == code, body
    return body["error"]
