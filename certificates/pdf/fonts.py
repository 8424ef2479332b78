"""The TrueType fonts certificates are set in, and which of them draws each character.

reportlab embeds a subset of a TrueType (glyf) font in each PDF; it refuses CFF-outline fonts.
The first font is the main one; later ones (a setting) are only used for characters the earlier
ones lack, e.g. a font with CJK Extension B for rare name characters. A character no font has is
reported by `missing_characters` before anything is printed, never drawn as an empty box.
"""

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFError, TTFont

BUNDLED_FONT = Path(__file__).resolve().parent.parent / "fonts" / "NotoSerifSC-Regular.ttf"


_BEYOND_BMP = re.compile(r"^(<[0-9A-F]{2}>) <([0-9A-F]{5,6})>$", re.MULTILINE)
_reportlab_to_unicode = ttfonts.makeToUnicodeCMap


def _to_unicode_cmap(fontname, subset) -> str:
    """reportlab's ToUnicode map, with characters beyond the BMP (CJK Extension B …) written as
    UTF-16 as PDF requires: <D840DE0C>, not <2020C>. Without it, copying or searching such a
    name in a viewer finds nothing, though it is drawn."""

    def utf16(match: re.Match) -> str:
        code = chr(int(match.group(2), 16)).encode("utf-16-be").hex().upper()
        return f"{match.group(1)} <{code}>"

    return _BEYOND_BMP.sub(utf16, _reportlab_to_unicode(fontname, subset))


ttfonts.makeToUnicodeCMap = _to_unicode_cmap


class FontUnavailable(Exception):
    """A configured font file is missing or not a TrueType font reportlab can embed."""


@dataclass(frozen=True)
class FontSet:
    names: tuple[str, ...]  # reportlab names, in order of preference
    charmaps: tuple[frozenset[int], ...]

    @property
    def main(self) -> str:
        return self.names[0]

    def font_for(self, char: str) -> str | None:
        code = ord(char)
        for name, charmap in zip(self.names, self.charmaps, strict=True):
            if code in charmap:
                return name
        return None

    def runs(self, text: str) -> list[tuple[str, str]]:
        """Split text into (font name, text) runs; spaces and controls stay with their run."""
        runs: list[tuple[str, str]] = []
        current = self.main
        for char in text:
            font = current if _ignorable(char) else (self.font_for(char) or self.main)
            if runs and runs[-1][0] == font:
                runs[-1] = (font, runs[-1][1] + char)
            else:
                runs.append((font, char))
            current = font
        return runs

    def is_single_font(self, text: str) -> bool:
        charmap = self.charmaps[0]
        return all(ord(c) in charmap or _ignorable(c) for c in text)


def _ignorable(char: str) -> bool:
    return char.isspace() or unicodedata.category(char) in ("Cc", "Cf")


def missing_characters(text: str, fonts: FontSet) -> list[str]:
    """Characters of `text` that no font of the set can draw, each once, in order of appearance."""
    missing: list[str] = []
    for char in text:
        if not _ignorable(char) and char not in missing and fonts.font_for(char) is None:
            missing.append(char)
    return missing


@lru_cache(maxsize=8)
def load_fonts(paths: tuple[str, ...]) -> FontSet:
    """Register the fonts with reportlab once per process (parsing a CJK font takes a while).

    Raises FontUnavailable naming the file when one is missing or not embeddable.
    """
    names, charmaps = [], []
    for path in paths:
        name = "Cert-" + hashlib.sha256(str(path).encode()).hexdigest()[:10]
        if name not in pdfmetrics.getRegisteredFontNames():
            if not Path(path).is_file():
                raise FontUnavailable(f"certificate font file not found: {path}")
            try:
                pdfmetrics.registerFont(TTFont(name, str(path)))
            except TTFError as exc:  # e.g. "postscript outlines are not supported"
                raise FontUnavailable(f"{path} cannot be embedded: {exc}") from exc
        names.append(name)
        charmaps.append(frozenset(pdfmetrics.getFont(name).face.charToGlyph))
    return FontSet(tuple(names), tuple(charmaps))
