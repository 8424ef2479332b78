import av
import pytest
from PIL import Image

from contest.media import MediaRejected, VideoRequirements, make_blind_copy, probe_video
from tests.contest.media.conftest import NAMES, STREAM_NAMES
from tests.media_clips import top_level_boxes

ANY = VideoRequirements([], 0.0, 60.0, 0, 0, audio_required=False)
# What the mp4 muxer itself reports for every file: the brand, and "und" for no language.
NEUTRAL_CONTAINER_TAGS = {"major_brand", "minor_version", "compatible_brands"}
NEUTRAL_STREAM_TAGS = {"language": "und"}
SOURCE_WORDS = [*NAMES.values(), *STREAM_NAMES.values(), "王喆", "北京市第一六一中学"]
TRANSCODED = ["hevc.mov", "vp9.webm", "live.webm", "mpeg4.avi", "mp3.avi", "tagged.mkv", "h264.flv"]


def blind_copy(clip, tmp_path, name, cut=1.0):
    src = clip(name)
    result = make_blind_copy(
        src,
        tmp_path / "judges.mp4",
        tmp_path / "poster.jpg",
        probe=probe_video(src, ANY),
        cut_seconds=cut,
    )
    return result, tmp_path / "judges.mp4", tmp_path / "poster.jpg"


def is_red(image: Image.Image) -> bool:
    """The title card's pure red, judged on the average colour of the whole picture."""
    red, green, blue = image.convert("RGB").resize((1, 1)).getpixel((0, 0))
    return red > 150 and green < 100 and blue < 100


def pictures(path):
    with av.open(str(path)) as copy:
        return [frame.to_image() for frame in copy.decode(video=0)]


@pytest.mark.parametrize(
    ("name", "method"), [("tagged.mp4", "remux")] + [(name, "transcode") for name in TRANSCODED]
)
def test_nothing_of_the_source_metadata_survives(clip, tmp_path, name, method):
    result, video, _ = blind_copy(clip, tmp_path, name)

    assert result.method == method
    with av.open(str(video)) as copy:
        assert set(copy.metadata) <= NEUTRAL_CONTAINER_TAGS
        assert [dict(s.metadata) for s in copy.streams] == [NEUTRAL_STREAM_TAGS] * 2
        assert copy.chapters() == []
    data = video.read_bytes()
    leaks = [word for word in SOURCE_WORDS if word.encode() in data]
    assert leaks == []
    assert b"Lavf" not in data
    assert b"Lavc" not in data


@pytest.mark.parametrize("name", ["tagged.mp4", "tagged.mkv"])
def test_only_one_video_and_one_audio_stream_are_kept(clip, tmp_path, name):
    _, video, _ = blind_copy(clip, tmp_path, name)

    with av.open(str(video)) as copy:
        kinds = [(s.type, s.codec_context.name, int(s.disposition)) for s in copy.streams]

    assert [(kind, codec) for kind, codec, _ in kinds] == [("video", "h264"), ("audio", "aac")]
    assert not any(disposition & av.stream.Disposition.attached_pic for *_, disposition in kinds)


def test_remux_starts_at_the_first_keyframe_after_the_cut(clip, tmp_path):
    result, video, _ = blind_copy(clip, tmp_path, "h264.mp4", cut=1.1)

    # Keyframes every 0.48 s: 0.96 is before the cut, so the copy starts at 1.44.
    assert (result.method, result.start) == ("remux", 1.44)
    assert result.duration == pytest.approx(3.0 - 1.44, abs=0.05)
    with av.open(str(video)) as copy:
        assert copy.start_time == 0
        first = next(copy.decode(video=0))
        assert first.pts == 0
        assert first.key_frame


def test_no_picture_of_the_title_card_reaches_the_copy(clip, tmp_path):
    for name in ["h264.mp4", "hevc.mov", "vp9.webm", "mpeg4.avi"]:
        _, video, poster = blind_copy(clip, tmp_path, name, cut=1.0)

        frames = pictures(video)
        assert frames
        assert not any(is_red(frame) for frame in frames), name
        assert not is_red(Image.open(poster)), name


def test_the_source_does_show_the_title_card(clip):
    """The test above would prove nothing if the clips had no red title card."""
    assert is_red(pictures(clip("h264.mp4"))[0])
    assert not is_red(pictures(clip("h264.mp4"))[-1])


