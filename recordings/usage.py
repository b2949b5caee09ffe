"""What a Zoom account is used for, as far as recordings go (registered with accounts.capabilities)."""

from recordings.models import Source


def credential_has_sources(credential) -> bool:
    """A recording source reads the account: its recording scopes are needed."""
    return Source.objects.filter(credential=credential).exists()
