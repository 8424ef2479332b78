"""Media processing for uploads: checking videos, the judges' blind copies, clean documents.

No Django models here: a background task loads a row, calls these functions and stores results.
Every refusal is a MediaRejected with a stable `code`.
"""

from contest.media.attachments import sanitise_document
from contest.media.errors import MediaRejected
from contest.media.sniff import VideoContainer, sniff_document, sniff_video
from contest.media.video import (
    BlindCopy,
    VideoProbe,
    VideoRequirements,
    make_blind_copy,
    probe_video,
)

__all__ = [
    "BlindCopy",
    "MediaRejected",
    "VideoContainer",
    "VideoProbe",
    "VideoRequirements",
    "make_blind_copy",
    "probe_video",
    "sanitise_document",
    "sniff_document",
    "sniff_video",
]
