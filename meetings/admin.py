from meetings.webhooks.admin import WebhookEventAdmin  # noqa: F401  (registers the event log)