@pytest.mark.parametrize("name", ["tagged.mp4", "tagged.mkv"])
def test_the_tagged_sources_do_carry_the_names(clip, name):
    """The metadata tests would prove nothing if the sources carried no names."""
    data = clip(name).read_bytes()

    assert [word for word in SOURCE_WORDS if word.encode() not in data] == []
    with av.open(str(clip(name))) as source:
        assert source.metadata["title"] == NAMES["title"]
        assert len(source.streams) == 4


@pytest.mark.parametrize("name", TRANSCODED)
def test_transcoding_cuts_at_the_first_frame_after_the_cut(clip, tmp_path, name):
    source = probe_video(clip(name), ANY)

    result, video, _ = blind_copy(clip, tmp_path, name, cut=1.0)

    assert result.start == pytest.approx(1.0, abs=0.041)
    assert result.duration == pytest.approx(source.duration - 1.0, abs=0.1)
    with av.open(str(video)) as copy:
        assert [s.codec_context.name for s in copy.streams] == ["h264", "aac"]
        assert copy.streams.video[0].codec_context.pix_fmt == "yuv420p"
        assert copy.streams.audio[0].codec_context.channels == 2


@pytest.mark.parametrize("name", ["h264.mp4", "hevc.mov", "tagged.mkv"])
def test_the_copy_starts_playing_before_it_is_fully_downloaded(clip, tmp_path, name):
    _, video, _ = blind_copy(clip, tmp_path, name)

    boxes = top_level_boxes(video)
    assert boxes.index("moov") < boxes.index("mdat")


def test_a_silent_video_stays_silent(clip, tmp_path):
    result, video, _ = blind_copy(clip, tmp_path, "silent.mp4")

    assert result.method == "remux"
    with av.open(str(video)) as copy:
        assert [s.type for s in copy.streams] == ["video"]


@pytest.mark.parametrize(("name", "size"), [("tall.mp4", (1440, 1080)), ("wide.mp4", (1920, 1080))])
def test_large_pictures_are_scaled_to_1080_lines(clip, tmp_path, name, size):
    result, video, poster = blind_copy(clip, tmp_path, name, cut=0.0)

    assert (result.method, (result.width, result.height)) == ("transcode", size)
    with av.open(str(video)) as copy:
        stream = copy.streams.video[0]
        assert (stream.codec_context.width, stream.codec_context.height) == size
    assert Image.open(poster).size == size


def test_a_keyframe_far_after_the_cut_means_transcoding(clip, tmp_path):
    result, _, _ = blind_copy(clip, tmp_path, "long_gop.mp4", cut=0.5)

    assert (result.method, result.start) == ("transcode", 0.52)


@pytest.mark.parametrize("name", ["rotated.mp4", "rotated.mov"])
def test_rotation_is_kept_and_the_poster_is_upright(clip, tmp_path, name):
    _, video, poster = blind_copy(clip, tmp_path, name, cut=0.5)

    with av.open(str(video)) as copy:
        assert next(copy.decode(video=0)).rotation == 90
    assert Image.open(poster).size == (240, 320)


def test_the_poster_is_a_plain_jpeg(clip, tmp_path):
    _, _, poster = blind_copy(clip, tmp_path, "tagged.mp4")

    image = Image.open(poster)
    assert image.format == "JPEG"
    assert not image.getexif()
    assert set(image.info) <= {"jfif", "jfif_version", "jfif_unit", "jfif_density"}


def test_making_the_copy_again_overwrites_it_and_leaves_no_temporary_files(clip, tmp_path):
    first, video, _ = blind_copy(clip, tmp_path, "h264.mp4")
    first_bytes = video.read_bytes()

    again, _, _ = blind_copy(clip, tmp_path, "h264.mp4")

    assert again == first
    assert video.read_bytes() == first_bytes
    assert sorted(p.name for p in tmp_path.iterdir()) == ["judges.mp4", "poster.jpg"]


def test_a_failed_copy_leaves_the_previous_one_untouched(clip, tmp_path):
    _, video, poster = blind_copy(clip, tmp_path, "hevc.mov")
    before = video.read_bytes(), poster.read_bytes()

    with pytest.raises(MediaRejected) as refused:
        blind_copy(clip, tmp_path, "hevc.mov", cut=10.0)

    assert refused.value.code == "too_short"
    assert (video.read_bytes(), poster.read_bytes()) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["judges.mp4", "poster.jpg"]


def test_a_failed_first_copy_leaves_nothing(clip, tmp_path):
    with pytest.raises(MediaRejected):
        blind_copy(clip, tmp_path, "h264.mp4", cut=10.0)

    assert list(tmp_path.iterdir()) == []
