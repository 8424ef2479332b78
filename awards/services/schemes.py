"""Writes about a contest's award scheme: its settings, tiers (with per-pool values) and top prizes.

Callers check permissions first (`awards.selectors.schemes.access_awards`). A confirmed scheme is
not edited: withdraw the confirmation first. A change that can move awards forgets the tie
decisions it could invalidate (any tier or top-prize change: all of them; an organisation-award
setting: the organisation ties).
"""

from decimal import Decimal
from itertools import pairwise

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from awards.models import AwardScheme, AwardTier, Kind, TieDecision, TierPoolValue, TopPrize
from contest.errors import Conflict, ValidationFailed, from_django_validation_error
from contest.models import Contest
from judging.models import Round

SCHEME_FIELDS = (
    "round",
    "mode",
    "top_prizes_keep_tier",
    "org_award_name",
    "org_entry_points",
    "org_top_count",
    "org_min_points",
)
ORG_FIELDS = {"org_award_name", "org_entry_points", "org_top_count", "org_min_points"}
TIER_FIELDS = ("name", "order", "value", "points")


def _saved(obj) -> None:
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise from_django_validation_error(exc) from exc
    obj.save()


def _editable(scheme: AwardScheme) -> AwardScheme:
    """The scheme locked for the edit; refused once confirmed."""
    scheme = AwardScheme.objects.select_for_update().get(pk=scheme.pk)
    if scheme.confirmed_at is not None:
        raise Conflict(
            _("The awards are confirmed: withdraw the confirmation before changing the scheme."),
            code="confirmed",
        )
    return scheme


def _forget_ties(scheme: AwardScheme, *, organisation_only: bool = False) -> None:
    decisions = TieDecision.objects.filter(scheme=scheme)
    if organisation_only:
        decisions = decisions.filter(kind=Kind.ORGANISATION)
    decisions.delete()


def check_tiers(mode: str, tiers: list[tuple[str, Decimal, dict[str, Decimal]]]) -> None:
    """Refuse a list of (name, value, per-pool values), best tier first, that cannot allocate."""
    names = [name for name, _value, _pools in tiers]
    if len(set(names)) != len(names):
        raise ValidationFailed(_("Two tiers have the same name."), fields={"name": []})
    pools = {key for _name, _value, per_pool in tiers for key in per_pool}
    columns = [[value for _n, value, _p in tiers]]
    columns += [[per_pool.get(key, value) for _n, value, per_pool in tiers] for key in pools]
    for values in columns:
        _check_values(mode, values)


def _check_values(mode: str, values: list[Decimal]) -> None:
    if mode == AwardScheme.Mode.COUNT and any(v != int(v) for v in values):
        raise ValidationFailed(fields={"value": [_("A number of works is a whole number.")]})
    if any(v < 0 for v in values):
        raise ValidationFailed(fields={"value": [_("Values may not be negative.")]})
    if mode == AwardScheme.Mode.PERCENT and sum(values, Decimal(0)) > 100:
        raise ValidationFailed(
            fields={"value": [_("The tiers' percentages add up to more than 100 %.")]}
        )
    if mode == AwardScheme.Mode.CUTOFF and any(b > a for a, b in pairwise(values)):
        raise ValidationFailed(
            fields={"value": [_("Each tier's minimal score must not exceed the better tier's.")]}
        )


def _check_scheme(scheme: AwardScheme, tiers=None) -> None:
    if tiers is None:
        tiers = [
            (t.name, t.value, {p.pool_key: p.value for p in t.pool_values.all()})
            for t in scheme.tiers.order_by("order", "pk")
        ]
    check_tiers(scheme.mode, tiers)
    if scheme.org_award_name and scheme.org_top_count is None and scheme.org_min_points is None:
        raise ValidationFailed(
            _("Say how many institutions get the organisation award, or the points it needs."),
            fields={"org_top_count": [], "org_min_points": []},
        )


