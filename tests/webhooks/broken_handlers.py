"""A handler module with a bug: it imports something that does not exist."""

import no_such_module_anywhere  # noqa: F401


def meeting_started(*, event_type, body, credential):
    raise AssertionError("never reached")
