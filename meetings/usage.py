"""What a Zoom account is used for, as far as lessons go (registered with accounts.capabilities)."""

from meetings.models import Meeting


def credential_hosts_lessons(credential) -> bool:
    """The account hosts at least one lesson: its meeting scopes are needed."""
    return Meeting.objects.filter(host__credential=credential).exists()


def credential_hosts_webinars(credential) -> bool:
    """The account hosts at least one webinar: its webinar scopes are needed."""
    return Meeting.objects.filter(host__credential=credential, kind=Meeting.Kind.WEBINAR).exists()
