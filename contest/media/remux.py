"""The judges' copy by copying coded packets: fast, lossless, starting at a keyframe.

Only the packets of one video and one audio stream are copied, with new timestamps; nothing
else of the source container (tags, chapters, other streams) is carried over. SEI messages
(type 6: encoder strings, captions, user data) are removed from the H.264 bitstream.
"""

import av
from av.bitstream import BitStreamFilterContext
from av.container import InputContainer, OutputContainer

# SEI NAL units carry free text (encoder settings, closed captions, user data): drop them all.
_H264_FILTER = "filter_units=remove_types=6"


def first_keyframe(source: InputContainer, video: av.VideoStream, at: float) -> int | None:
    """The pts of the first keyframe at or after `at` seconds (stream time), then rewind."""
    found = None
    for packet in source.demux(video):
        if packet.pts is not None and packet.is_keyframe and packet.pts * video.time_base >= at:
            found = packet.pts
            break
    source.seek(0)
    return found


def copy_streams(
    source: InputContainer,
    video: av.VideoStream,
    audio: av.AudioStream | None,
    out: OutputContainer,
    *,
    start_pts: int,
) -> None:
    """Copy from the keyframe at `start_pts` on, shifted so that the copy starts at zero.

    Video packets shown before the start keyframe (leading pictures of an open GOP, which may
    refer to the title card) are dropped too, so no picture from before the cut can leak.
    """
    out_video = out.add_stream_from_template(video)
    out_audio = out.add_stream_from_template(audio) if audio is not None else None
    sei_filter = BitStreamFilterContext(_H264_FILTER, video, out_video)
    start = start_pts * video.time_base
    shifts = {video: start_pts}
    if audio is not None:
        shifts[audio] = round(start / audio.time_base)
    targets = {video: out_video, audio: out_audio}
    streams = [s for s in (video, audio) if s is not None]
    started = False
    for packet in source.demux(streams):
        stream = packet.stream
        if packet.pts is None or packet.dts is None or packet.pts < shifts[stream]:
            continue
        if stream is video and not started:
            if packet.pts != start_pts or not packet.is_keyframe:
                continue
            started = True
        packet.pts -= shifts[stream]
        packet.dts -= shifts[stream]
        packet.stream = targets[stream]
        out.mux(sei_filter.filter(packet) if stream is video else packet)
    out.mux(sei_filter.filter(None))
