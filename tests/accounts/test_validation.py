"""Every rule for adding Zoom credentials (docs/zoom-setup.md), through the add form and through the service."""

import pytest
from django.core.exceptions import ValidationError

from accounts import services
from accounts.models import Credential
from tests.accounts.conftest import S2S_SECRET, make_oauth, make_s2s

pytestmark = pytest.mark.django_db

ADD_URL = "/zoom-accounts/add/"

VALID_S2S = {
    "kind": "server_to_server",
    "name": "School main",
    "account_id": "Ab1CdEf2GhIjKlMnO",
    "client_id": "Tex0m1WATNWdFfnbBmwjSg",
    "client_secret": S2S_SECRET,
    "plan": "pro",
}
VALID_OAUTH = {
    "kind": "oauth",
    "name": "teacher@example.com",
    "access_token": "eyJzdiI6IjAwMDAwMSIsImFsZyI6IkhTNTEyIn0",
    "refresh_token": "eyJzdiI6IjAwMDAwMSIsInJlZnJlc2gifQ",
    "plan": "pro",
}

# (what breaks the rule, the field that reports it, words of the message)
BROKEN_RULES = [
    ({**VALID_S2S, "account_id": ""}, "account_id", "Enter the Zoom account ID."),
    ({**VALID_S2S, "account_id": "Ab1C"}, "account_id", "at least 5 characters"),
    ({**VALID_S2S, "client_id": ""}, "client_id", "Enter the client ID."),
    ({**VALID_S2S, "client_id": "Tex0"}, "client_id", "at least 5 characters"),
    ({**VALID_S2S, "client_secret": ""}, "client_secret", "Enter the client secret."),
    ({**VALID_S2S, "client_secret": "dr8XzWRVA"}, "client_secret", "at least 10 characters"),
    ({**VALID_OAUTH, "access_token": ""}, "access_token", "Enter the OAuth access token."),
    ({**VALID_OAUTH, "access_token": "eyJzdiI6I"}, "access_token", "at least 10 characters"),
    (
        {**VALID_OAUTH, "is_master_account": True},
        "is_master_account",
        "A master account must be a Server-to-Server",
    ),
]


def _service_values(data: dict) -> dict:
    return {k: v for k, v in data.items() if k != "plan"}


@pytest.mark.parametrize(("data", "field", "words"), BROKEN_RULES)
def test_the_form_refuses_each_broken_rule_with_a_clear_message(staff_client, data, field, words):
    response = staff_client.post(ADD_URL, {k: ("on" if v is True else v) for k, v in data.items()})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(words in message for message in errors[field]), errors
    assert words.encode() in response.content or words.replace("'", "&#x27;").encode() in response.content
    assert not Credential.objects.exists()


@pytest.mark.parametrize(("data", "field", "words"), BROKEN_RULES)
def test_the_service_refuses_each_broken_rule_with_the_same_message(data, field, words):
    with pytest.raises(ValidationError) as raised:
        services.credential_create(**_service_values(data))
    assert any(words in message for message in raised.value.message_dict[field])
    assert not Credential.objects.exists()


def test_the_boundaries_are_inclusive():
    credential = services.credential_create(
        **{
            **_service_values(VALID_S2S),
            "account_id": "Ab1Cd",
            "client_id": "Tex0m",
            "client_secret": "dr8XzWRVA6",
        }
    )
    assert credential.pk
    oauth = services.credential_create(**{**_service_values(VALID_OAUTH), "access_token": "eyJzdiI6IjA"[:10]})
    assert oauth.pk


def test_values_are_trimmed_before_they_are_measured():
    with pytest.raises(ValidationError) as raised:
        services.credential_create(**{**_service_values(VALID_S2S), "account_id": "  Ab1C  "})
    assert "account_id" in raised.value.message_dict


def test_a_server_to_server_master_account_is_accepted_through_the_form(staff_client):
    response = staff_client.post(ADD_URL, {**VALID_S2S, "is_master_account": "on", "plan": "business"})
    assert response.status_code == 302
    credential = Credential.objects.get()
    assert credential.is_master_account and credential.plan == "business"
    assert credential.client_secret == S2S_SECRET


