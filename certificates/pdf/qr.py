"""QR codes drawn as vector paths: one filled path of horizontal runs, crisp at any zoom."""

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.pdfgen.canvas import Canvas

# A fixed mask pattern skips qrcode's trial of all eight (seven times faster); every mask is
# valid QR and decoders read it from the format bits. Level M survives a stamp over a corner.
MASK_PATTERN = 2
QUIET_MODULES = 2


def qr_matrix(data: str) -> list[list[bool]]:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0, mask_pattern=MASK_PATTERN)
    code.add_data(data)
    code.make(fit=True)
    return code.get_matrix()


def _runs_path(matrix: list[list[bool]]) -> str:
    """PDF path operators of the dark runs, one unit per module, origin at the lower left.

    Each run is a hair taller than a module, so that no light seams show between rows when
    the code is rasterised."""
    count = len(matrix)
    operators = []
    for row_index, row in enumerate(matrix):
        y = count - 1 - row_index
        start = None
        for col, dark in enumerate([*row, False]):
            if dark and start is None:
                start = col
            elif not dark and start is not None:
                operators.append(f"{start} {y - 0.03:.2f} {col - start} 1.06 re")
                start = None
    operators.append("f")
    return "\n".join(operators)


def draw_qr(canvas: Canvas, data: str, x: float, y: float, size: float) -> None:
    """Draw the code for `data` with its lower-left corner at (x, y), `size` points wide,
    inside a white quiet zone of two modules (so it scans on a patterned background).

    The path is written as literal operators in module units under one transformation:
    formatting hundreds of coordinates through reportlab's path objects costs ten times more.
    """
    matrix = qr_matrix(data)
    module = size / (len(matrix) + 2 * QUIET_MODULES)
    canvas.saveState()
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    offset = QUIET_MODULES * module
    canvas.transform(module, 0, 0, module, x + offset, y + offset)
    canvas.addLiteral(_runs_path(matrix))
    canvas.restoreState()
