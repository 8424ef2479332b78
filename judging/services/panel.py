"""The judge panel: members, invitations by e-mail, and chief judges (评审组长) of rounds.

Callers check permissions first (judging.manage_panel on the contest). A panel member always
holds the judge role of the contest, and nobody judges a contest they organise or entered.
"""

import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contest.errors import Conflict, NotFound, PermissionDeniedError, ValidationFailed
from contest.models import Category, Contest, ContestRole, User, Work
from judging.models import Assignment, ChiefJudge, Invitation, PanelMember, Round, ScoreSheet
from judging.selectors.panel import expertise_options, round_categories
from judging.services.conflicts import rounds_refill

INVITATION_DAYS = 14
MAX_LOAD = 10000
DEFAULT_LOAD = 60
ORGANISER_MESSAGE = gettext_lazy("An organiser of this contest cannot judge it.")
ENTRANT_MESSAGE = gettext_lazy("This person has a work in this contest and cannot judge it.")
MEMBER_MESSAGE = gettext_lazy("This person is already on the panel.")


def expertise_tags(contest: Contest) -> list[str]:
    """Every expertise tag of the contest, in the contest's order."""
    return [tag for options in expertise_options(contest).values() for tag, _name in options]


def clean_expertise(contest: Contest, tags, known: list[str] | None = None) -> list[str]:
    """The tags in a stable order, each one a subject, stage or group of the contest (`known`:
    the contest's tags, when the caller already read them)."""
    if not isinstance(tags, list | tuple | set) or not all(isinstance(t, str) for t in tags):
        raise ValidationFailed(fields={"expertise": [_("Give a list of expertise tags.")]})
    known = expertise_tags(contest) if known is None else known
    unknown = sorted(set(tags) - set(known))
    if unknown:
        raise ValidationFailed(
            fields={"expertise": [_("Unknown expertise: %s.") % ", ".join(unknown)]}
        )
    wanted = set(tags)
    return [tag for tag in known if tag in wanted]


def clean_max_load(max_load) -> int:
    if isinstance(max_load, bool) or not isinstance(max_load, int) or not 0 < max_load <= MAX_LOAD:
        raise ValidationFailed(
            fields={"max_load": [_("Enter a whole number from 1 to %d.") % MAX_LOAD]}
        )
    return max_load


def role_conflict(contest: Contest, user: User) -> str | None:
    """Why the user may not judge the contest, or None."""
    if ContestRole.objects.filter(
        contest=contest, user=user, role=ContestRole.Role.ORGANISER
    ).exists():
        return str(ORGANISER_MESSAGE)
    if Work.objects.filter(contest=contest, entrant=user).exists():
        return str(ENTRANT_MESSAGE)
    return None


@transaction.atomic
def panel_add(
    *,
    contest: Contest,
    user: User,
    expertise,
    max_load: int,
    is_chief: bool,
    known_tags: list[str] | None = None,
) -> PanelMember:
    """Put a person with an account on the panel and give them the contest's judge role.
    `known_tags`: the contest's expertise tags, when the caller already read them."""
    expertise = clean_expertise(contest, expertise, known_tags)
    max_load = clean_max_load(max_load)
    problem = role_conflict(contest, user)
    if problem:
        raise Conflict(problem, code="role_conflict", fields={"email": [problem]})
    if PanelMember.objects.filter(contest=contest, user=user).exists():
        raise Conflict(MEMBER_MESSAGE, code="already_member", fields={"email": [MEMBER_MESSAGE]})
    try:
        with transaction.atomic():
            member = PanelMember.objects.create(
                contest=contest,
                user=user,
                expertise=expertise,
                max_load=max_load,
                is_chief=bool(is_chief),
            )
    except IntegrityError as exc:  # a concurrent add of the same person won the race
        raise Conflict(MEMBER_MESSAGE, code="already_member") from exc
    ContestRole.objects.get_or_create(contest=contest, user=user, role=ContestRole.Role.JUDGE)
    return member


