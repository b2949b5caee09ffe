"""Webhook handlers the tests plug into the dispatch table."""

calls: list[dict] = []
failures_left = {"count": 0}


def record_call(*, event_type, body, credential):
    calls.append({"event_type": event_type, "body": body, "credential": credential})


def fail(*, event_type, body, credential):
    raise RuntimeError("Zoom answered 503 (test)")


def fail_then_succeed(*, event_type, body, credential):
    if failures_left["count"] > 0:
        failures_left["count"] -= 1
        raise RuntimeError("temporary failure (test)")
    calls.append({"event_type": event_type, "body": body, "credential": credential})
