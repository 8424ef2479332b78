"""Template rules: fixed texts the font cannot draw, image limits, fonts from the settings."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import translation

from certificates import conf
from certificates.models import Certificate, CertificateKind
from certificates.services.issuing import certificates_check, certificates_issue
from certificates.services.rendering import certificate_pdf
from certificates.services.templates import (
    fonts,
    template_create,
    template_set_image,
    template_update,
)
from contest.errors import DomainError, ValidationFailed
from tests.certificates.pdfcheck import embedded_fonts, pdf_text
from tests.certificates.tinyfont import tiny_font
from tests.certificates_factories import awarded_work, image_upload, template

pytestmark = pytest.mark.django_db


def test_a_fixed_text_the_font_cannot_draw_is_refused(contest):
    with translation.override("en"), pytest.raises(ValidationFailed) as error:
        template_create(
            contest=contest,
            kind=CertificateKind.ORGANISATION,
            blocks=[{"text": "𠈌", "x": 10, "y": 10}],
        )
    assert error.value.fields == {"blocks": ["The font has no glyph for 𠈌."]}


def test_blocks_must_lie_on_the_page_of_the_chosen_size(contest):
    created = template(contest)
    with translation.override("en"), pytest.raises(ValidationFailed) as error:
        template_update(template=created, orientation="portrait")  # x 235 is off a 210 mm page
    assert any("x must be a number from 0 to 210" in m for m in error.value.fields["blocks"])


def test_images_are_limited_in_bytes_and_pixels(contest, monkeypatch):
    created = template(contest)
    big = SimpleUploadedFile("seal.png", b"\x89PNG" + b"\x00" * (1024 * 1024 + 1))
    with translation.override("en"), pytest.raises(ValidationFailed) as error:
        template_set_image(template=created, slot="seal", upload=big)
    assert error.value.fields == {"image": ["The image is larger than 1 MB."]}
    monkeypatch.setattr(conf, "MAX_IMAGE_PIXELS", 100)
    with translation.override("en"), pytest.raises(ValidationFailed) as error:
        template_set_image(template=created, slot="seal", upload=image_upload())
    assert error.value.fields == {"image": ["The image has too many pixels."]}
    created.refresh_from_db()
    assert created.seal == ""


def test_an_extra_font_from_the_settings_prints_rare_names(contest, organiser, tmp_path):
    template(contest)
    awarded_work(contest, entrant_name="王𠈌", co_authors=())
    assert certificates_check(contest=contest)
    with override_settings(CERTIFICATE_FONT_PATHS=[tiny_font(tmp_path / "extb.ttf", "𠈌")]):
        assert certificates_check(contest=contest) == []
        assert certificates_issue(contest=contest, actor=organiser).created == 1
        data = certificate_pdf(Certificate.objects.get())
    assert "王𠈌" in pdf_text(data)[0]
    assert all(has_file for _name, has_file in embedded_fonts(data))


def test_a_missing_font_file_in_the_settings_is_a_clear_error(tmp_path):
    with (
        override_settings(CERTIFICATE_FONT_PATHS=[str(tmp_path / "HanaMinB.ttf")]),
        translation.override("en"),
        pytest.raises(DomainError) as error,
    ):
        fonts()
    assert "HanaMinB.ttf" in str(error.value.message)
    assert error.value.code == "font_unavailable"