@transaction.atomic
def panel_update(
    *, member: PanelMember, expertise, max_load: int, is_chief: bool, active: bool | None = None
) -> PanelMember:
    member = PanelMember.objects.select_for_update().get(pk=member.pk)
    member.expertise = clean_expertise(member.contest, expertise)
    member.max_load = clean_max_load(max_load)
    member.is_chief = bool(is_chief)
    if active is not None:
        member.active = bool(active)
    member.save(update_fields=["expertise", "max_load", "is_chief", "active"])
    return member


@transaction.atomic
def panel_set_active(*, member: PanelMember, active: bool) -> PanelMember:
    """An inactive member keeps their role and sheets but gets no new works."""
    PanelMember.objects.filter(pk=member.pk).update(active=active)
    member.active = active
    return member


@transaction.atomic
def panel_remove(*, member: PanelMember) -> None:
    """Take a person off the panel. Anyone who has score sheets in the contest (drafts
    included: sheets keep an append-only history) can only be deactivated. Their works not yet
    started go back to the round to be staffed again."""
    member = PanelMember.objects.select_for_update().get(pk=member.pk)
    assignments = Assignment.objects.filter(round__contest_id=member.contest_id, judge=member.user)
    if ScoreSheet.objects.filter(assignment__in=assignments).exists():
        raise Conflict(
            _("This judge has score sheets in this contest: deactivate them instead."),
            code="has_sheets",
        )
    pending = assignments.filter(state=Assignment.State.PENDING)
    round_ids = sorted(set(pending.values_list("round_id", flat=True)))
    pending.delete()
    ChiefJudge.objects.filter(round__contest_id=member.contest_id, user=member.user).delete()
    ContestRole.objects.filter(
        contest_id=member.contest_id, user=member.user, role=ContestRole.Role.JUDGE
    ).delete()
    member.delete()
    rounds_refill(round_ids)


# --- Invitations


def _expires() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=INVITATION_DAYS)


def _queue_invitation_email(invitation: Invitation) -> None:
    from judging.tasks import send_invitation

    invitation_id = invitation.pk
    transaction.on_commit(lambda: send_invitation.enqueue(invitation_id))


@transaction.atomic
def invitation_create(
    *,
    contest: Contest,
    email: str,
    actor: User,
    expertise=(),
    max_load: int = DEFAULT_LOAD,
    is_chief: bool = False,
    name: str = "",
    institution_name: str = "",
    known_tags: list[str] | None = None,
) -> Invitation:
    """Invite someone to the panel by e-mail. A person with an account joins at once (the
    invitation is then recorded as accepted) and is told by e-mail; anyone else gets a one-time
    link valid for INVITATION_DAYS days. Inviting an address again renews its open invitation.
    `known_tags`: the contest's expertise tags, when the caller already read them."""
    email = User.objects.normalize_email(str(email).strip()).lower()
    name, institution_name = " ".join(name.split()), " ".join(institution_name.split())
    _check_invitee(email, name, institution_name)
    known_tags = expertise_tags(contest) if known_tags is None else known_tags
    settings_ = {
        "expertise": clean_expertise(contest, list(expertise), known_tags),
        "max_load": clean_max_load(max_load),
        "is_chief": bool(is_chief),
    }
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    invitation = Invitation.objects.select_for_update().filter(
        contest=contest, email=email, accepted_at__isnull=True
    )
    invitation = invitation.first() or Invitation(contest=contest, email=email)
    invitation.name, invitation.institution_name = name, institution_name
    invitation.token, invitation.expires_at, invitation.invited_by = uuid.uuid4(), _expires(), actor
    for key, value in settings_.items():
        setattr(invitation, key, value)
    if user is not None:
        panel_add(contest=contest, user=user, known_tags=known_tags, **settings_)
        invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    try:  # re-raised at once, so this atomic block rolls back: no inner savepoint needed
        invitation.save()
    except IntegrityError as exc:  # a concurrent invitation of the same address won the race
        raise Conflict(
            _("This address was invited at the same time; try again."), code="invitation_race"
        ) from exc
    _queue_invitation_email(invitation)
    return invitation


