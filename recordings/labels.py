"""Plain names for Zoom's file and view codes, for the office's pages.

Zoom labels a recording file with a `file_type` (MP4, M4A, CHAT…) and a `recording_type`
(shared_screen_with_speaker_view…); pages show these names and keep the code in a details toggle.
https://developers.zoom.us/docs/api/cloud-recording/#tag/cloud-recording/GET/meetings/{meetingId}/recordings
"""

from django.utils.translation import gettext_lazy as _

FILE_TYPES = {
    "MP4": _("Video"),
    "M4A": _("Audio"),
    "CHAT": _("Chat"),
    "TRANSCRIPT": _("Transcript"),
    "CC": _("Captions"),
    "TIMELINE": _("Timeline"),
    "CSV": _("Poll results"),
    "SUMMARY": _("Meeting summary"),
    "CHAT_MESSAGE": _("Chat messages"),
}

RECORDING_TYPES = {
    "shared_screen_with_speaker_view": _("Screen and speaker"),
    "shared_screen_with_speaker_view(CC)": _("Screen and speaker, with captions"),
    "shared_screen_with_gallery_view": _("Screen and gallery"),
    "shared_screen": _("Shared screen"),
    "speaker_view": _("Speaker"),
    "gallery_view": _("Gallery"),
    "active_speaker": _("Active speaker"),
    "audio_only": _("Sound only"),
    "audio_interpretation": _("Interpretation"),
    "chat_file": _("Chat"),
    "audio_transcript": _("Transcript"),
    "closed_caption": _("Captions"),
    "timeline": _("Timeline"),
    "poll": _("Poll results"),
    "host_video": _("Host's camera"),
    "summary": _("Meeting summary"),
}

# Files a browser can play in <video> or <audio>.
PLAYABLE = {"MP4": "video", "M4A": "audio"}


def file_type_label(file_type: str) -> str:
    return str(FILE_TYPES.get((file_type or "").upper(), file_type or _("File")))


def recording_type_label(recording_type: str) -> str:
    if not recording_type:
        return ""
    return str(RECORDING_TYPES.get(recording_type, recording_type.replace("_", " ").capitalize()))


def player_kind(file_type: str) -> str:
    """ "video", "audio" or "" (not playable in a browser)."""
    return PLAYABLE.get((file_type or "").upper(), "")
