import pickle

import pytest
from django.utils import translation

from contest.media.errors import LOOKS_LIKE, MESSAGES, MediaRejected, duration_text

EXAMPLES = {
    "not_video": {"looks_like": "text"},
    "unsupported_format": {"format": "MPEG-TS"},
    "format_not_allowed": {"allowed": "MP4, MOV", "format": "WEBM"},
    "too_few_frames": {"frames": 1},
    "too_short": {"duration_text": "4:59", "min_duration_text": "5:00"},
    "too_long": {"duration_text": "20:01", "max_duration_text": "20:00"},
    "too_small": {"width": 640, "height": 360, "min_width": 1280, "min_height": 720},
    "too_large": {"width": 8192, "height": 8192, "max_width": 7680, "max_height": 4320},
    "not_document": {"looks_like": "jpeg"},
    "document_type_not_allowed": {"allowed": "DOCX, PDF", "kind": "PPTX"},
}
CODES = [code for code in MESSAGES if not code.endswith("_looks_like")]


@pytest.mark.parametrize("code", CODES)
def test_every_refusal_reads_as_a_full_sentence(code):
    with translation.override("en"):
        text = str(MediaRejected(code, **EXAMPLES.get(code, {})))

    assert "%(" not in text
    assert text.endswith(".")
    assert "please" in text.lower()


def test_a_stored_code_and_params_give_the_same_sentence_again():
    first = MediaRejected("too_small", width=640, height=360, min_width=1280, min_height=720)

    again = MediaRejected(first.code, **first.params)

    with translation.override("en"):
        assert str(again) == str(first)
        assert str(again).startswith("The video is 640×360 pixels; this contest requires at least")


def test_a_refusal_survives_pickling_whole():
    refused = MediaRejected("too_long", duration=1300.5, duration_text="21:41")

    again = pickle.loads(pickle.dumps(refused))  # noqa: S301 -- our own bytes

    assert (again.code, again.params) == ("too_long", refused.params)
    assert again.message == refused.message


def test_the_hint_of_what_a_file_looks_like_is_a_translated_phrase():
    refused = MediaRejected("not_video", looks_like="playlist")

    with translation.override("en"):
        assert str(refused).startswith(
            f"The file is not a video: it looks like {LOOKS_LIKE['playlist']}."
        )
    assert refused.params == {"looks_like": "playlist"}


def test_without_a_hint_the_sentence_has_none():
    with translation.override("en"):
        assert str(MediaRejected("not_video")).startswith("The file is not a video. Please")


@pytest.mark.parametrize(
    ("seconds", "text"), [(0, "0:00"), (59.4, "0:59"), (300, "5:00"), (3725, "1:02:05")]
)
def test_lengths_read_like_a_player_shows_them(seconds, text):
    assert duration_text(seconds) == text
