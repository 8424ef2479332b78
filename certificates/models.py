"""Certificate templates (证书模板) and the certificates (证书) issued from them.

A certificate keeps a snapshot of what it says (names, work title, award …) taken when it was
issued or last regenerated, so what the public verification page shows is what was printed.
Its number is unique in the contest and never changes; its verification code is random and
unguessable. Change rows only through certificates.services.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from awards.models import Award
from contest.models import Contest, Institution, Work

MM = {"max_digits": 6, "decimal_places": 1, "default": 0}


class CertificateKind(models.TextChoices):
    WORK_AWARD = "work_award", _("Work award")
    SUPERVISOR = "supervisor", _("Supervising teacher (指导教师)")
    ORGANISATION = "organisation", _("Organisation award")


class CertificateTemplate(models.Model):
    """The design of one kind of certificate in a contest.

    ``blocks`` is a list of text blocks: {"text", "x", "y", "size", "align", "bold", "max_width"}
    with x, y and max_width in millimetres from the page's top-left corner (y is the baseline);
    texts may hold the merge fields of certificates.services.fields.MERGE_FIELDS.
    Images are private file names (contest.storage), checked PNG or JPEG.
    """

    class PageSize(models.TextChoices):
        A4 = "A4", "A4"
        A5 = "A5", "A5"

    class Orientation(models.TextChoices):
        LANDSCAPE = "landscape", _("Landscape")
        PORTRAIT = "portrait", _("Portrait")

    contest = models.ForeignKey(
        Contest, on_delete=models.CASCADE, related_name="certificate_templates"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=CertificateKind.choices)
    name = models.CharField(_("name"), max_length=80)
    page_size = models.CharField(
        _("page size"), max_length=4, choices=PageSize.choices, default=PageSize.A4
    )
    orientation = models.CharField(
        _("orientation"), max_length=10, choices=Orientation.choices, default=Orientation.LANDSCAPE
    )
    per_author = models.BooleanField(
        _("one certificate per author"),
        default=True,
        help_text=_("Otherwise one certificate per work names all its authors."),
    )
    numbering = models.CharField(
        _("numbering pattern"),
        max_length=60,
        default="{year}-{contest}-{seq:05d}",
        help_text=_("Fields: {year}, {contest}, {seq} (e.g. {seq:05d} for 00042)."),
    )
    blocks = models.JSONField(_("text blocks"), default=list, blank=True)
    background = models.CharField(max_length=200, blank=True, editable=False)
    seal = models.CharField(max_length=200, blank=True, editable=False)
    signature = models.CharField(max_length=200, blank=True, editable=False)
    seal_x = models.DecimalField(_("seal x (mm)"), **MM)
    seal_y = models.DecimalField(_("seal y (mm)"), **MM)
    seal_size = models.DecimalField(
        _("seal size (mm)"),
        max_digits=6,
        decimal_places=1,
        default=40,
        validators=[MinValueValidator(5), MaxValueValidator(150)],
    )
    signature_x = models.DecimalField(_("signature x (mm)"), **MM)
    signature_y = models.DecimalField(_("signature y (mm)"), **MM)
    signature_width = models.DecimalField(
        _("signature width (mm)"),
        max_digits=6,
        decimal_places=1,
        default=40,
        validators=[MinValueValidator(5), MaxValueValidator(200)],
    )
    qr_x = models.DecimalField(_("QR code x (mm)"), **MM)
    qr_y = models.DecimalField(_("QR code y (mm)"), **MM)
    qr_size = models.DecimalField(
        _("QR code size (mm)"),
        max_digits=6,
        decimal_places=1,
        default=25,
        validators=[MinValueValidator(15), MaxValueValidator(80)],
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("certificate template")
        verbose_name_plural = _("certificate templates")
        ordering = ["contest", "kind"]
        constraints = [
            models.UniqueConstraint("contest", "kind", name="certificate_template_one_per_kind"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def page_mm(self) -> tuple[float, float]:
        """(width, height) of the page in millimetres."""
        short, long = {"A4": (210.0, 297.0), "A5": (148.0, 210.0)}[self.page_size]
        return (long, short) if self.orientation == self.Orientation.LANDSCAPE else (short, long)


class Certificate(models.Model):
    """One certificate, for one holder (or all authors of a work) of one award.

    ``subject`` names who and what it is for, stably across award reconfirmations (e.g.
    "w12:author:e" for the entrant of work 12, "w12:author:c7" for co-author 7, "w12:authors",
    "w12:supervisor", "i3:organisation"): a regeneration finds the certificate by it and keeps
    its number and code. At most one issued certificate per subject.
    """

    class State(models.TextChoices):
        ISSUED = "issued", _("Issued")
        REVOKED = "revoked", _("Revoked")

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="certificates")
    template = models.ForeignKey(
        CertificateTemplate, on_delete=models.PROTECT, related_name="certificates"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=CertificateKind.choices)
    subject = models.CharField(max_length=40)
    # Award rows are rewritten when organisers reconfirm the awards: the link may go, the
    # certificate and its snapshot stay.
    award = models.ForeignKey(
        Award, on_delete=models.SET_NULL, null=True, blank=True, related_name="certificates"
    )
    work = models.ForeignKey(
        Work, on_delete=models.PROTECT, null=True, blank=True, related_name="certificates"
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, null=True, blank=True, related_name="certificates"
    )
    holder = models.CharField(_("holder"), max_length=300)
    fields = models.JSONField(_("merge fields"), default=dict)
    seq = models.PositiveIntegerField()
    number = models.CharField(_("certificate number"), max_length=80)
    code = models.CharField(_("verification code"), max_length=32, unique=True)
    state = models.CharField(
        _("state"), max_length=8, choices=State.choices, default=State.ISSUED, editable=False
    )
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    revoked_reason = models.TextField(_("reason for revoking"), blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    replaces = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by"
    )

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["contest", "seq"]
        constraints = [
            models.UniqueConstraint("contest", "number", name="certificate_unique_number"),
            models.UniqueConstraint("contest", "seq", name="certificate_unique_seq"),
            models.UniqueConstraint(
                "contest",
                "subject",
                condition=Q(state="issued"),
                name="certificate_one_issued_per_subject",
            ),
            models.CheckConstraint(
                condition=Q(state="issued", revoked_at__isnull=True)
                | Q(state="revoked", revoked_at__isnull=False) & ~Q(revoked_reason=""),
                name="certificate_revocation_complete",
            ),
        ]
        indexes = [models.Index(fields=["contest", "subject"], name="certificate_subject")]

    def __str__(self) -> str:
        return self.number

    @property
    def is_revoked(self) -> bool:
        return self.state == self.State.REVOKED
