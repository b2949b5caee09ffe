import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_staff_sign_in_with_email_through_allauth(client, staff_user, password):
    response = client.post(reverse("account_login"), {"login": staff_user.email, "password": password})
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    assert client.get("/").status_code == 200


def test_wrong_password_is_refused_with_a_message(client, staff_user):
    response = client.post(reverse("account_login"), {"login": staff_user.email, "password": "nope"})
    assert response.status_code == 200
    assert b"not correct" in response.content
    assert client.get("/").status_code == 302


def test_open_signup_is_closed(client, rf):
    from accounts.adapters import StaffOnlyAccountAdapter

    assert StaffOnlyAccountAdapter().is_open_for_signup(rf.get("/")) is False
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new@example.com",
            "username": "new",
            "password1": "x-Strong-pass-1",
            "password2": "x-Strong-pass-1",
        },
    )
    from accounts.models import User

    assert response.status_code == 302
    assert not User.objects.filter(email="new@example.com").exists()


def test_sign_in_is_rate_limited(client, staff_user, password):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": staff_user.email, "password": "wrong"})
    response = client.post(reverse("account_login"), {"login": staff_user.email, "password": password})
    assert response.status_code == 429 or b"Too many failed login attempts" in response.content
    assert client.get("/").status_code == 302


def test_admin_sign_in_goes_through_allauth(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_password_reset_sends_an_email(client, staff_user, mailoutbox):
    response = client.post(reverse("account_reset_password"), {"email": staff_user.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert staff_user.email in mailoutbox[0].to


def test_sign_out(staff_client):
    response = staff_client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert staff_client.get("/").status_code == 302


def test_two_factor_setup_is_offered_to_staff_after_reauthentication(staff_client, password):
    response = staff_client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    staff_client.post(reverse("account_reauthenticate"), {"password": password})
    response = staff_client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200
    assert b"otpauth://" in response.content or b"Authenticator" in response.content


def test_the_admin_asks_for_the_same_second_factor_as_the_staff_pages(client, superuser, password):
    """A superuser with an authenticator: the admin's sign-in stops at the code, like any page."""
    import time

    from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value

    secret = generate_totp_secret()
    TOTP.activate(superuser, secret)
    login = client.get("/admin/login/?next=/admin/")
    assert login["Location"].startswith(reverse("account_login"))
    response = client.post(login["Location"], {"login": superuser.email, "password": password})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_authenticate"))
    assert client.get("/admin/").status_code == 302  # the password alone opens nothing
    assert client.get("/admin/accounts/credential/").status_code == 302

    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