def _check_invitee(email: str, name: str, institution_name: str) -> None:
    errors = {}
    try:
        validate_email(email)
        if len(email) > 254:
            raise ValidationError("too long")
    except ValidationError:
        errors["email"] = [_("Enter a valid e-mail address.")]
    if len(name) > 60:
        errors["name"] = [_("Use at most %d characters.") % 60]
    if len(institution_name) > 120:
        errors["institution_name"] = [_("Use at most %d characters.") % 120]
    if errors:
        raise ValidationFailed(fields=errors)


def masked_email(email: str) -> str:
    local, _at, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


@transaction.atomic
def invitation_accept(*, token: str, user: User) -> PanelMember:
    """The logged-in invitee joins the panel with the invitation's settings. The link works
    once, until it expires, and only for the account with the invited address."""
    try:
        token = uuid.UUID(str(token))
    except ValueError:
        token = None
    invitation = Invitation.objects.select_for_update().filter(token=token).first()
    if invitation is None:
        raise NotFound(_("This invitation link is not valid."), code="invalid_invitation")
    if invitation.accepted_at is not None:
        raise Conflict(_("This invitation has already been used."), code="invitation_used")
    if invitation.expires_at <= timezone.now():
        raise Conflict(
            _("This invitation has expired. Ask the organisers for a new one."),
            code="invitation_expired",
        )
    if user.email.casefold() != invitation.email.casefold():
        raise PermissionDeniedError(
            _(
                "This invitation was sent to %(email)s. Log out, then log in with that address "
                "(or register with it) to accept it."
            )
            % {"email": masked_email(invitation.email)},
            code="wrong_account",
        )
    # Keep only the tags the contest still has (a subject may have gone since the invitation).
    known = expertise_tags(invitation.contest)
    expertise = [tag for tag in invitation.expertise if tag in known]
    member = panel_add(
        contest=invitation.contest,
        user=user,
        expertise=expertise,
        max_load=invitation.max_load,
        is_chief=invitation.is_chief,
    )
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return member


def invitation_link(invitation: Invitation) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("panel_join", args=[invitation.token])


def invitation_email_send(*, invitation_id: int) -> bool:
    """Send the invitation (or, for someone who joined at once, the news that they did), in
    the person's language: Chinese unless their account says otherwise."""
    invitation = (
        Invitation.objects.select_related("contest", "accepted_by").filter(pk=invitation_id).first()
    )
    if invitation is None:
        return False
    joined = invitation.accepted_by
    language = joined.language if joined else settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "invitation": invitation,
            "contest": invitation.contest,
            "joined": joined is not None,
            "name": joined.real_name if joined else invitation.name,
            "link": invitation_link(invitation),
            "site_url": settings.SITE_URL.rstrip("/"),
        }
        subject = (
            _("You have joined the judge panel of %s")
            if joined
            else _("Invitation to the judge panel of %s")
        ) % invitation.contest.title
        body = render_to_string("judging/email/invitation.txt", context)
    send_mail(subject, body, None, [invitation.email])
    return True


# --- Chief judges


@transaction.atomic
def chief_add(*, round_: Round, user: User, category: Category | None = None) -> ChiefJudge:
    """Make an active panel member a chief judge of the round, or of one of its categories."""
    if not PanelMember.objects.filter(
        contest_id=round_.contest_id, user=user, active=True
    ).exists():
        raise ValidationFailed(fields={"user": [_("Choose an active member of the panel.")]})
    if category is not None and not round_categories(round_).filter(pk=category.pk).exists():
        raise ValidationFailed(fields={"category": [_("Choose a category of this round.")]})
    if ChiefJudge.objects.filter(round=round_, category=category, user=user).exists():
        message = _("This person is already a chief judge here.")
        raise Conflict(message, code="already_chief", fields={"user": [message]})
    return ChiefJudge.objects.create(round=round_, category=category, user=user)


@transaction.atomic
def chief_remove(*, chief: ChiefJudge) -> None:
    chief.delete()
