"""Match Zoom participants to the people a lesson expects: teacher and students.

Segments are grouped into participants (one per distinct identity Zoom shows), then each
participant is matched, strongest evidence first:
  1. host — the lesson host's Zoom user id or email → the teacher,
  2. zoom_user_id — a Zoom account id known for a person,
  3. email — any of a person's emails (case-insensitive),
  4. registrant — a registrant id known for a person,
  5. alias_email / alias_name — emails and names learned when staff matched this person by hand,
  6. name — the display name's skeleton (attendance.names) equals the person's.
A name is never guessed between people (Moodle's plugin swapped students with equal or similar
names, moodle-mod_zoom#168, #496): a participant whose evidence fits two or more people is
"ambiguous" and listed with its candidates for staff to decide. So are two or more participants
that claim the same person by name alone, unless stronger evidence (levels 1-5, a learned alias
included) already places that person in the lesson: then the name-only one is the same person on
a second device. Everyone else is a guest.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from attendance.names import name_skeleton
from attendance.segments import Segment

PersonId = int | str
Role = Literal["teacher", "student"]
MatchMethod = Literal["host", "zoom_user_id", "email", "registrant", "alias_email", "alias_name", "name"]

SEVERAL_PEOPLE = "several_people"  # the participant fits two or more expected people
SEVERAL_PARTICIPANTS = "several_participants"  # two or more participants claim one person by name


@dataclass(frozen=True, slots=True)
class ExpectedPerson:
    """Someone the lesson expects. `aliases` are names or emails learned from earlier decisions."""

    id: PersonId
    role: Role
    name: str
    email: str = ""
    other_emails: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    zoom_user_ids: tuple[str, ...] = ()
    registrant_ids: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.role not in ("teacher", "student"):
            raise ValueError(f"Person {self.id!r}: role must be 'teacher' or 'student', not {self.role!r}.")


@dataclass(frozen=True, slots=True)
class Participant:
    """One distinct identity Zoom showed, with all its segments."""

    key: str
    segments: tuple[Segment, ...]
    names: tuple[str, ...]
    emails: tuple[str, ...]
    zoom_user_ids: tuple[str, ...]
    registrant_ids: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.names[0] if self.names else ""

    @property
    def email(self) -> str:
        return self.emails[0] if self.emails else ""

    @property
    def learnable_alias(self) -> str:
        """What to remember on the person when staff match this participant by hand."""
        return self.email or self.name


@dataclass(frozen=True, slots=True)
class Match:
    participant: Participant
    person_id: PersonId
    method: MatchMethod


@dataclass(frozen=True, slots=True)
class Ambiguous:
    participant: Participant
    candidate_ids: tuple[PersonId, ...]
    reason: str  # SEVERAL_PEOPLE or SEVERAL_PARTICIPANTS


@dataclass(frozen=True, slots=True)
class MatchResult:
    matches: tuple[Match, ...]
    ambiguous: tuple[Ambiguous, ...]
    guests: tuple[Participant, ...]
    # The host's own participants when the lesson expects no teacher to match them to.
    host: tuple[Participant, ...] = ()

    def matches_by_person(self) -> dict[PersonId, list[Match]]:
        grouped: dict[PersonId, list[Match]] = defaultdict(list)
        for match in self.matches:
            grouped[match.person_id].append(match)
        return dict(grouped)


def _email(value: str) -> str:
    return value.strip().lower()


def _is_email(value: str) -> bool:
    return "@" in value


def _identity_key(segment: Segment) -> str:
    # A Zoom account is one person. An email is not always (families share one), so it is keyed
    # with the name: a sibling under the same email stays a separate participant.
    if segment.zoom_user_ids:
        return f"zoom:{segment.zoom_user_ids[0]}"
    skeleton = name_skeleton(segment.name)
    if segment.email_key:
        return f"email:{segment.email_key}|{skeleton}"
    if segment.registrant_id:
        return f"registrant:{segment.registrant_id}"
    if skeleton:
        return f"name:{skeleton}"
    # No usable name (a phone number, "iPhone"): each Zoom participant stays apart.
    return f"anonymous:{segment.user_id or segment.participant_uuid or segment.join.isoformat()}"


def group_participants(segments: Iterable[Segment]) -> list[Participant]:
    """Segments grouped per distinct participant identity, in order of first join."""
    grouped: dict[str, list[Segment]] = defaultdict(list)
    for segment in segments:
        grouped[_identity_key(segment)].append(segment)
    participants = []
    for key, group in grouped.items():
        group.sort(key=lambda s: s.join)
        participants.append(
            Participant(
                key=key,
                segments=tuple(group),
                names=tuple(dict.fromkeys(s.name for s in group if s.name)),
                emails=tuple(dict.fromkeys(s.email_key for s in group if s.email_key)),
                zoom_user_ids=tuple(dict.fromkeys(i for s in group for i in s.zoom_user_ids)),
                registrant_ids=tuple(dict.fromkeys(s.registrant_id for s in group if s.registrant_id)),
            )
        )
    participants.sort(key=lambda p: (p.segments[0].join, p.key))
    return participants


class _Index:
    """Lookups from each kind of evidence to the people it points at."""

    def __init__(self, people: Sequence[ExpectedPerson]) -> None:
        self.by: dict[str, dict[str, set[PersonId]]] = {
            method: defaultdict(set)
            for method in ("zoom_user_id", "email", "registrant", "alias_email", "alias_name", "name")
        }
        for person in people:
            for zoom_id in person.zoom_user_ids:
                self.by["zoom_user_id"][zoom_id.strip()].add(person.id)
            for email in (person.email, *person.other_emails):
                if email.strip():
                    self.by["email"][_email(email)].add(person.id)
            for registrant_id in person.registrant_ids:
                self.by["registrant"][registrant_id.strip()].add(person.id)
            for alias in person.aliases:
                if _is_email(alias):
                    self.by["alias_email"][_email(alias)].add(person.id)
                elif skeleton := name_skeleton(alias):
                    self.by["alias_name"][skeleton].add(person.id)
            if skeleton := name_skeleton(person.name):
                self.by["name"][skeleton].add(person.id)

    def candidates(self, method: str, participant: Participant) -> set[PersonId]:
        index = self.by[method]
        if method == "zoom_user_id":
            values: Iterable[str] = participant.zoom_user_ids
        elif method in ("email", "alias_email"):
            values = participant.emails
        elif method == "registrant":
            values = participant.registrant_ids
        else:
            values = (name_skeleton(n) for n in participant.names)
        found: set[PersonId] = set()
        for value in values:
            if value and value in index:
                found |= index[value]
        return found


_LEVELS: tuple[MatchMethod, ...] = (
    "zoom_user_id",
    "email",
    "registrant",
    "alias_email",
    "alias_name",
    "name",
)


def _decide(
    participant: Participant,
    index: _Index,
    levels: Sequence[MatchMethod],
    within: set[PersonId] | None = None,
) -> tuple[MatchMethod | None, set[PersonId]]:
    """The first level with evidence; several people at it are narrowed by the weaker levels."""
    for position, method in enumerate(levels):
        found = index.candidates(method, participant)
        if within is not None:
            found &= within
        if len(found) == 1:
            return method, found
        if found:
            for weaker in levels[position + 1 :]:
                narrowed = found & index.candidates(weaker, participant)
                if len(narrowed) == 1:  # two consistent signals, e.g. a shared email and the name
                    return method, narrowed
            return None, found
    return None, set()


def match_participants(
    segments: Iterable[Segment],
    people: Sequence[ExpectedPerson],
    *,
    host_zoom_user_id: str = "",
    host_email: str = "",
) -> MatchResult:
    """Match every participant of a session to the expected people (see the module docstring)."""
    ids = [p.id for p in people]
    if len(set(ids)) != len(ids):
        raise ValueError("Expected people must have distinct ids.")
    index = _Index(people)
    teachers = {p.id for p in people if p.role == "teacher"}
    host_email = _email(host_email)
    host_zoom_user_id = host_zoom_user_id.strip()

    decided: list[tuple[Participant, MatchMethod, PersonId]] = []
    ambiguous: list[Ambiguous] = []
    guests: list[Participant] = []
    host: list[Participant] = []
    for participant in group_participants(segments):
        is_host = (host_zoom_user_id and host_zoom_user_id in participant.zoom_user_ids) or (
            host_email and host_email in participant.emails
        )
        if is_host:
            if len(teachers) == 1:
                decided.append((participant, "host", next(iter(teachers))))
                continue
            if not teachers:
                host.append(participant)
                continue
            method, found = _decide(participant, index, _LEVELS, within=teachers)
            if method is None:
                ambiguous.append(Ambiguous(participant, _sorted(found or teachers), SEVERAL_PEOPLE))
            else:
                decided.append((participant, "host", next(iter(found))))
            continue
        method, found = _decide(participant, index, _LEVELS)
        if method is not None:
            decided.append((participant, method, next(iter(found))))
        elif found:
            ambiguous.append(Ambiguous(participant, _sorted(found), SEVERAL_PEOPLE))
        else:
            guests.append(participant)

    # A learned alias is a staff decision, so only a plain name match can be contested.
    strongly_present = {person for _, method, person in decided if method != "name"}
    name_claims: dict[PersonId, int] = defaultdict(int)
    for _, method, person in decided:
        if method == "name":
            name_claims[person] += 1
    matches = []
    for participant, method, person in decided:
        contested = name_claims[person] > 1 and person not in strongly_present
        if method == "name" and contested:
            ambiguous.append(Ambiguous(participant, (person,), SEVERAL_PARTICIPANTS))
        else:
            matches.append(Match(participant, person, method))
    return MatchResult(
        matches=tuple(matches), ambiguous=tuple(ambiguous), guests=tuple(guests), host=tuple(host)
    )


def _sorted(ids: Iterable[PersonId]) -> tuple[PersonId, ...]:
    return tuple(sorted(ids, key=lambda i: (str(type(i)), i)))
