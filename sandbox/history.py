"""Seeded recording history: N users x M months x K recordings a month, generated lazily.

Nothing is stored per recording: a recording's UUID and its files' ids encode where it sits in
the history (history number, user, month, index), so listings are computed for the asked window
and any UUID or file id found in a listing can be looked up again.
"""

import base64
import calendar
import hashlib
import zlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sandbox.models import Recording, RecordingFile

MAGIC = 0xA5
FILE_KINDS = [
    ("shared_screen_with_speaker_view", "MP4", "MP4"),
    ("audio_only", "M4A", "M4A"),
    ("chat_file", "CHAT", "TXT"),
]


@dataclass
class SeededHistory:
    number: int  # its place in state.histories, encoded in every id
    account_id: str
    user_ids: list[str]
    user_emails: list[str]
    months: int
    per_month: int
    end: date  # the last month of history is end's month; nothing after `end`
    seed: int
    mp4_size: int  # bytes of each MP4 (M4A is a tenth, chat a few KB)

    def month_list(self) -> list[tuple[int, int]]:
        year, month = self.end.year, self.end.month
        result = []
        for _ in range(self.months):
            result.append((year, month))
            year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        return result

    def _start(self, user: int, year: int, month: int, k: int) -> datetime:
        days = calendar.monthrange(year, month)[1]
        day = 1 + (k * days) // self.per_month
        hour = 7 + (k * 3 + user) % 12
        return datetime(year, month, day, hour, (user * 7) % 60, tzinfo=UTC)

    def _key(self, user: int, year: int, month: int, k: int) -> bytes:
        head = bytes([MAGIC, self.number]) + user.to_bytes(2, "big") + year.to_bytes(2, "big")
        head += bytes([month]) + k.to_bytes(2, "big")
        # Six bytes of hash make made-up ids fail; the last byte numbers a recording's files.
        tail = hashlib.sha256(head + self.seed.to_bytes(8, "big")).digest()[:6]
        return head + tail + b"\x00"

    def recordings_for(self, user_id: str, first: date, last: date) -> list[Recording]:
        if user_id not in self.user_ids:
            return []
        user = self.user_ids.index(user_id)
        end_moment = datetime.combine(self.end, datetime.max.time(), UTC)
        found = []
        for year, month in self.month_list():
            if date(year, month, calendar.monthrange(year, month)[1]) < first or date(year, month, 1) > last:
                continue
            for k in range(self.per_month):
                start = self._start(user, year, month, k)
                if first <= start.date() <= last and start <= end_moment:
                    found.append(self._recording(user, year, month, k))
        return found

    def _recording(self, user: int, year: int, month: int, k: int) -> Recording:
        key = self._key(user, year, month, k)
        uuid = base64.b64encode(key).decode()
        start = self._start(user, year, month, k)
        duration = 45 + (k % 4) * 5
        meeting_id = 80_000_000_000 + zlib.crc32(key) % 9_000_000_000
        files = []
        for index, (recording_type, file_type, extension) in enumerate(FILE_KINDS):
            size = {"MP4": self.mp4_size, "M4A": max(1, self.mp4_size // 10)}.get(file_type, 2048 + k)
            file_key = key[:15] + bytes([index])
            files.append(
                RecordingFile(
                    id=_uuid_format(file_key),
                    meeting_uuid=uuid,
                    meeting_id=meeting_id,
                    recording_type=recording_type,
                    file_type=file_type,
                    file_extension=extension,
                    recording_start=start,
                    recording_end=start + timedelta(minutes=duration),
                    file_size=size,
                    seed=int.from_bytes(file_key, "big"),
                )
            )
        return Recording(
            uuid=uuid,
            meeting_id=meeting_id,
            account_id=self.account_id,
            host_id=self.user_ids[user],
            host_email=self.user_emails[user],
            topic=f"Lesson {year}-{month:02d} #{k + 1}",
            type=8,
            start_time=start,
            duration=duration,
            password="",
            files=files,
        )

    def decode(self, key: bytes) -> Recording | None:
        if len(key) != 16 or key[0] != MAGIC or key[1] != self.number or key[15] != 0:
            return None
        user = int.from_bytes(key[2:4], "big")
        year = int.from_bytes(key[4:6], "big")
        month, k = key[6], int.from_bytes(key[7:9], "big")
        if user >= len(self.user_ids) or (year, month) not in self.month_list() or k >= self.per_month:
            return None
        recording = self._recording(user, year, month, k)
        # The tail must match too, or the id was made up.
        return recording if self._key(user, year, month, k) == key else None


def _uuid_format(raw: bytes) -> str:
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def find_recording(histories: list[SeededHistory], uuid: str) -> Recording | None:
    try:
        key = base64.b64decode(uuid, validate=True)
    except ValueError:
        return None
    for history in histories:
        if len(key) == 16 and key[1] == history.number:
            return history.decode(key)
    return None


def find_file(histories: list[SeededHistory], file_id: str) -> RecordingFile | None:
    try:
        raw = bytes.fromhex(file_id.replace("-", ""))
    except ValueError:
        return None
    if len(raw) != 16 or raw[0] != MAGIC:
        return None
    for history in histories:
        if raw[1] == history.number:
            recording = history.decode(raw[:15] + b"\x00")
            if recording is not None:
                return next((f for f in recording.files if f.id == file_id), None)
    return None
