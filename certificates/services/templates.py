"""Certificate templates: create, change, images, delete, and the drawing layout they give."""

from decimal import Decimal
from io import BytesIO

from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from certificates import conf
from certificates.models import CertificateKind, CertificateTemplate
from certificates.pdf.fonts import FontSet, FontUnavailable, load_fonts, missing_characters
from certificates.pdf.render import Layout, PlacedImage, TextBlock
from certificates.services.defaults import DEFAULT_BLOCKS, DEFAULT_POSITIONS
from certificates.services.fields import check_numbering, clean_blocks, fields_in
from contest.errors import Conflict, DomainError, ValidationFailed, from_django_validation_error
from contest.media.store import new_name, store
from contest.models import Contest

IMAGE_SLOTS = ("background", "seal", "signature")
EDITABLE = (
    "name",
    "page_size",
    "orientation",
    "per_author",
    "numbering",
    "blocks",
    *DEFAULT_POSITIONS,
)


def fonts() -> FontSet:
    """The configured fonts; a missing or unusable font file is an error organisers can read."""
    try:
        return load_fonts(conf.font_paths())
    except FontUnavailable as exc:
        raise DomainError(
            _("The certificate font cannot be used: %(detail)s. Check CERTIFICATE_FONT_PATHS.")
            % {"detail": exc},
            code="font_unavailable",
        ) from exc


def _check(template: CertificateTemplate) -> None:
    try:
        template.full_clean()
    except Exception as exc:
        if hasattr(exc, "messages"):
            raise from_django_validation_error(exc) from exc
        raise
    check_numbering(template.numbering)
    template.blocks = clean_blocks(template.blocks, template.page_mm)
    static = "".join(b["text"] for b in template.blocks if not fields_in(b["text"]))
    missing = missing_characters(static, fonts())
    if missing:
        raise ValidationFailed(
            fields={
                "blocks": [_("The font has no glyph for %(chars)s.") % {"chars": " ".join(missing)}]
            }
        )


@transaction.atomic
def template_create(*, contest: Contest, kind: str, **values) -> CertificateTemplate:
    """A template for one kind of certificate; missing values come from the default design."""
    if CertificateTemplate.objects.filter(contest=contest, kind=kind).exists():
        raise Conflict(_("This contest already has a template of this kind."))
    values.setdefault(
        "name", str(CertificateKind(kind).label) if kind in CertificateKind.values else ""
    )
    values.setdefault("blocks", DEFAULT_BLOCKS.get(kind, []))
    for field, default in DEFAULT_POSITIONS.items():
        values.setdefault(field, Decimal(default))
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    template = CertificateTemplate(contest=contest, kind=kind, **values)
    _check(template)
    template.save()
    return template


@transaction.atomic
def template_update(*, template: CertificateTemplate, **values) -> CertificateTemplate:
    """Change a template. Issued certificates keep their numbers; their PDFs use the new design."""
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    for field, value in values.items():
        setattr(template, field, value)
    _check(template)
    template.save()
    return template


def _decoded(upload, limit: int) -> Image.Image:
    """The uploaded image, checked to be a PNG or JPEG of sane size; ValidationFailed else."""
    if upload.size > limit:
        raise ValidationFailed(
            fields={"image": [_("The image is larger than %(mb)s MB.") % {"mb": limit // 2**20}]}
        )
    data = upload.read()
    try:
        with Image.open(BytesIO(data)) as probe:
            kind, pixels = probe.format, probe.width * probe.height
            probe.verify()
        if kind in ("PNG", "JPEG") and pixels <= conf.MAX_IMAGE_PIXELS:
            image = Image.open(BytesIO(data))
            image.load()
            return image
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        kind, pixels = None, 0
    if kind in ("PNG", "JPEG"):
        raise ValidationFailed(fields={"image": [_("The image has too many pixels.")]})
    raise ValidationFailed(fields={"image": [_("Upload a PNG or JPEG image.")]})


def _normalised(image: Image.Image, slot: str) -> tuple[bytes, str]:
    """Re-encoded without metadata, at most print resolution: the background as JPEG (which the
    PDF embeds as it is, fast), the seal and signature as PNG keeping their transparency."""
    out = BytesIO()
    if slot == "background":
        image.thumbnail((conf.MAX_BACKGROUND_SIDE, conf.MAX_BACKGROUND_SIDE))
        image.convert("RGB").save(out, "JPEG", quality=90, optimize=True)
        return out.getvalue(), ".jpg"
    image.thumbnail((conf.MAX_STAMP_SIDE, conf.MAX_STAMP_SIDE))
    image.convert("RGBA").save(out, "PNG", optimize=True)
    return out.getvalue(), ".png"


@transaction.atomic
def template_set_image(*, template: CertificateTemplate, slot: str, upload) -> None:
    """Store a background, seal or signature image (PNG with transparency works best for the
    seal and the signature). The previous file is removed once the row points at the new one."""
    if slot not in IMAGE_SLOTS:
        raise ValueError(slot)
    limit = conf.MAX_BACKGROUND_BYTES if slot == "background" else conf.MAX_STAMP_BYTES
    data, suffix = _normalised(_decoded(upload, limit), slot)
    name = new_name("certificates", suffix)
    store().put_bytes(name, data)
    old = getattr(template, slot)
    setattr(template, slot, name)
    template.save(update_fields=[slot, "updated_at"])
    if old:
        transaction.on_commit(lambda: store().delete(old))


@transaction.atomic
def template_clear_image(*, template: CertificateTemplate, slot: str) -> None:
    if slot not in IMAGE_SLOTS:
        raise ValueError(slot)
    old = getattr(template, slot)
    setattr(template, slot, "")
    template.save(update_fields=[slot, "updated_at"])
    if old:
        transaction.on_commit(lambda: store().delete(old))


@transaction.atomic
def template_delete(*, template: CertificateTemplate) -> None:
    if template.certificates.exists():
        raise Conflict(_("Certificates were issued from this template; it cannot be deleted."))
    names = [getattr(template, slot) for slot in IMAGE_SLOTS if getattr(template, slot)]
    template.delete()
    for name in names:
        transaction.on_commit(lambda n=name: store().delete(n))


def _path(name: str) -> str | None:
    """A local file for the PDF writer (from a bucket: downloaded once and kept)."""
    return str(store().local_path(name)) if name else None


def text_block(block: dict, text: str) -> TextBlock:
    return TextBlock(
        text=text,
        x=block["x"],
        y=block["y"],
        size=block["size"],
        align=block["align"],
        bold=block["bold"],
        max_width=block["max_width"],
    )


def layout_of(template: CertificateTemplate) -> Layout:
    """What every certificate of the template shares, as plain data (image files read here)."""
    width, height = template.page_mm
    images = []
    if template.seal:
        size = float(template.seal_size)
        images.append(
            PlacedImage(
                _path(template.seal), float(template.seal_x), float(template.seal_y), size, size
            )
        )
    if template.signature:
        width_mm = float(template.signature_width)
        images.append(
            PlacedImage(
                _path(template.signature),
                float(template.signature_x),
                float(template.signature_y),
                width_mm,
                width_mm / 2,
            )
        )
    return Layout(
        width=width,
        height=height,
        background=_path(template.background),
        images=tuple(images),
        static_blocks=tuple(
            text_block(b, b["text"]) for b in template.blocks if not fields_in(b["text"])
        ),
        qr_x=float(template.qr_x),
        qr_y=float(template.qr_y),
        qr_size=float(template.qr_size),
    )
