"""The public notice of a contest's results (公示) and the entrants' appeals (申诉)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from contest.models import Contest, Work


class Notice(models.Model):
    """One public notice per contest. Its state follows from the clock once it is published:
    scheduled before `starts_at`, open until `ends_at`, closed after — then the results are final.

    Publishing, times and visibility change only through publication.services.notices.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("Not published")
        SCHEDULED = "scheduled", _("Scheduled")
        OPEN = "open", pgettext_lazy("notice", "Open for appeals")
        CLOSED = "closed", _("Closed: results are final")

    contest = models.OneToOneField(Contest, on_delete=models.CASCADE, related_name="notice")
    starts_at = models.DateTimeField(_("notice starts"))
    ends_at = models.DateTimeField(_("notice ends"))
    show_title = models.BooleanField(_("show the work's title"), default=True)
    show_authors = models.BooleanField(_("show the authors' names"), default=True)
    show_institution = models.BooleanField(_("show the institution"), default=True)
    show_tier = models.BooleanField(_("show the award tier"), default=True)
    show_score = models.BooleanField(
        _("show the final score of the listed works"),
        default=False,
        help_text=_("Most contests do not publish scores."),
    )
    text = models.TextField(_("text of the notice"), max_length=5000, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("public notice")
        verbose_name_plural = _("public notices")
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=F("ends_at")), name="notice_starts_before_end"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contest_id}: {self.starts_at:%Y-%m-%d} – {self.ends_at:%Y-%m-%d}"

    def state_at(self, now) -> str:
        if self.published_at is None:
            return self.State.DRAFT
        if now < self.starts_at:
            return self.State.SCHEDULED
        return self.State.OPEN if now < self.ends_at else self.State.CLOSED

    @property
    def state(self) -> str:
        return self.state_at(timezone.now())

    def get_state_display(self) -> str:
        return self.State(self.state).label

    @property
    def is_visible(self) -> bool:
        """The results are public: the notice is published and has started."""
        return self.state in (self.State.OPEN, self.State.CLOSED)

    @property
    def is_final(self) -> bool:
        return self.state == self.State.CLOSED


class Appeal(models.Model):
    """An entrant's appeal against their work's result, filed while the notice is open.

    At most one open appeal per work; answering closes it with an outcome. What an upheld appeal
    changed is recorded as text: score changes themselves go through the organisers' tools.
    """

    class State(models.TextChoices):
        OPEN = "open", pgettext_lazy("appeal", "Waiting for an answer")
        ANSWERED = "answered", _("Answered")

    class Outcome(models.TextChoices):
        UPHELD = "upheld", _("Upheld")
        PARTLY_UPHELD = "partly_upheld", _("Partly upheld")
        DISMISSED = "dismissed", _("Dismissed")

    class Reason(models.TextChoices):
        SCORE = "score", _("The score or rank")
        TIER = "tier", _("The award tier")
        PROCEDURE = "procedure", _("The judging procedure")
        DETAILS = "details", _("Names, institution or title shown")
        OTHER = "other", _("Other")

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="appeals")
    work = models.ForeignKey(
        Work, verbose_name=_("work"), on_delete=models.CASCADE, related_name="appeals"
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    reason = models.CharField(_("about"), max_length=16, choices=Reason.choices, blank=True)
    text = models.TextField(_("appeal"), max_length=4000)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.OPEN, editable=False
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    answer = models.TextField(_("answer"), max_length=4000, blank=True)
    changes = models.TextField(_("what changed"), max_length=4000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("filed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                "work", condition=Q(state="open"), name="appeal_one_open_per_work"
            ),
            models.CheckConstraint(
                condition=Q(state="open", outcome="", answered_at__isnull=True)
                | (Q(state="answered", answered_at__isnull=False) & ~Q(outcome="")),
                name="appeal_answered_has_outcome",
            ),
        ]
        indexes = [models.Index(fields=["notice", "state", "-created_at"], name="appeal_list")]

    def __str__(self) -> str:
        return f"{self.work_id}: {self.state}"
