"""What an uploaded file is, decided from its first bytes only, never from its name.

FFmpeg must never guess a format itself: a playlist (HLS) or a concat script renamed `.mp4` makes
it open other local files. So every video is opened with the demuxer chosen here, from a short
allow-list, and anything else is refused before FFmpeg sees it.
"""

import zipfile
from collections.abc import Collection
from dataclasses import dataclass
from os import PathLike

from contest.media.errors import MediaRejected

HEAD_SIZE = 4096
MAX_ZIP_ENTRIES = 5000
MAX_ZIP_UNCOMPRESSED = 500 * 1024 * 1024
DOCUMENT_KINDS = ("docx", "pptx", "pdf")

_ASF_GUID = bytes.fromhex("3026b2758e66cf11a6d900aa0062ce6c")
_OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
_EBML_MAGIC = bytes.fromhex("1a45dfa3")
_EBML_DOCTYPE_ID = 0x4282
# Old QuickTime files may start with one of these atoms instead of `ftyp`.
_QUICKTIME_ATOMS = {b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}
# ISO base media files that hold still pictures, not video.
_IMAGE_BRANDS = {b"heic", b"heix", b"mif1", b"msf1", b"avif", b"avis"}


@dataclass(frozen=True)
class VideoContainer:
    """A recognised video container: `format` for people, `demuxer` to force in FFmpeg."""

    format: str
    demuxer: str


def sniff_video(path: str | PathLike) -> VideoContainer:
    """The container of a video file, or MediaRejected (empty, unsupported_format, not_video)."""
    return sniff_video_head(read_head(path))


def sniff_video_head(head: bytes) -> VideoContainer:
    """`sniff_video` on a file's first HEAD_SIZE bytes, already read (from a bucket, say)."""
    if not head:
        raise MediaRejected("empty")
    container = _video_container(head)
    if container is not None:
        return container
    if other := _other_video_format(head):
        raise MediaRejected("unsupported_format", format=other)
    raise MediaRejected("not_video", **_hint(head))


def sniff_document(path: str | PathLike, *, allowed: Collection[str] = DOCUMENT_KINDS) -> str:
    """ "docx", "pptx" or "pdf" from the content; refuses macros, zip bombs and other files."""
    kind = check_document_head(read_head(path))
    if kind == "zip":
        kind = _ooxml_kind(path)
    if kind not in allowed:
        names = ", ".join(k.upper() for k in allowed)
        raise MediaRejected("document_type_not_allowed", allowed=names, kind=kind.upper())
    return kind


def check_document_head(head: bytes) -> str:
    """ "pdf" or "zip" (a docx or pptx, told apart by its parts) from the first bytes alone;
    MediaRejected for everything else."""
    if not head:
        raise MediaRejected("empty")
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if head.startswith(_OLE_MAGIC):
        raise MediaRejected("legacy_office_document")
    raise MediaRejected("not_document", **_hint(head))


def check_zip_limits(archive: zipfile.ZipFile) -> None:
    """Refuse archives that would unpack into too many parts or too many bytes."""
    infos = archive.infolist()
    if len(infos) > MAX_ZIP_ENTRIES:
        raise MediaRejected("document_too_complex", entries=len(infos))
    total = sum(info.file_size for info in infos)
    if total > MAX_ZIP_UNCOMPRESSED:
        raise MediaRejected("document_too_complex", uncompressed=total)
    names = [info.filename for info in infos]
    if len(set(names)) != len(names) or any(info.flag_bits & 0x1 for info in infos):
        raise MediaRejected("damaged_document", detail="duplicate or encrypted zip entries")


def read_head(path: str | PathLike, size: int = HEAD_SIZE) -> bytes:
    with open(path, "rb") as file:
        return file.read(size)


def _video_container(head: bytes) -> VideoContainer | None:
    box_type = head[4:8]
    if box_type == b"ftyp" and head[8:12] not in _IMAGE_BRANDS:
        return VideoContainer("mov" if head[8:12] == b"qt  " else "mp4", "mov")
    box_size = int.from_bytes(head[:4])
    if box_type in _QUICKTIME_ATOMS and (box_size in (0, 1) or box_size >= 8):
        return VideoContainer("mov", "mov")
    if head.startswith(_EBML_MAGIC):
        doctype = _ebml_doctype(head)
        if doctype in ("webm", "matroska"):
            return VideoContainer("webm" if doctype == "webm" else "mkv", "matroska")
    if head.startswith(b"RIFF") and head[8:12] == b"AVI ":
        return VideoContainer("avi", "avi")
    if head.startswith(b"FLV\x01"):
        return VideoContainer("flv", "flv")
    if head.startswith(_ASF_GUID):
        return VideoContainer("wmv", "asf")
    return None


