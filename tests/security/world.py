"""One of everything ZoomHub stores, so that every URL of the project resolves to a real object.

Every secret gets a unique, recognisable value (`SECRETS`): the leak scan searches every output
for those strings, and for all but their last four characters.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from accounts.models import Credential, User, ZoomOAuthApp, ZoomUser
from api.models import ApiToken
from api.services import api_token_create
from attendance.models import Attendance, ManualMatch, Segment, Session
from meetings.models import Meeting, Person
from recordings.models import Destination, Recording, RecordingFile, Source, SyncRun, ZoomCloudDeletion
from webhooks.models import WebhookEvent

S2S_CLIENT_SECRET = "s2sSECRETzq81Lm0PvX4"
S2S_WEBHOOK_SECRET = "whSECRETs2s7Yt3Ko9Qa"
OAUTH_ACCESS_TOKEN = "oaACCESSx5Rk2Nw8Jd6Ub"
OAUTH_REFRESH_TOKEN = "oaREFRESHe3Hp7Gs1Fv9Zc"
OAUTH_WEBHOOK_SECRET = "whSECRETuser2Bq6Tn4Lx"
START_URL_ZAK = "zakSTARTp8Dk3Mv5Wq1Er"
START_URL = f"https://us02web.zoom.us/s/92674392836?zak={START_URL_ZAK}"
DOWNLOAD_TOKEN = "dlTOKENr4Cj9Vb2Yn6Hs0"
APP_CLIENT_SECRET = "appSECRETo7Fz1Kw3Pm5Ga"
APP_WEBHOOK_SECRET = "appWEBHOOKi9Sx2Ld4Qr8Ne"
BUCKET_ACCESS_KEY = "AKIAbucketKEYq2Wd7Rf"
BUCKET_SECRET_KEY = "bucketSECRETm4Tn8Vb1Xc"
ADMIN_APP_CLIENT_SECRET = "admSECRETq3Wn8Ld2Kx7Vb"

# Values stored by ZoomHub or held in its settings that nobody may read back.
STORED_SECRETS = [
    S2S_CLIENT_SECRET,
    S2S_WEBHOOK_SECRET,
    OAUTH_ACCESS_TOKEN,
    OAUTH_REFRESH_TOKEN,
    OAUTH_WEBHOOK_SECRET,
    START_URL_ZAK,
    DOWNLOAD_TOKEN,
    APP_CLIENT_SECRET,
    APP_WEBHOOK_SECRET,
    BUCKET_ACCESS_KEY,
    BUCKET_SECRET_KEY,
    ADMIN_APP_CLIENT_SECRET,
]

MEETING_ID = 92674392836
MEETING_UUID = "4444AAAiAAAAAiAiAiiAii=="


def secret_settings(settings):
    """The OAuth app's own secrets, set in the settings the way an operator would."""
    settings.OAUTH_ZOOM_CLIENT_ID = "appCLIENTid42"
    settings.OAUTH_ZOOM_CLIENT_SECRET = APP_CLIENT_SECRET
    settings.OAUTH_ZOOM_REDIRECT_URI = "http://testserver/zoom-accounts/oauth/callback/"
    settings.OAUTH_ZOOM_WEBHOOK_SECRET_TOKEN = APP_WEBHOOK_SECRET


def leaks(text: str, secrets: list[str]) -> list[str]:
    """The secrets found in `text`, whole or all but their last four characters."""
    return [secret for secret in secrets if secret in text or secret[:-4] in text]


@dataclass
class World:
    staff: User
    superuser: User
    outsider: User
    s2s: Credential
    oauth: Credential
    host: ZoomUser
    teacher: Person
    student: Person
    lesson: Meeting
    event: WebhookEvent
    source: Source
    run: SyncRun
    recording: Recording
    file: RecordingFile
    session: Session
    segment: Segment
    match: ManualMatch
    read_token: ApiToken
    write_token: ApiToken
    raw_read_token: str
    raw_write_token: str
    extra: dict = field(default_factory=dict)

    @property
    def secrets(self) -> list[str]:
        return [*STORED_SECRETS, self.raw_read_token, self.raw_write_token]


