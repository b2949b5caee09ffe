"""Which capabilities each Zoom account is used for, as the apps that use them say.

The scope check requires only the capabilities an account is used for (accounts/scopes.py). The
accounts app knows its own uses (the users list always; lessons and attendance once staff chose a
default host); the apps built on it register the rest in `AppConfig.ready()` —
`capability_uses.register(("lessons",), in_use, app_label=...)` with `in_use(credential) -> bool`
running one query — so accounts never imports them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from accounts import scopes

if TYPE_CHECKING:
    from accounts.models import Credential

InUse = Callable[["Credential"], bool]


@dataclass(frozen=True)
class CapabilityUse:
    app_label: str
    capabilities: tuple[str, ...]
    in_use: InUse


class CapabilityUseRegistry:
    def __init__(self) -> None:
        self.registrations: list[CapabilityUse] = []

    def register(self, capabilities: tuple[str, ...], in_use: InUse, *, app_label: str) -> None:
        unknown = set(capabilities) - set(scopes.CAPABILITY_KEYS)
        if unknown:
            raise ValueError(f"Unknown capabilities: {', '.join(sorted(unknown))}")
        registration = CapabilityUse(app_label=app_label, capabilities=tuple(capabilities), in_use=in_use)
        if registration not in self.registrations:  # ready() may run twice in some test set-ups
            self.registrations.append(registration)

    def used_by(self, credential: Credential) -> list[str]:
        used = [scopes.USERS]
        if credential.default_host_id:
            used += [scopes.LESSONS, scopes.ATTENDANCE]
        for registration in self.registrations:
            if set(registration.capabilities) <= set(used):
                continue
            if registration.in_use(credential):
                used += [c for c in registration.capabilities if c not in used]
        return [key for key in scopes.CAPABILITY_KEYS if key in used]


capability_uses = CapabilityUseRegistry()