def _other_video_format(head: bytes) -> str | None:
    """A name for video containers we recognise but do not process."""
    if head[:1] == b"\x47" and head[188:189] == b"\x47" and head[376:377] in (b"\x47", b""):
        return "MPEG-TS"
    if head.startswith(b"\x00\x00\x01\xba"):
        return "MPEG-PS"
    if head.startswith(b".RMF"):
        return "RealMedia"
    if head.startswith(b"OggS"):
        return "Ogg"
    if head.startswith(_EBML_MAGIC):
        return "EBML"
    return None


def _ebml_doctype(head: bytes) -> str | None:
    """The DocType of an EBML header ("webm", "matroska"), or None if it cannot be read."""
    try:
        size, pos = _ebml_vint(head, len(_EBML_MAGIC), strip_marker=True)
        end = min(len(head), pos + size)
        while pos < end:
            element_id, pos = _ebml_vint(head, pos, strip_marker=False)
            element_size, pos = _ebml_vint(head, pos, strip_marker=True)
            if element_id == _EBML_DOCTYPE_ID:
                return head[pos : pos + element_size].rstrip(b"\0").decode("ascii")
            pos += element_size
    except (IndexError, ValueError):
        return None
    return None


def _ebml_vint(data: bytes, pos: int, *, strip_marker: bool) -> tuple[int, int]:
    first = data[pos]
    if first == 0:
        raise ValueError("invalid EBML variable-length integer")
    length = 9 - first.bit_length()
    value = int.from_bytes(data[pos : pos + length])
    if strip_marker:
        value &= (1 << (7 * length)) - 1
    return value, pos + length


def _ooxml_kind(path: str | PathLike) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            check_zip_limits(archive)
            names = set(archive.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as exc:
        raise MediaRejected("damaged_document", detail=str(exc)) from exc
    if "[Content_Types].xml" not in names:
        raise MediaRejected("not_document", looks_like="zip")
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise MediaRejected("macro_document")
    if "word/document.xml" in names:
        return "docx"
    if "ppt/presentation.xml" in names:
        return "pptx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    raise MediaRejected("not_document", looks_like="zip")


def _hint(head: bytes) -> dict[str, str]:
    """`looks_like` for the refusal message, when the file is easy to recognise."""
    for looks_like, test in _HINTS:
        if test(head):
            return {"looks_like": looks_like}
    return {}


def _text_start(head: bytes) -> bytes:
    return head.removeprefix(b"\xef\xbb\xbf").lstrip().lower()


def _is_text(head: bytes) -> bool:
    return not any(byte < 0x09 or 0x0E <= byte < 0x20 or byte == 0x7F for byte in head)


_HINTS = (
    ("playlist", lambda h: _text_start(h).startswith(b"#extm3u")),
    ("ffconcat", lambda h: _text_start(h).startswith(b"ffconcat")),
    ("html", lambda h: _text_start(h).startswith((b"<!doctype html", b"<html"))),
    ("jpeg", lambda h: h.startswith(b"\xff\xd8\xff")),
    ("png", lambda h: h.startswith(b"\x89PNG\r\n\x1a\n")),
    ("gif", lambda h: h.startswith((b"GIF87a", b"GIF89a"))),
    ("image", lambda h: h[4:8] == b"ftyp" or (h.startswith(b"RIFF") and h[8:12] == b"WEBP")),
    ("pdf", lambda h: h.startswith(b"%PDF-")),
    ("office", lambda h: h.startswith(_OLE_MAGIC) or b"[Content_Types].xml" in h[:200]),
    ("zip", lambda h: h.startswith(b"PK\x03\x04")),
    ("rar", lambda h: h.startswith(b"Rar!\x1a\x07")),
    ("7z", lambda h: h.startswith(b"7z\xbc\xaf\x27\x1c")),
    ("audio", lambda h: h.startswith((b"ID3", b"fLaC")) or h[8:12] == b"WAVE"),
    ("audio", lambda h: h[:1] == b"\xff" and h[1:2] >= b"\xf0"),
    ("video", lambda h: _video_container(h) is not None or _other_video_format(h) is not None),
    ("text", _is_text),
)
