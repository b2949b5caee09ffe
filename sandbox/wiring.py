"""Wiring `make run` to the Zoom sandbox: the demo credential and where the sandbox sends webhooks.

The Django side of the sandbox, with settings.py, apps.py and management/: the emulator itself is
standard library only and never imports ZoomHub. run_all calls these once the sandbox process answers.
"""

from accounts.models import Credential
from sandbox import demo
from sandbox.control_client import SandboxControl

OAUTH_CALLBACK_PATH = "/zoom-accounts/oauth/callback/"  # accounts' OAuth callback view
OAUTH_WEBHOOK_PATH = "/webhooks/zoom/oauth/"  # the OAuth app's webhook intake


def sandbox_demo_credential_ensure() -> Credential:
    """The demo school's Server-to-Server credential, created once and kept in step with the sandbox."""
    credential, _ = Credential.objects.update_or_create(
        kind=Credential.Kind.SERVER_TO_SERVER,
        account_id=demo.SCHOOL_ACCOUNT_ID,
        client_id=demo.S2S_CLIENT_ID,
        defaults={
            "name": "Sandbox School (demo)",
            "is_master_account": True,
            "client_secret": demo.S2S_CLIENT_SECRET,
            "webhook_secret_token": demo.S2S_WEBHOOK_SECRET,
            "plan": Credential.Plan.BUSINESS,
            "status": Credential.Status.ACTIVE,
        },
    )
    return credential


def sandbox_demo_connect(*, control: SandboxControl, web_url: str) -> Credential:
    """Point the sandbox's demo apps at this ZoomHub: webhooks and the OAuth redirect."""
    credential = sandbox_demo_credential_ensure()
    web_url = web_url.rstrip("/")
    control.update_app(
        demo.S2S_CLIENT_ID, webhook_urls=[f"{web_url}/webhooks/zoom/{credential.webhook_code}/"]
    )
    control.update_app(
        demo.OAUTH_CLIENT_ID,
        redirect_uris=[f"{web_url}{OAUTH_CALLBACK_PATH}"],
        webhook_urls=[f"{web_url}{OAUTH_WEBHOOK_PATH}"],
    )
    return credential


def sandbox_environment(*, sandbox_url: str, web_url: str) -> dict[str, str]:
    """What web, worker and beat need in their environment to use the sandbox as Zoom."""
    sandbox_url = sandbox_url.rstrip("/")
    return {
        "ZOOM_SANDBOX": "true",
        "ZOOM_API_BASE_URL": f"{sandbox_url}/v2",
        "ZOOM_OAUTH_BASE_URL": f"{sandbox_url}/oauth",
        "OAUTH_ZOOM_CLIENT_ID": demo.OAUTH_CLIENT_ID,
        "OAUTH_ZOOM_CLIENT_SECRET": demo.OAUTH_CLIENT_SECRET,
        "OAUTH_ZOOM_REDIRECT_URI": f"{web_url.rstrip('/')}{OAUTH_CALLBACK_PATH}",
        "OAUTH_ZOOM_WEBHOOK_SECRET_TOKEN": demo.OAUTH_WEBHOOK_SECRET,
    }


def sandbox_wanted(environ: dict[str, str]) -> bool:
    """Start the sandbox unless ZOOM_SANDBOX is off or a real Zoom is configured."""
    value = environ.get("ZOOM_SANDBOX", "").strip().lower()
    if value in ("off", "false", "0", "no"):
        return False
    if value in ("on", "true", "1", "yes"):
        return True
    real_zoom = any(
        environ.get(name) for name in ("ZOOM_API_BASE_URL", "ZOOM_OAUTH_BASE_URL", "OAUTH_ZOOM_CLIENT_ID")
    )
    return not real_zoom
