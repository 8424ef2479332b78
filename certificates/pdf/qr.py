"""QR codes drawn as vector paths: one path of horizontal runs per code, crisp at any zoom."""

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.pdfgen.canvas import Canvas

# A fixed mask pattern skips qrcode's trial of all eight (seven times faster); every mask is
# valid QR and decoders read it from the format bits. Level M survives a stamp over a corner.
MASK_PATTERN = 2


def qr_matrix(data: str) -> list[list[bool]]:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0, mask_pattern=MASK_PATTERN)
    code.add_data(data)
    code.make(fit=True)
    return code.get_matrix()


def draw_qr(canvas: Canvas, data: str, x: float, y: float, size: float) -> None:
    """Draw the code for `data` with its lower-left corner at (x, y), `size` points wide,
    inside a white quiet zone of two modules (so it scans on a patterned background)."""
    matrix = qr_matrix(data)
    count = len(matrix)
    module = size / (count + 4)
    canvas.saveState()
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    path = canvas.beginPath()
    top = y + size - 2 * module
    for row_index, row in enumerate(matrix):
        row_y = top - (row_index + 1) * module
        start = None
        for col, dark in enumerate([*row, False]):
            if dark and start is None:
                start = col
            elif not dark and start is not None:
                # A hair taller than a module: no light seams between rows when rasterised.
                path.rect(x + (start + 2) * module, row_y, (col - start) * module, module * 1.05)
                start = None
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()
