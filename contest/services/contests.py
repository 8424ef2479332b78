"""Writes about contests: creation, settings, phase, roles, groups/subjects/stages, categories.

Callers check permissions first (see `contest.selectors.access_contest`); these functions
enforce the contest's own rules and keep the data whole.
"""

import itertools

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from contest.errors import Conflict, NotFound, ValidationFailed, from_django_validation_error
from contest.models import Category, Contest, ContestRole, Group, Stage, Subject, User
from contest.models.contests import VIDEO_FORMAT_CHOICES, AttachmentKind

CONTEST_FIELDS = (
    "title",
    "slug",
    "year",
    "description",
    "rules_text",
    "submission_opens_at",
    "submission_closes_at",
    "judging_starts_at",
    "judging_ends_at",
    "results_published_at",
    "notice_ends_at",
    "min_duration_seconds",
    "max_duration_seconds",
    "max_file_size_mb",
    "allowed_formats",
    "min_width",
    "min_height",
    "required_attachments",
    "title_card_seconds",
    "licence_text",
    "works_per_entrant",
    "max_attachment_size_mb",
    "audio_required",
    "max_co_authors",
    "screening_deadline",
    "endorsement_required",
    "endorsement_quota",
    "endorsement_quota_percent",
)
TIMELINE = (
    "submission_opens_at",
    "submission_closes_at",
    "judging_starts_at",
    "judging_ends_at",
    "results_published_at",
    "notice_ends_at",
)

# The phase graph: forward one step, and back from screening to open (to extend the deadline).
PHASE_TRANSITIONS = {
    Contest.Phase.DRAFT: {Contest.Phase.OPEN},
    Contest.Phase.OPEN: {Contest.Phase.SCREENING},
    Contest.Phase.SCREENING: {Contest.Phase.OPEN, Contest.Phase.JUDGING},
    Contest.Phase.JUDGING: {Contest.Phase.RESULTS},
    Contest.Phase.RESULTS: {Contest.Phase.CLOSED},
    Contest.Phase.CLOSED: set(),
}


# Slugs that would clash with the platform's own addresses under /contests/.
RESERVED_SLUGS = {"new", "admin", "api", "static", "media", "accounts"}


def _validate_contest(contest: Contest) -> None:
    errors: dict[str, list[str]] = {}
    if contest.slug in RESERVED_SLUGS:
        errors["slug"] = [_("This short name is reserved; choose another.")]
    formats = {code for code, _label in VIDEO_FORMAT_CHOICES}
    if not isinstance(contest.allowed_formats, list) or not set(contest.allowed_formats) <= formats:
        errors["allowed_formats"] = [_("Choose formats from: %s.") % ", ".join(sorted(formats))]
    kinds = set(AttachmentKind.values)
    if (
        not isinstance(contest.required_attachments, list)
        or not set(contest.required_attachments) <= kinds
    ):
        errors["required_attachments"] = [
            _("Choose attachments from: %s.") % ", ".join(sorted(kinds))
        ]
    if contest.min_duration_seconds > contest.max_duration_seconds:
        errors["max_duration_seconds"] = [_("The maximum length must not be below the minimum.")]
    if (
        contest.screening_deadline
        and contest.submission_closes_at
        and contest.screening_deadline <= contest.submission_closes_at
    ):
        errors["screening_deadline"] = [
            _("The deadline for returned works must come after the submission deadline.")
        ]
    dated = [(name, getattr(contest, name)) for name in TIMELINE if getattr(contest, name)]
    for (_first, earlier), (later_name, later) in itertools.pairwise(dated):
        if later < earlier:
            field = Contest._meta.get_field(later_name)
            errors.setdefault(later_name, []).append(
                _("“%s” must come after the dates before it.") % field.verbose_name
            )
    try:
        contest.full_clean()
    except ValidationError as exc:
        for name, messages in from_django_validation_error(exc).fields.items():
            errors.setdefault(name, []).extend(messages)
        if not exc.error_dict.keys() - {"__all__"} and not errors:
            raise from_django_validation_error(exc) from exc
    if errors:
        raise ValidationFailed(fields=errors)


def _save_unique(instance, field: str) -> None:
    """Save, turning a unique-constraint race into a field error instead of a server error."""
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        raise ValidationFailed(fields={field: [_("This value is already used.")]}) from exc


@transaction.atomic
def contest_create(*, creator: User, **fields) -> Contest:
    """Create a draft contest; its creator becomes its first organiser."""
    unknown = fields.keys() - set(CONTEST_FIELDS)
    if unknown:
        raise ValidationFailed(fields={name: [_("Unknown field.")] for name in unknown})
    fields.setdefault("allowed_formats", ["mp4"])
    contest = Contest(**fields)
    _validate_contest(contest)
    _save_unique(contest, "slug")
    ContestRole.objects.create(contest=contest, user=creator, role=ContestRole.Role.ORGANISER)
    return contest


@transaction.atomic
def contest_update(*, contest: Contest, **fields) -> Contest:
    unknown = fields.keys() - set(CONTEST_FIELDS)
    if unknown:
        raise ValidationFailed(fields={name: [_("Unknown field.")] for name in unknown})
    contest = Contest.objects.select_for_update().get(pk=contest.pk)
    for name, value in fields.items():
        setattr(contest, name, value)
    _validate_contest(contest)
    _save_unique(contest, "slug")
    return contest


