"""How a stored secret is shown: never in full, at most its last four characters."""

MASK = "••••"
# Below this length even four characters give away too much of the value.
SHORTEST_WITH_TAIL = 12


def mask_secret(value: str | None) -> str:
    """ "••••abcd" for a long secret, "••••" for a short one, "" when nothing is stored."""
    if not value:
        return ""
    if len(value) < SHORTEST_WITH_TAIL:
        return MASK
    return MASK + value[-4:]
