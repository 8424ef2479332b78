"""Writes that decide awards: settling ties, confirming, withdrawing the confirmation, overriding
an award, and the lock publication holds while results are public.

Callers check permissions first (`awards.selectors.schemes.access_awards`). Every decision is kept
in AwardEvent with who, when and why. Invariants: Award rows exist only while the scheme is
confirmed; a locked scheme (results published) cannot be unconfirmed; overrides stay possible
while locked (an appeal's outcome may change a tier), always with a reason.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from awards.models import Award, AwardEvent, AwardScheme, Kind, TieDecision
from awards.services.preview import Preview, awards_preview
from contest.errors import Conflict, ValidationFailed
from contest.models import Contest, User

SUBJECT = {Kind.TIER: "work", Kind.TOP_PRIZE: "work", Kind.ORGANISATION: "institution"}
PRIZE = {Kind.TIER: "tier", Kind.TOP_PRIZE: "top_prize"}


def _locked_scheme(scheme: AwardScheme) -> AwardScheme:
    return (
        AwardScheme.objects.select_for_update(of=("self",))
        .select_related("contest", "round")
        .prefetch_related("tiers__pool_values", "top_prizes")
        .get(pk=scheme.pk)
    )


def _reason(reason: str, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(fields={field: [_("Give a reason.")]})
    return reason


def _names(scheme: AwardScheme) -> dict[tuple[str, int | None], str]:
    names = {(Kind.TIER, t.pk): t.name for t in scheme.tiers.all()}
    names |= {(Kind.TOP_PRIZE, p.pk): p.name for p in scheme.top_prizes.all()}
    names[(Kind.ORGANISATION, None)] = scheme.org_award_name
    return names


def _label(names, kind, prize) -> str:
    """The prize's name for the history; "" for none."""
    return names.get((kind, prize), "") if prize is not None or kind == Kind.ORGANISATION else ""


def _settle_one(scheme, preview: Preview, names, row: dict, actor: User) -> TieDecision:
    kind = row.get("kind")
    if kind not in SUBJECT:
        raise ValidationFailed(fields={"kind": [_("Unknown kind of award.")]})
    subject = row.get(SUBJECT[kind])
    tie = next(
        (t for t in preview.ties if t.kind == kind and getattr(t, SUBJECT[kind]) == subject), None
    )
    if tie is None:
        raise ValidationFailed(fields={SUBJECT[kind]: [_("This one is not tied at a cut-off.")]})
    reason = _reason(row.get("reason"))
    prize, awarded = row.get(PRIZE.get(kind, "tier")), bool(row.get("awarded"))
    if kind == Kind.ORGANISATION:
        prize = None
    elif prize is not None and (kind, prize) not in names:
        raise ValidationFailed(fields={PRIZE[kind]: [_("Choose one of the scheme's prizes.")]})
    organisation = kind == Kind.ORGANISATION
    defaults = {"reason": reason, "decided_by": actor}
    defaults["awarded"] = awarded if organisation else prize is not None
    if not organisation:
        defaults[f"{PRIZE[kind]}_id"] = prize
    subject_field = {f"{SUBJECT[kind]}_id": subject}
    decision, _created = TieDecision.objects.update_or_create(
        scheme=scheme, kind=kind, **subject_field, defaults=defaults
    )
    after = _label(names, kind, prize) if not organisation or awarded else ""
    AwardEvent.objects.create(
        scheme=scheme,
        action=AwardEvent.Action.TIE,
        before=_label(names, kind, tie.proposed),
        after=after,
        reason=reason,
        actor=actor,
        **subject_field,
    )
    return decision


def _refuse_confirmed(scheme: AwardScheme) -> None:
    if scheme.confirmed_at is not None:
        raise Conflict(_("The awards are already confirmed."), code="confirmed")


@transaction.atomic
def ties_settle(*, scheme: AwardScheme, decisions: list[dict], actor: User) -> list[TieDecision]:
    """Record what each tied work (or institution) gets, with a reason, before confirming.

    A row: ``kind`` (tier | top_prize | organisation), ``work`` or ``institution`` (id), the
    chosen ``tier`` / ``top_prize`` id (None: none of them) or ``awarded`` (organisation), and
    ``reason``. All rows or none are recorded.
    """
    scheme = _locked_scheme(scheme)
    _refuse_confirmed(scheme)
    if not decisions:
        raise ValidationFailed(fields={"decisions": [_("Decide at least one tie.")]})
    preview = awards_preview(scheme=scheme)
    names = _names(scheme)
    return [_settle_one(scheme, preview, names, row, actor) for row in decisions]


def _award(scheme: AwardScheme, line, pool_names: dict[str, str]) -> Award:
    return Award(
        scheme=scheme,
        kind=line.kind,
        work_id=line.work,
        institution_id=line.institution,
        tier_id=line.prize if line.kind == Kind.TIER else None,
        top_prize_id=line.prize if line.kind == Kind.TOP_PRIZE else None,
        pool_key=line.pool_key if line.kind != Kind.ORGANISATION else "",
        pool_name=pool_names.get(line.pool_key, "") if line.kind != Kind.ORGANISATION else "",
        rank=line.rank,
        score=line.score,
        tie_at_cutoff=line.tie_at_cutoff,
        decided=line.decided,
        decision_reason=line.reason,
    )


