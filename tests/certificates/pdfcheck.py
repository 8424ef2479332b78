"""Reading certificate PDFs back: text, embedded fonts, and the QR code on the rendered page."""

from io import BytesIO

import pypdfium2
import zxingcpp
from pypdf import PdfReader


def pdf_text(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(BytesIO(data)).pages]


def embedded_fonts(data: bytes) -> list[tuple[str, bool]]:
    """(base font name, has /FontFile2) for every Type0 font of the first page."""
    page = PdfReader(BytesIO(data)).pages[0]
    found = []
    fonts = dict(page["/Resources"].get("/Font", {}))
    xobjects = page["/Resources"].get("/XObject", {})
    for xobject in xobjects.values():  # the static layer's form has its own fonts
        resources = xobject.get_object().get("/Resources", {})
        fonts.update(dict(resources.get("/Font", {})))
    for font in fonts.values():
        font = font.get_object()
        for descendant in font.get("/DescendantFonts", []) or [font]:
            descriptor = descendant.get_object().get("/FontDescriptor")
            if descriptor is None:
                continue
            descriptor = descriptor.get_object()
            found.append((str(font["/BaseFont"]), "/FontFile2" in descriptor))
    return found


def qr_codes(data: bytes, page: int = 0) -> list[str]:
    document = pypdfium2.PdfDocument(data)
    image = document[page].render(scale=2).to_pil()
    return [result.text for result in zxingcpp.read_barcodes(image)]
