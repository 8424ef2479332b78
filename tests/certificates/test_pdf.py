"""The drawing layer alone: fonts, text, QR codes, read back from the PDF."""

import re

import pytest
from reportlab.pdfbase import pdfmetrics

from certificates.pdf.fonts import BUNDLED_FONT, FontUnavailable, load_fonts, missing_characters
from certificates.pdf.render import Layout, PageData, TextBlock, render_pdf
from tests.certificates.pdfcheck import embedded_fonts, pdf_text, qr_codes
from tests.certificates.tinyfont import tiny_font

URL = "https://cert.example.cn/verify/Abc-123_xyzXYZ0/"


@pytest.fixture(scope="module")
def fonts():
    return load_fonts((str(BUNDLED_FONT),))


def test_bundled_font_covers_names_with_extension_a_but_not_all_of_extension_b(fonts):
    assert missing_characters("刘䶮 欧阳燚 张犇 Zhang San 《一等奖》", fonts) == []
    assert missing_characters("王𠈌𠈌", fonts) == ["𠈌"]
    assert len(fonts.charmaps[0]) > 30000


def test_page_carries_the_names_an_embedded_subset_and_the_qr_url(fonts):
    layout = Layout(
        width=297,
        height=210,
        static_blocks=(TextBlock("荣誉证书", 148.5, 40, size=36, bold=True),),
        qr_x=20,
        qr_y=150,
        qr_size=30,
    )
    page = PageData(blocks=(TextBlock("刘䶮、欧阳燚", 148.5, 80, size=24),), qr_url=URL)
    data = render_pdf(layout, [page], fonts)
    text = pdf_text(data)[0]
    assert "刘䶮、欧阳燚" in text and "荣誉证书" in text
    assert embedded_fonts(data) and all(has_file for _name, has_file in embedded_fonts(data))
    assert qr_codes(data) == [URL]


def test_long_text_shrinks_to_its_width_and_fallback_fonts_fill_gaps(fonts):
    block = TextBlock("很长的作品标题" * 10, 100, 50, size=20, max_width=100)
    data = render_pdf(Layout(width=210, height=297), [PageData(blocks=(block,))], fonts)
    assert "很长的作品标题" in pdf_text(data)[0]
    assert fonts.runs("a䶮 b") == [(fonts.main, "a䶮 b")]


def test_a_missing_font_file_or_a_cff_font_is_a_clear_error(tmp_path):
    with pytest.raises(FontUnavailable, match="not found"):
        load_fonts((str(tmp_path / "none.ttf"),))
    fake = tmp_path / "cff.otf"
    fake.write_bytes(b"OTTO" + b"\x00" * 200)
    with pytest.raises(FontUnavailable, match="cannot be embedded"):
        load_fonts((str(fake),))
    assert not any("cff" in name for name in pdfmetrics.getRegisteredFontNames())


def test_a_fallback_font_draws_what_the_main_font_lacks(tmp_path):
    extra = tiny_font(tmp_path / "extb.ttf", "𠈌")
    fonts = load_fonts((str(BUNDLED_FONT), extra))
    assert missing_characters("王𠈌", fonts) == []
    assert [font for font, _text in fonts.runs("王𠈌 老师")] == [
        fonts.main,
        fonts.names[1],
        fonts.main,
    ]
    page = PageData(blocks=(TextBlock("王𠈌", 50, 50),))
    data = render_pdf(Layout(width=148, height=210), [page], fonts)
    assert "王𠈌" in pdf_text(data)[0]
    assert len(embedded_fonts(data)) == 2 and all(has for _n, has in embedded_fonts(data))


def test_faux_bold_ends_with_its_block(fonts):
    from io import BytesIO

    from pypdf import PdfReader

    blocks = (TextBlock("荣誉证书", 100, 40, bold=True), TextBlock("特发此证", 100, 80))
    data = render_pdf(Layout(width=210, height=297), [PageData(blocks=blocks)], fonts)
    content = PdfReader(BytesIO(data)).pages[0].get_contents().get_data().decode("latin-1")
    after_bold = content.split("2 Tr", 1)[1]
    assert re.match(r".*?ET\s+Q\s", after_bold, re.S)  # state restored before the next block
    assert "Tr" not in after_bold
