"""Logging filters: secrets that travel in URLs never reach a log line."""

import logging
import re

# Query parameters that carry a credential: a webhook's download_token (sent as access_token),
# a start link's zak, signed storage URLs, OAuth codes.
SECRET_QUERY = re.compile(
    r"((?:access_token|token|zak|code|signature|x-amz-signature|key|pwd|secret)=)[^&\s\"']+",
    re.IGNORECASE,
)


def redact_url_secrets(text: str) -> str:
    return SECRET_QUERY.sub(r"\1[redacted]", text)


class RedactUrlSecrets(logging.Filter):
    """For urllib3's request lines ("GET /path?access_token=… HTTP/1.1"), logged at DEBUG."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_url_secrets(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True
