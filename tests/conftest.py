import pytest
from django.core.cache import cache


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