@transaction.atomic
def contest_set_phase(*, contest: Contest, phase: str) -> Contest:
    contest = Contest.objects.select_for_update().get(pk=contest.pk)
    if phase not in PHASE_TRANSITIONS.get(contest.phase, set()):
        raise Conflict(
            _("A contest cannot move from “%(old)s” to “%(new)s”.")
            % {
                "old": contest.get_phase_display(),
                "new": dict(Contest.Phase.choices).get(phase, phase),
            },
            code="invalid_phase",
        )
    if phase == Contest.Phase.OPEN and not contest.categories.exists():
        raise Conflict(
            _("Add at least one category before opening submissions."), code="no_categories"
        )
    contest.phase = phase
    contest.save(update_fields=["phase", "updated_at"])
    return contest


@transaction.atomic
def contest_role_add(*, contest: Contest, email: str, role: str) -> ContestRole:
    """Give an existing account a role in the contest (the judging issue adds invitations)."""
    if role not in ContestRole.Role.values:
        raise ValidationFailed(fields={"role": [_("Unknown role.")]})
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise ValidationFailed(fields={"email": [_("No account uses this e-mail address.")]})
    institution = None
    if role == ContestRole.Role.COORDINATOR:
        institution = user.institution
        if institution is None:
            raise ValidationFailed(
                fields={"email": [_("A coordinator must have an institution in their profile.")]}
            )
    obj, created = ContestRole.objects.get_or_create(
        contest=contest, user=user, role=role, defaults={"institution": institution}
    )
    if not created:
        raise ValidationFailed(fields={"email": [_("This person already has this role.")]})
    return obj


@transaction.atomic
def contest_role_remove(*, contest: Contest, role_id: int) -> None:
    role = ContestRole.objects.select_for_update().filter(contest=contest, pk=role_id).first()
    if role is None:
        raise NotFound()
    if role.role == ContestRole.Role.ORGANISER:
        organisers = ContestRole.objects.filter(contest=contest, role=ContestRole.Role.ORGANISER)
        if organisers.count() <= 1:
            raise Conflict(_("A contest must keep at least one organiser."), code="last_organiser")
    role.delete()


DIMENSIONS = {"groups": Group, "subjects": Subject, "stages": Stage}


@transaction.atomic
def dimension_save(
    *,
    contest: Contest,
    model,
    instance=None,
    name: str,
    code: str,
    order: int = 0,
    requires_supervisor: bool | None = None,
):
    """Create or update a group, subject or stage of the contest (`requires_supervisor`: groups)."""
    obj = instance or model(contest=contest)
    obj.name, obj.code, obj.order = " ".join(name.split()), code, order
    if requires_supervisor is not None and model is Group:
        obj.requires_supervisor = requires_supervisor
    try:
        obj.full_clean(exclude=["contest"], validate_constraints=False)
    except ValidationError as exc:
        raise from_django_validation_error(exc) from exc
    if model.objects.filter(contest=contest, code=code).exclude(pk=obj.pk).exists():
        raise ValidationFailed(fields={"code": [_("This code is already used in the contest.")]})
    _save_unique(obj, "code")
    return obj


@transaction.atomic
def dimension_delete(*, instance) -> None:
    if instance.categories.exists():
        raise Conflict(
            _("This item is used by a category; remove the category first."), code="in_use"
        )
    instance.delete()


def _check_category_parts(contest: Contest, parts: dict) -> None:
    errors = {}
    for name, part in parts.items():
        if part is not None and part.contest_id != contest.pk:
            errors[name] = [_("Choose an item of this contest.")]
    if errors:
        raise ValidationFailed(fields=errors)


@transaction.atomic
def category_save(
    *,
    contest: Contest,
    instance: Category | None = None,
    code: str,
    name: str,
    group: Group | None = None,
    subject: Subject | None = None,
    stage: Stage | None = None,
    order: int = 0,
) -> Category:
    parts = {"group": group, "subject": subject, "stage": stage}
    _check_category_parts(contest, parts)
    category = instance or Category(contest=contest)
    category.code, category.name, category.order = code, " ".join(name.split()), order
    category.group, category.subject, category.stage = group, subject, stage
    try:
        category.full_clean(exclude=["contest"], validate_constraints=False)
    except ValidationError as exc:
        raise from_django_validation_error(exc) from exc
    others = Category.objects.filter(contest=contest).exclude(pk=category.pk)
    if others.filter(code=code).exists():
        raise ValidationFailed(fields={"code": [_("This code is already used in the contest.")]})
    if others.filter(group=group, subject=subject, stage=stage).exists():
        raise ValidationFailed(
            _("A category with this group, subject and stage already exists."),
            fields={"group": [_("A category with this group, subject and stage already exists.")]},
        )
    _save_unique(category, "code")
    return category


@transaction.atomic
def category_delete(*, category: Category) -> None:
    category.delete()


@transaction.atomic
def categories_generate(*, contest: Contest) -> list[Category]:
    """Create a category for every group × stage × subject combination that has none yet."""
    groups = list(contest.groups.all()) or [None]
    stages = list(contest.stages.all()) or [None]
    subjects = list(contest.subjects.all()) or [None]
    existing = set(contest.categories.values_list("group_id", "stage_id", "subject_id"))
    order = contest.categories.count()
    created = []
    for group, stage, subject in itertools.product(groups, stages, subjects):
        key = tuple(p.pk if p else None for p in (group, stage, subject))
        if key in existing:
            continue
        parts = [p for p in (stage, subject, group) if p]
        order += 1
        created.append(
            Category(
                contest=contest,
                group=group,
                stage=stage,
                subject=subject,
                order=order,
                code="-".join(p.code for p in parts)[:30],
                name="·".join(p.name for p in parts)[:120],
            )
        )
    taken = set(contest.categories.values_list("code", flat=True))
    clashes = [c.code for c in created if c.code in taken]
    if clashes:
        raise Conflict(
            _("These category codes are already used: %s.") % ", ".join(clashes), code="code_taken"
        )
    return Category.objects.bulk_create(created)