def build_world(*, staff: User, superuser: User, outsider: User) -> World:
    now = timezone.now()
    ZoomOAuthApp.objects.create(client_id="admCLIENTid42", client_secret=ADMIN_APP_CLIENT_SECRET)
    s2s = Credential.objects.create(
        kind=Credential.Kind.SERVER_TO_SERVER,
        name="School S2S app",
        account_id="accWORLD001",
        client_id="cliWORLD001",
        client_secret=S2S_CLIENT_SECRET,
        webhook_secret_token=S2S_WEBHOOK_SECRET,
        is_master_account=True,
    )
    oauth = Credential.objects.create(
        kind=Credential.Kind.OAUTH,
        name="teacher@school.example",
        account_id="accWORLD002",
        access_token=OAUTH_ACCESS_TOKEN,
        refresh_token=OAUTH_REFRESH_TOKEN,
        token_expires_at=now + dt.timedelta(hours=1),
        webhook_secret_token=OAUTH_WEBHOOK_SECRET,
        zoom_user_id="zoomUSER01",
        scope="meeting:read:meeting meeting:write:meeting",
    )
    host = ZoomUser.objects.create(
        credential=s2s, zoom_id="zoomUSER01", email="host@school.example", first_name="Jill", last_name="Host"
    )
    teacher = Person.objects.create(name="Mari Tamm", email="mari@school.example", role=Person.Role.TEACHER)
    student = Person.objects.create(name="Jaan Kask", email="jaan@example.com", role=Person.Role.STUDENT)
    start = now.replace(microsecond=0) + dt.timedelta(days=2)
    lesson = Meeting.objects.create(
        topic="Trial lesson",
        description="First lesson",
        start_at=start,
        duration=60,
        host=host,
        teacher=teacher,
        zoom_meeting_id=MEETING_ID,
        zoom_uuid=MEETING_UUID,
        join_url=f"https://us02web.zoom.us/j/{MEETING_ID}?pwd=abc",
        start_url=START_URL,
        push_state=Meeting.PushState.SYNCED,
        created_by=staff,
    )
    lesson.students.add(student)
    body = {
        "event": "meeting.participant_joined",
        "event_ts": 1700000000000,
        "payload": {
            "account_id": s2s.account_id,
            "object": {
                "id": str(MEETING_ID),
                "uuid": MEETING_UUID,
                "participant": {"user_name": "Jaan Kask", "email": "jaan@example.com"},
            },
        },
    }
    event = WebhookEvent.objects.create(
        credential=s2s,
        event_type=body["event"],
        event_ts=body["event_ts"],
        fingerprint="world-event-1",
        raw_body="{}",
        body=body,
        zoom_meeting_id=str(MEETING_ID),
        zoom_meeting_uuid=MEETING_UUID,
        participant_name="Jaan Kask",
    )
    # A bucket nobody listens at (the discard port): its Test button fails at once, never leaks a key.
    destination = Destination.objects.create(
        name="Archive bucket",
        kind=Destination.Kind.S3,
        endpoint_url="http://127.0.0.1:9",
        region="eu-central-1",
        bucket="school-archive",
        access_key_id=BUCKET_ACCESS_KEY,
        secret_access_key=BUCKET_SECRET_KEY,
    )
    source = Source.objects.create(name="School recordings", credential=s2s, is_master_account=True)
    run = SyncRun.objects.create(
        source=source, from_date=start.date(), to_date=start.date(), requested_by=staff
    )
    recording = Recording.objects.create(
        uuid=MEETING_UUID,
        zoom_meeting_id=MEETING_ID,
        source=source,
        meeting=lesson,
        topic="Trial lesson recording",
        start_time=start,
        duration=60,
        download_token=DOWNLOAD_TOKEN,
        download_token_expires_at=now + dt.timedelta(hours=24),
    )
    file = RecordingFile.objects.create(
        recording=recording,
        zoom_file_id="fileWORLD01",
        file_type="MP4",
        file_extension="MP4",
        file_size=1024,
        download_url="https://zoom.us/rec/download/fileWORLD01",
        # A local copy, so that showing the file never reaches for Zoom.
        download_state=RecordingFile.Download.DONE,
        storage_name=default_storage.save("recordings/world.mp4", ContentFile(b"\0" * 1024)),
    )
    ZoomCloudDeletion.objects.create(
        recording=recording,
        meeting_uuid=MEETING_UUID,
        source=source,
        policy="Source “School recordings”: free Zoom's cloud = dry_run",
        outcome=ZoomCloudDeletion.Outcome.WOULD_TRASH,
        trigger="daily job",
    )
    session = Session.objects.create(
        meeting=lesson,
        zoom_uuid=MEETING_UUID,
        scheduled_start=start,
        scheduled_end=start + dt.timedelta(minutes=60),
        teacher=teacher,
        computed_status="completed",
        data_state="ready",
    )
    segment = Segment.objects.create(
        session=session,
        source="report",
        join_at=start,
        leave_at=start + dt.timedelta(minutes=50),
        identity="name:jaan kask",
        participant_key="name:jaan kask",
        name="Jaan Kask",
    )
    Attendance.objects.create(session=session, person=student, role="student", minutes=50, present=True)
    match = ManualMatch.objects.create(
        session=session, participant_key="name:jaan kask", person=student, matched_by=staff
    )
    read_token, raw_read = api_token_create(user=staff, name="reader", scope=ApiToken.Scope.READ)
    write_token, raw_write = api_token_create(user=staff, name="writer", scope=ApiToken.Scope.READ_WRITE)
    _build_admin_only_rows(superuser)
    notification_rows = _build_notification_rows(lesson=lesson, student=student)
    return World(
        staff=staff,
        superuser=superuser,
        outsider=outsider,
        s2s=s2s,
        oauth=oauth,
        host=host,
        teacher=teacher,
        student=student,
        lesson=lesson,
        event=event,
        source=source,
        run=run,
        recording=recording,
        file=file,
        session=session,
        segment=segment,
        match=match,
        read_token=read_token,
        write_token=write_token,
        raw_read_token=raw_read,
        raw_write_token=raw_write,
        extra={"destination": destination, **notification_rows},
    )