def _apply_settings(contest: Contest, fields: dict, tiers=None) -> AwardScheme:
    """Save the settings; `tiers` (as check_tiers reads them) replaces the stored ones in the
    check when the caller is about to replace them too."""
    unknown = set(fields) - set(SCHEME_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    round_ = fields.get("round")
    if round_ is not None and (not isinstance(round_, Round) or round_.contest_id != contest.pk):
        raise ValidationFailed(fields={"round": [_("Choose a round of this contest.")]})
    scheme = AwardScheme.objects.filter(contest=contest).first()
    scheme = AwardScheme(contest=contest) if scheme is None else _editable(scheme)
    changed = {name for name, value in fields.items() if getattr(scheme, name) != value}
    for name, value in fields.items():
        setattr(scheme, name, value)
    _check_scheme(scheme, tiers=tiers if tiers is not None or scheme.pk else [])
    _saved(scheme)
    if changed - ORG_FIELDS:
        _forget_ties(scheme)
    elif changed:
        _forget_ties(scheme, organisation_only=True)
    return scheme


@transaction.atomic
def scheme_save(*, contest: Contest, **fields) -> AwardScheme:
    """Create the contest's scheme or change its settings (see SCHEME_FIELDS)."""
    return _apply_settings(contest, fields)


@transaction.atomic
def scheme_setup(
    *, contest: Contest, settings: dict, tiers: list[dict], top_prizes: list[dict]
) -> AwardScheme:
    """The whole set-up at once (the organisers' page): settings, then the tiers and the top
    prizes replaced as `tiers_set` and `top_prizes_set` do. All or nothing."""
    per_pool = {}
    existing = AwardScheme.objects.filter(contest=contest).first()
    if existing is not None:
        per_pool = {
            t.pk: {p.pool_key: p.value for p in t.pool_values.all()}
            for t in existing.tiers.prefetch_related("pool_values")
        }
    rows = [(row["name"], row["value"], per_pool.get(row.get("id"), {})) for row in tiers]
    scheme = _apply_settings(contest, settings, tiers=rows)
    tiers_set(scheme=scheme, tiers=tiers)
    top_prizes_set(scheme=scheme, top_prizes=top_prizes)
    return scheme


def _tier_list(scheme: AwardScheme, *, replace: AwardTier | None = None, drop=None, pools=None):
    """The scheme's tiers as check_tiers reads them, with `replace` (new or edited) in place."""
    tiers = [
        t
        for t in scheme.tiers.order_by("order", "pk")
        if t.pk not in (drop, replace and replace.pk)
    ]
    if replace is not None:
        tiers.append(replace)
        tiers.sort(key=lambda t: (t.order, t.pk or 10**12))
    out = []
    for tier in tiers:
        per_pool = {p.pool_key: p.value for p in tier.pool_values.all()} if tier.pk else {}
        if tier is replace and pools is not None:
            per_pool = pools
        out.append((tier.name, tier.value, per_pool))
    return out


def _set_pool_values(tier: AwardTier, pools: dict[str, Decimal]) -> None:
    tier.pool_values.exclude(pool_key__in=list(pools)).delete()
    for key, value in pools.items():
        TierPoolValue.objects.update_or_create(tier=tier, pool_key=key, defaults={"value": value})


@transaction.atomic
def tier_add(
    *, scheme: AwardScheme, pool_values: dict[str, Decimal] | None = None, **fields
) -> AwardTier:
    """Add a tier (after the others unless `order` says otherwise); checked with the others."""
    scheme = _editable(scheme)
    if "order" not in fields:
        last = scheme.tiers.order_by("-order").values_list("order", flat=True).first()
        fields["order"] = 0 if last is None else last + 1
    tier = AwardTier(scheme=scheme, **fields)
    check_tiers(scheme.mode, _tier_list(scheme, replace=tier, pools=pool_values or {}))
    _saved(tier)
    _set_pool_values(tier, pool_values or {})
    _forget_ties(scheme)
    return tier


@transaction.atomic
def tier_update(
    *, tier: AwardTier, pool_values: dict[str, Decimal] | None = None, **fields
) -> AwardTier:
    scheme = _editable(tier.scheme)
    tier = AwardTier.objects.get(pk=tier.pk)
    for name, value in fields.items():
        if name not in TIER_FIELDS:
            raise TypeError(f"unknown field: {name}")
        setattr(tier, name, value)
    check_tiers(scheme.mode, _tier_list(scheme, replace=tier, pools=pool_values))
    _saved(tier)
    if pool_values is not None:
        _set_pool_values(tier, pool_values)
    _forget_ties(scheme)
    return tier


@transaction.atomic
def tier_delete(*, tier: AwardTier) -> None:
    scheme = _editable(tier.scheme)
    check_tiers(scheme.mode, _tier_list(scheme, drop=tier.pk))
    _forget_ties(scheme)
    tier.delete()


@transaction.atomic
def tiers_set(*, scheme: AwardScheme, tiers: list[dict]) -> list[AwardTier]:
    """Replace the tiers by this list, best first: rows with an ``id`` update that tier, others
    are added, tiers missing from the list are deleted. Per-pool values are kept."""
    scheme = _editable(scheme)
    existing = {t.pk: t for t in scheme.tiers.prefetch_related("pool_values")}
    rows = []
    for order, row in enumerate(tiers):
        tier = existing.get(row.get("id")) or AwardTier(scheme=scheme)
        tier.name, tier.value, tier.order = row["name"], row["value"], order
        tier.points = row.get("points", Decimal(0))
        per_pool = {p.pool_key: p.value for p in tier.pool_values.all()} if tier.pk else {}
        rows.append((tier, per_pool))
    check_tiers(scheme.mode, [(t.name, t.value, per_pool) for t, per_pool in rows])
    kept = {t.pk for t, _p in rows if t.pk}
    AwardTier.objects.filter(scheme=scheme).exclude(pk__in=kept).delete()
    # Names are unique per scheme: park the kept ones first so that two tiers may swap names.
    for tier, _p in rows:
        if tier.pk:
            AwardTier.objects.filter(pk=tier.pk).update(name=f"\u2060parked-{tier.pk}")
    for tier, _p in rows:
        _saved(tier)
    _forget_ties(scheme)
    return [t for t, _p in rows]


@transaction.atomic
def top_prizes_set(*, scheme: AwardScheme, top_prizes: list[dict]) -> list[TopPrize]:
    """Replace the top prizes by this list, in order (rows with an ``id`` update that prize)."""
    scheme = _editable(scheme)
    existing = {p.pk: p for p in scheme.top_prizes.all()}
    rows = []
    for order, row in enumerate(top_prizes):
        prize = existing.get(row.get("id")) or TopPrize(scheme=scheme)
        prize.name, prize.count, prize.order = row["name"], row["count"], order
        prize.points = row.get("points", Decimal(0))
        if prize.count is None or prize.count < 1:
            raise ValidationFailed(fields={"count": [_("A top prize goes to at least one work.")]})
        rows.append(prize)
    if len({p.name for p in rows}) != len(rows):
        raise ValidationFailed(fields={"name": [_("Two top prizes have the same name.")]})
    kept = {p.pk for p in rows if p.pk}
    TopPrize.objects.filter(scheme=scheme).exclude(pk__in=kept).delete()
    for prize in rows:
        if prize.pk:
            TopPrize.objects.filter(pk=prize.pk).update(name=f"\x00{prize.pk}")
    for prize in rows:
        _saved(prize)
    _forget_ties(scheme)
    return rows


@transaction.atomic
def top_prize_add(*, scheme: AwardScheme, **fields) -> TopPrize:
    scheme = _editable(scheme)
    if "order" not in fields:
        fields["order"] = scheme.top_prizes.count()
    prize = TopPrize(scheme=scheme, **fields)
    _check_prize(prize)
    _saved(prize)
    _forget_ties(scheme)
    return prize


@transaction.atomic
def top_prize_update(*, prize: TopPrize, **fields) -> TopPrize:
    scheme = _editable(prize.scheme)
    prize = TopPrize.objects.get(pk=prize.pk)
    for name, value in fields.items():
        if name not in ("name", "order", "count", "points"):
            raise TypeError(f"unknown field: {name}")
        setattr(prize, name, value)
    _check_prize(prize)
    _saved(prize)
    _forget_ties(scheme)
    return prize


@transaction.atomic
def top_prize_delete(*, prize: TopPrize) -> None:
    scheme = _editable(prize.scheme)
    _forget_ties(scheme)
    prize.delete()


def _check_prize(prize: TopPrize) -> None:
    if prize.count is None or prize.count < 1:
        raise ValidationFailed(fields={"count": [_("A top prize goes to at least one work.")]})
    clash = TopPrize.objects.filter(scheme=prize.scheme, name=prize.name).exclude(pk=prize.pk)
    if clash.exists():
        raise ValidationFailed(fields={"name": [_("Two top prizes have the same name.")]})
