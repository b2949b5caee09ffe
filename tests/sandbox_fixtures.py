"""The Zoom sandbox in-process for tests: a real HTTP server on a free port, in a thread.

    with running_sandbox() as zoom:          # or the `zoom_sandbox` pytest fixture
        zoom.control.add_account(id="acct", plan="pro")
        requests.get(f"{zoom.api_url}/users/me", headers=...)
        zoom.control.calls()                 # {"GET /v2/users/{userId}": 1, ...}

`zoom.sandbox` is the Sandbox object itself (state, clock, webhook sender) for what the control
API does not cover; `zoom.settings_overrides` points ZoomHub's settings at it.
"""

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

from sandbox.control_client import SandboxControl
from sandbox.server import Sandbox


@dataclass
class RunningSandbox:
    sandbox: Sandbox
    control: SandboxControl

    @property
    def url(self) -> str:
        return self.sandbox.base_url

    @property
    def api_url(self) -> str:
        return self.sandbox.api_base_url

    @property
    def oauth_url(self) -> str:
        return self.sandbox.oauth_base_url

    @property
    def settings_overrides(self) -> dict:
        return {
            "ZOOM_API_BASE_URL": self.api_url,
            "ZOOM_OAUTH_BASE_URL": self.oauth_url,
            "ZOOM_SANDBOX": True,
        }


@contextlib.contextmanager
def running_sandbox(*, seed: str | None = None) -> Iterator[RunningSandbox]:
    sandbox = Sandbox(port=0).start()
    try:
        running = RunningSandbox(sandbox, SandboxControl(sandbox.base_url))
        if seed:
            running.control.reset(seed=seed)
        yield running
    finally:
        sandbox.stop()
