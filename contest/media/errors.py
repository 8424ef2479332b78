"""The one error the media code raises for a file it refuses, with a stable code for storage.

A refusal is stored as `code` plus `params` (JSON-safe: strings and numbers) and rendered later in
the entrant's language: `str(MediaRejected(code, **params))` gives the same sentence again.
"""

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "empty": _("The file is empty (0 bytes). Please upload it again."),
    "not_video": _(
        "The file is not a video. Please upload the video itself, preferably as an MP4 file."
    ),
    "not_video_looks_like": _(
        "The file is not a video: it looks like %(looks_like)s. Please upload the video itself, "
        "preferably as an MP4 file."
    ),
    "unsupported_format": _(
        "This video format (%(format)s) is not supported. Please convert the video to MP4 "
        "(H.264 video with AAC sound) and upload it again."
    ),
    "format_not_allowed": _(
        "This contest accepts only these video formats: %(allowed)s. The file is %(format)s. "
        "Please convert it to one of the accepted formats."
    ),
    "damaged": _(
        "The video file is damaged or incomplete and cannot be played to the end. Please export "
        "it again from your editing software and upload the new file."
    ),
    "no_video_stream": _(
        "The file contains no moving picture, only sound or other data. Please upload the video "
        "itself."
    ),
    "no_audio_stream": _(
        "The video has no sound track. This contest requires sound: please export the video "
        "with its audio and upload it again."
    ),
    "too_few_frames": _(
        "The video has only %(frames)d picture(s): it is a still image rather than a video. "
        "Please upload the complete video."
    ),
    "too_short": _(
        "The video lasts %(duration_text)s; this contest requires at least %(min_duration_text)s. "
        "Please check that you uploaded the complete video."
    ),
    "too_long": _(
        "The video lasts %(duration_text)s; this contest allows at most %(max_duration_text)s. "
        "Please shorten it and upload it again."
    ),
    "too_small": _(
        "The video is %(width)d×%(height)d pixels; this contest requires at least "
        "%(min_width)d×%(min_height)d. Please export it at a higher resolution."
    ),
    "too_large": _(
        "The video is %(width)d×%(height)d pixels, more than the largest size we can process "
        "(%(max_width)d×%(max_height)d). Please export it at a lower resolution, such as 1080p."
    ),
    "not_document": _(
        "The file is not a Word, PowerPoint or PDF document. Please upload a .docx, .pptx or "
        ".pdf file."
    ),
    "not_document_looks_like": _(
        "The file is not a Word, PowerPoint or PDF document: it looks like %(looks_like)s. "
        "Please upload a .docx, .pptx or .pdf file."
    ),
    "document_type_not_allowed": _(
        "This document must be one of: %(allowed)s. The file is %(kind)s. Please save it in an "
        "accepted format and upload it again."
    ),
    "legacy_office_document": _(
        "The file is an old-format Office document (.doc, .ppt, .xls) or a password-protected "
        "one. Please save it as an unprotected .docx or .pptx (or as PDF) and upload it again."
    ),
    "macro_document": _(
        "The document contains macros (a macro-enabled .docm or .pptm file). Please save it as a "
        "normal .docx or .pptx, or as PDF, and upload it again."
    ),
    "document_too_complex": _(
        "The document is too large or has too many parts once unpacked. Please save it again "
        "with pictures at a reasonable size, or as PDF, and upload it again."
    ),
    "damaged_document": _(
        "The document is damaged and cannot be opened. Please save it again and upload the new "
        "file."
    ),
    "encrypted_pdf": _(
        "The PDF is protected by a password or encryption. Please save a copy without protection "
        "and upload it again."
    ),
}

# What a refused file seems to be, for the `looks_like` parameter.
LOOKS_LIKE = {
    "text": _("a text file"),
    "html": _("a web page (HTML)"),
    "playlist": _("a playlist (M3U8) that only points to other files"),
    "ffconcat": _("an FFmpeg concat script that only points to other files"),
    "jpeg": _("a JPEG picture"),
    "png": _("a PNG picture"),
    "gif": _("a GIF picture"),
    "pdf": _("a PDF document"),
    "office": _("a Word, PowerPoint or Excel document"),
    "zip": _("a compressed archive (ZIP)"),
    "rar": _("a compressed archive (RAR)"),
    "7z": _("a compressed archive (7z)"),
    "audio": _("a sound recording without picture"),
    "video": _("a video"),
    "image": _("a picture"),
}

# Codes whose sentence changes when a `looks_like` hint is known.
_WITH_HINT = {"not_video": "not_video_looks_like", "not_document": "not_document_looks_like"}


class MediaRejected(Exception):
    """An uploaded file the contest cannot accept. `code` is stable; `message` is lazy."""

    def __init__(self, code: str, **params: str | int | float):
        key = _WITH_HINT[code] if code in _WITH_HINT and params.get("looks_like") else code
        self.code = code
        self.params = params
        self.message = MESSAGES[key]
        super().__init__(code)

    def __reduce__(self):
        # Rebuilt from code and params, so that it survives pickling (task queues do that).
        return _rebuild, (self.code, self.params)

    def __str__(self) -> str:
        """The sentence in the active language, with its parameters filled in."""
        shown = dict(self.params)
        if "looks_like" in shown:
            shown["looks_like"] = str(LOOKS_LIKE.get(str(shown["looks_like"]), shown["looks_like"]))
        return str(self.message) % shown if shown else str(self.message)


def _rebuild(code: str, params: dict) -> MediaRejected:
    return MediaRejected(code, **params)


def duration_text(seconds: float) -> str:
    """`m:ss` (or `h:mm:ss`), the way video players show a length."""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
