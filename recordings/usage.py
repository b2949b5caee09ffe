"""What a Zoom account is used for, as far as recordings go (registered with accounts.capabilities)."""

from recordings.models import Source


def credential_has_sources(credential) -> bool:
    """A recording source reads the account: its recording scopes are needed."""
    return Source.objects.filter(credential=credential).exists()


def credential_frees_zoom_cloud(credential) -> bool:
    """A source moves the account's verified recordings to Zoom's trash: its delete scope is needed."""
    return Source.objects.filter(credential=credential).exclude(free_zoom_cloud="off").exists()