def _build_admin_only_rows(superuser: User) -> None:
    """Rows of the admin's other models (groups, e-mail addresses, authenticators, schedules)."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from django_celery_beat.models import (
        ClockedSchedule,
        CrontabSchedule,
        IntervalSchedule,
        PeriodicTask,
        SolarSchedule,
    )

    Group.objects.create(name="Teachers")
    EmailAddress.objects.create(user=superuser, email=superuser.email, verified=True, primary=True)
    Authenticator.objects.create(
        user=superuser, type=Authenticator.Type.RECOVERY_CODES, data={"seed": "", "used_mask": 0}
    )
    interval = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.HOURS)
    CrontabSchedule.objects.create(minute="0", hour="3")
    SolarSchedule.objects.create(event="sunrise", latitude=59.43, longitude=24.75)
    ClockedSchedule.objects.create(clocked_time=timezone.now() + dt.timedelta(days=1))
    PeriodicTask.objects.create(name="World job", task="recordings.sync_active_sources", interval=interval)


def _build_notification_rows(*, lesson: Meeting, student: Person) -> dict:
    """A mail in the outbox, the school's settings, a lesson's reminders, a calendar feed, an event."""
    from notifications.feeds import feed_rotate
    from notifications.messages import unsubscribe_token
    from notifications.models import (
        EventAttempt,
        EventDelivery,
        EventEndpoint,
        LessonCalendar,
        LessonReminders,
        OutgoingMessage,
        SchoolNotificationSettings,
    )

    mail = OutgoingMessage.objects.create(
        key="world-mail",
        kind="invitation",
        meeting=lesson,
        person=student,
        to=student.email or "s@example.com",
    )
    SchoolNotificationSettings.objects.create()
    LessonReminders.objects.create(meeting=lesson, reminder_minutes="30")
    LessonCalendar.objects.create(meeting=lesson, uid="lesson-world@school.example")
    endpoint = EventEndpoint.objects.create(name="Bot", url="https://bot.example/hook", secret="world-secret")
    delivery = EventDelivery.objects.create(endpoint=endpoint, event_type="lesson.scheduled", payload={})
    EventAttempt.objects.create(delivery=delivery, status=503)
    feed = feed_rotate(person=student)
    return {"mail": mail, "feed_token": feed.feed_token, "unsubscribe_token": unsubscribe_token(student)}