def test_a_manual_oauth_token_is_accepted_through_the_form(staff_client):
    response = staff_client.post(ADD_URL, VALID_OAUTH)
    assert response.status_code == 302
    credential = Credential.objects.get()
    assert credential.kind == "oauth" and credential.access_token == VALID_OAUTH["access_token"]


def test_the_same_account_id_and_client_id_cannot_be_added_twice(staff_client):
    make_s2s(name="Existing app")
    response = staff_client.post(ADD_URL, {**VALID_S2S, "name": "Another name"})
    assert response.status_code == 200
    message = "This Zoom account ID and client ID are already connected as “Existing app”."
    assert message in response.context["form"].non_field_errors()
    with pytest.raises(ValidationError) as raised:
        services.credential_create(**{**_service_values(VALID_S2S), "name": "Another name"})
    assert message in raised.value.messages
    assert Credential.objects.count() == 1


def test_same_client_id_in_another_account_is_a_different_app():
    make_s2s(name="Existing app")
    other = services.credential_create(**{**_service_values(VALID_S2S), "account_id": "ZZ9OtherAcc"})
    assert other.pk


def test_names_are_required_and_unique(staff_client):
    make_oauth(name="School main")
    response = staff_client.post(ADD_URL, VALID_S2S)
    assert "Another Zoom account is already named “School main”." in response.context["form"].errors["name"]
    response = staff_client.post(ADD_URL, {**VALID_S2S, "name": ""})
    assert "Enter a name for this Zoom account." in response.context["form"].errors["name"]


def test_a_blank_secret_on_edit_keeps_the_stored_one(staff_client):
    credential = make_s2s()
    response = staff_client.post(
        f"/zoom-accounts/{credential.pk}/edit/",
        {
            "name": "Renamed",
            "account_id": credential.account_id,
            "client_id": credential.client_id,
            "plan": "free",
        },
    )
    assert response.status_code == 302
    credential.refresh_from_db()
    assert credential.name == "Renamed" and credential.plan == "free"
    assert credential.client_secret == S2S_SECRET
    assert credential.webhook_secret_token  # untouched too

    services.credential_update(credential=credential, client_secret="", webhook_secret_token="")
    credential.refresh_from_db()
    assert credential.client_secret == S2S_SECRET


def test_edit_applies_the_same_rules(staff_client):
    credential = make_s2s()
    make_s2s(name="Other", account_id="OtherAccount1")
    url = f"/zoom-accounts/{credential.pk}/edit/"
    response = staff_client.post(
        url, {"name": "School main", "account_id": "Ab1", "client_id": "Tex0m1", "plan": "pro"}
    )
    assert "at least 5 characters" in str(response.context["form"].errors["account_id"])
    response = staff_client.post(
        url,
        {
            "name": "School main",
            "account_id": "OtherAccount1",
            "client_id": credential.client_id,
            "plan": "pro",
        },
    )
    assert "already connected as “Other”" in str(response.context["form"].non_field_errors())
    response = staff_client.post(
        url,
        {
            "name": "School main",
            "account_id": credential.account_id,
            "client_id": "Tex0m1",
            "client_secret": "short",
            "plan": "pro",
        },
    )
    assert "at least 10 characters" in str(response.context["form"].errors["client_secret"])
    credential.refresh_from_db()
    assert (credential.account_id, credential.client_secret) == ("Ab1CdEf2GhIjKlMnO", S2S_SECRET)
    with pytest.raises(ValidationError):
        services.credential_update(credential=credential, account_id="Ab1")


def test_an_oauth_credential_cannot_become_a_master_account(staff_client):
    credential = make_oauth()
    response = staff_client.post(
        f"/zoom-accounts/{credential.pk}/edit/",
        {"name": credential.name, "is_master_account": "on", "plan": "pro"},
    )
    assert "A master account must be a Server-to-Server" in str(
        response.context["form"].errors["is_master_account"]
    )
    with pytest.raises(ValidationError):
        services.credential_update(credential=credential, is_master_account=True)
    credential.refresh_from_db()
    assert credential.is_master_account is False
