"""Small pieces the routers share."""

import datetime as dt
from typing import Annotated

from ninja import Path

# Ids are PostgreSQL bigints: larger numbers are refused by the schema, not by the database.
MAX_ID = 2**63 - 1
Id = Annotated[int, Path(ge=1, le=MAX_ID)]


def utc_iso(moment: dt.datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
