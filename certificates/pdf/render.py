"""Certificate pages with reportlab: a static layer drawn once per document, then per page the
filled-in text blocks and the QR code.

Coordinates are millimetres from the page's top-left corner, as an organiser measures them on a
printed sheet; a text block's `y` is its baseline. Everything drawn here comes in as plain data
(`Layout`, `PageData`) so this module runs no queries and can be benchmarked alone.
"""

from dataclasses import dataclass, field
from io import BytesIO
from typing import BinaryIO

from reportlab import rl_config
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from certificates.pdf.fonts import FontSet
from certificates.pdf.qr import draw_qr

# Binary streams, not ASCII85: a quarter smaller, and without reportlab's optional C speedups
# (the rl_accel package) ASCII85-encoding a background picture takes 0.3 s per certificate.
rl_config.useA85 = 0

LEADING = 1.5  # line height as a multiple of the font size, for blocks with several lines
BOLD_STROKE = 0.03  # outline width of the faux bold, as a share of the font size


@dataclass(frozen=True)
class TextBlock:
    text: str
    x: float
    y: float
    size: float = 16.0
    align: str = "center"  # left | center | right: where x is on the line
    bold: bool = False
    max_width: float = 0.0  # mm; a longer line is set smaller to fit (0: no limit)


@dataclass(frozen=True)
class PlacedImage:
    path: str  # a file: reportlab then embeds a JPEG as it is and names it by its path
    x: float
    y: float  # top edge
    width: float
    height: float


@dataclass(frozen=True)
class Layout:
    width: float
    height: float
    background: str | None = None  # path of a JPEG or PNG filling the page
    images: tuple[PlacedImage, ...] = ()
    static_blocks: tuple[TextBlock, ...] = ()  # blocks with no merge field: drawn once
    qr_x: float = 0.0
    qr_y: float = 0.0
    qr_size: float = 0.0  # 0: no QR code


@dataclass(frozen=True)
class PageData:
    blocks: tuple[TextBlock, ...]
    qr_url: str = ""
    title: str = field(default="", compare=False)


def draw_block(canvas: Canvas, block: TextBlock, fonts: FontSet, page_height: float) -> None:
    baseline = page_height - block.y * mm
    for line in block.text.split("\n"):
        runs = fonts.runs(line)
        size = block.size
        width = sum(stringWidth(text, font, size) for font, text in runs)
        if block.max_width and width > block.max_width * mm:
            size *= block.max_width * mm / width
            width = block.max_width * mm
        x = block.x * mm - {"right": width, "center": width / 2}.get(block.align, 0)
        # The faux bold's render mode and line width live in the graphics state (reportlab
        # never writes "0 Tr" back): save and restore it so that they end with the block.
        if block.bold:
            canvas.saveState()
            canvas.setLineWidth(size * BOLD_STROKE)
        # One text object per line: viewers then copy and search the line as one string.
        text_object = canvas.beginText(x, baseline)
        if block.bold:
            text_object.setTextRenderMode(2)  # fill, then stroke the outline
        for font, text in runs:
            text_object.setFont(font, size)
            text_object.textOut(text)
        canvas.drawText(text_object)
        if block.bold:
            canvas.restoreState()
        baseline -= size * LEADING


class CertificateWriter:
    """One PDF of any number of certificates (one per page), in one or several layouts.

    Each layout's background, seal, signature and fixed texts go into a form XObject stored
    once in the file and referenced by its pages; the font subset is built once per file.
    """

    def __init__(self, out: BinaryIO, fonts: FontSet, *, title: str = ""):
        self.fonts = fonts
        self.canvas = Canvas(out)
        self.canvas.setTitle(title)
        self.canvas.setCreator("certificates")
        self.pages = 0
        self._forms: dict[int, tuple[Layout, str]] = {}  # id(layout) → (layout, form name)

    def _form(self, layout: Layout) -> str:
        known = self._forms.get(id(layout))
        if known is not None:
            return known[1]
        name = f"CertificateStatic{len(self._forms)}"
        canvas, height = self.canvas, layout.height * mm
        canvas.beginForm(name, lowerx=0, lowery=0, upperx=layout.width * mm, uppery=height)
        if layout.background:
            canvas.drawImage(layout.background, 0, 0, layout.width * mm, height, mask="auto")
        for placed in layout.images:
            canvas.drawImage(
                placed.path,
                placed.x * mm,
                height - (placed.y + placed.height) * mm,
                placed.width * mm,
                placed.height * mm,
                mask="auto",
                preserveAspectRatio=True,
            )
        for block in layout.static_blocks:
            draw_block(canvas, block, self.fonts, height)
        canvas.endForm()
        self._forms[id(layout)] = (layout, name)
        return name

    def add(self, layout: Layout, page: PageData) -> None:
        canvas, height = self.canvas, layout.height * mm
        form = self._form(layout)
        canvas.setPageSize((layout.width * mm, height))
        canvas.doForm(form)
        for block in page.blocks:
            draw_block(canvas, block, self.fonts, height)
        if page.qr_url and layout.qr_size:
            size = layout.qr_size * mm
            draw_qr(canvas, page.qr_url, layout.qr_x * mm, height - layout.qr_y * mm - size, size)
        canvas.showPage()
        self.pages += 1

    def close(self) -> None:
        if not self.pages:  # an empty document still needs a page to be a valid PDF
            self.canvas.showPage()
        self.canvas.save()


def render_pdf(layout: Layout, pages, fonts: FontSet, *, title: str = "") -> bytes:
    """All pages in one PDF, as bytes."""
    out = BytesIO()
    writer = CertificateWriter(out, fonts, title=title)
    for page in pages:
        writer.add(layout, page)
    writer.close()
    return out.getvalue()