@transaction.atomic
def awards_confirm(
    *, scheme: AwardScheme, actor: User, decisions: list[dict] | None = None
) -> AwardScheme:
    """Write the previewed awards. Refused while a flagged tie is undecided (decisions given
    here are recorded first, in the same transaction) and when already confirmed."""
    scheme = _locked_scheme(scheme)
    _refuse_confirmed(scheme)
    if decisions:
        ties_settle(scheme=scheme, decisions=decisions, actor=actor)
    preview = awards_preview(scheme=scheme)
    if preview.undecided:
        raise Conflict(
            _("%(count)d tied works or institutions wait for a decision.")
            % {"count": len(preview.undecided)},
            code="undecided_ties",
        )
    pool_names = {pool.key: pool.name for pool in preview.pools}
    Award.objects.bulk_create(
        [_award(scheme, line, pool_names) for line in preview.lines], batch_size=1000
    )
    scheme.snapshot = preview.snapshot
    scheme.confirmed_at, scheme.confirmed_by = timezone.now(), actor
    scheme.save(update_fields=["snapshot", "confirmed_at", "confirmed_by", "updated_at"])
    AwardEvent.objects.create(
        scheme=scheme,
        action=AwardEvent.Action.CONFIRM,
        after=str(len(preview.lines)),
        actor=actor,
    )
    return scheme


@transaction.atomic
def awards_unconfirm(*, scheme: AwardScheme, actor: User, reason: str = "") -> AwardScheme:
    """Delete the awards so the scheme may change again; refused while results are published."""
    scheme = _locked_scheme(scheme)
    if scheme.confirmed_at is None:
        raise Conflict(_("The awards are not confirmed."), code="not_confirmed")
    if scheme.locked_at is not None:
        raise Conflict(
            _("The results are published: withdraw the public notice first."), code="locked"
        )
    count, _detail = Award.objects.filter(scheme=scheme).delete()
    scheme.snapshot, scheme.confirmed_at, scheme.confirmed_by = None, None, None
    scheme.save(update_fields=["snapshot", "confirmed_at", "confirmed_by", "updated_at"])
    AwardEvent.objects.create(
        scheme=scheme,
        action=AwardEvent.Action.UNCONFIRM,
        before=str(count),
        reason=(reason or "").strip(),
        actor=actor,
    )
    return scheme


@transaction.atomic
def award_override(
    *,
    award: Award,
    actor: User,
    reason: str,
    tier: int | None = None,
    top_prize: int | None = None,
    remove: bool = False,
) -> Award | None:
    """Change a confirmed award's tier (or top prize), or remove it (returns None)."""
    reason = _reason(reason)
    scheme = _locked_scheme(award.scheme)
    if scheme.final_at is not None and scheme.final_at <= timezone.now():
        raise Conflict(
            _("The public notice has closed: the results are final."), code="results_final"
        )
    award = Award.objects.select_for_update().get(pk=award.pk, scheme=scheme)
    names = _names(scheme)
    prize = award.tier_id if award.kind == Kind.TIER else award.top_prize_id
    event = {"scheme": scheme, "actor": actor, "reason": reason, "work_id": award.work_id}
    event |= {"institution_id": award.institution_id, "before": _label(names, award.kind, prize)}
    if remove:
        award.delete()
        AwardEvent.objects.create(action=AwardEvent.Action.REMOVE, **event)
        return None
    field = PRIZE.get(award.kind)
    new = tier if award.kind == Kind.TIER else top_prize
    if field is None or new is None or (award.kind, new) not in names:
        raise ValidationFailed(
            fields={field or "remove": [_("Choose one of the scheme's prizes.")]}
        )
    if new == prize:
        raise ValidationFailed(fields={field: [_("The award already has this prize.")]})
    setattr(award, f"{field}_id", new)
    award.overridden, award.override_reason = True, reason
    award.overridden_by, award.overridden_at = actor, timezone.now()
    award.save()
    AwardEvent.objects.create(
        action=AwardEvent.Action.OVERRIDE, after=_label(names, award.kind, new), **event
    )
    return award


@transaction.atomic
def awards_lock(*, contest: Contest, actor: User | None, final_at=None) -> AwardScheme:
    """Publication locks the confirmed awards while results are public (Conflict otherwise).
    From `final_at` (the notice's end) no override is possible either: the results are final.
    Calling it again moves `final_at` (a notice extended)."""
    scheme = AwardScheme.objects.select_for_update().filter(contest=contest).first()
    if scheme is None or scheme.confirmed_at is None:
        raise Conflict(_("Confirm the awards before publishing."), code="awards_not_confirmed")
    if scheme.final_at != final_at:
        scheme.final_at = final_at
        scheme.save(update_fields=["final_at", "updated_at"])
    if scheme.locked_at is None:
        scheme.locked_at = timezone.now()
        scheme.save(update_fields=["locked_at", "updated_at"])
        AwardEvent.objects.create(scheme=scheme, action=AwardEvent.Action.LOCK, actor=actor)
    return scheme


@transaction.atomic
def awards_unlock(*, contest: Contest, actor: User | None) -> None:
    """Publication took its notice back: the awards may be unconfirmed again."""
    scheme = AwardScheme.objects.select_for_update().filter(contest=contest).first()
    if scheme is not None and scheme.locked_at is not None:
        scheme.locked_at, scheme.final_at = None, None
        scheme.save(update_fields=["locked_at", "final_at", "updated_at"])
        AwardEvent.objects.create(scheme=scheme, action=AwardEvent.Action.UNLOCK, actor=actor)
