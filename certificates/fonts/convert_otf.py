"""Turn a CFF-outline OpenType font (Noto Serif SC .otf) into the TrueType font reportlab embeds.

reportlab embeds only TrueType (glyf) outlines. This converts every glyph's cubic curves to
quadratic ones (fontTools' cu2qu, at most 1 font unit off), and drops what a PDF never uses here
(OpenType layout, vertical metrics, hinting-free CFF leftovers), so the file stays small.

    python certificates/fonts/convert_otf.py NotoSerifSC-Regular.otf \
        certificates/fonts/NotoSerifSC-Regular.ttf

Run once by hand when the bundled font is updated; the platform never runs it.
"""

import sys

from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable

UNUSED_TABLES = ("CFF ", "VORG", "DSIG", "GSUB", "GPOS", "BASE", "GDEF", "vhea", "vmtx")


def quadratic_glyphs(font: TTFont, max_err: float) -> dict:
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in font.getGlyphOrder():
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err, reverse_direction=True))
        glyphs[name] = pen.glyph()
    return glyphs


def convert(source: str, target: str, max_err: float = 1.0) -> None:
    font = TTFont(source)
    if "CFF " not in font:
        raise SystemExit(f"{source} has no CFF outlines")
    glyphs = quadratic_glyphs(font, max_err)
    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder = font.getGlyphOrder()
    glyf.glyphs = glyphs
    for tag in UNUSED_TABLES:
        if tag in font:
            del font[tag]
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name, glyph in glyphs.items():  # left side bearing = the glyph's xMin in TrueType
        hmtx[name] = (hmtx[name][0], getattr(glyph, "xMin", 0))
    font["maxp"] = maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for field in (
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    font["post"].formatType = 3.0  # no glyph names: a PDF addresses glyphs by id
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\000\001\000\000"
    font.save(target)


if __name__ == "__main__":
    convert(sys.argv[1], sys.argv[2])
