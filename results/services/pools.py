"""Ranking pools: categories of a contest joined to be ranked together.

A category belongs to at most one pool (a database constraint); categories in no pool are
ranked on their own. Frozen snapshots keep their own copy of the pools, so editing a pool
changes only later freezes; a pool a snapshot's entries refer to cannot be deleted.
Callers check permissions first (contest organisers).
"""

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from contest.errors import Conflict, ValidationFailed
from contest.models import Category, Contest
from results.models import Pool, PoolCategory


def _check(pool: Pool, categories: list[Category]) -> None:
    errors: dict[str, list[str]] = {}
    pool.name = " ".join((pool.name or "").split())
    if not pool.name:
        errors["name"] = [_("Enter a name.")]
    elif (
        Pool.objects.filter(contest_id=pool.contest_id, name=pool.name).exclude(pk=pool.pk).exists()
    ):
        errors["name"] = [_("Another pool of this contest has this name.")]
    if not categories:
        errors["categories"] = [_("Choose at least one category.")]
    elif any(c.contest_id != pool.contest_id for c in categories):
        errors["categories"] = [_("Choose categories of this contest.")]
    else:
        taken = (
            PoolCategory.objects.filter(category__in=categories)
            .exclude(pool_id=pool.pk)
            .select_related("category", "pool")
        )
        names = [f"{m.category.name} ({m.pool.name})" for m in taken]
        if names:
            errors["categories"] = [
                _("Already in another pool: %(names)s.") % {"names": ", ".join(names)}
            ]
    if errors:
        raise ValidationFailed(fields=errors)


def _save(pool: Pool, categories: list[Category]) -> Pool:
    _check(pool, categories)
    try:
        with transaction.atomic():
            pool.save()
            PoolCategory.objects.filter(pool=pool).exclude(category__in=categories).delete()
            present = set(
                PoolCategory.objects.filter(pool=pool).values_list("category_id", flat=True)
            )
            PoolCategory.objects.bulk_create(
                PoolCategory(pool=pool, category=c) for c in categories if c.pk not in present
            )
    except IntegrityError as exc:  # a concurrent edit took the name or a category
        raise Conflict(_("Another edit of the pools came first; try again."), code="race") from exc
    return pool


@transaction.atomic
def pool_create(*, contest: Contest, name: str, categories, order: int = 0) -> Pool:
    return _save(Pool(contest=contest, name=name, order=order), list(categories))


@transaction.atomic
def pool_update(*, pool: Pool, **changes) -> Pool:
    """Change name, order and/or categories (the whole list)."""
    pool = Pool.objects.select_for_update().get(pk=pool.pk)
    unknown = changes.keys() - {"name", "order", "categories"}
    if unknown:
        raise ValidationFailed(fields={name: [_("Unknown field.")] for name in sorted(unknown)})
    categories = changes.pop("categories", None)
    for name, value in changes.items():
        setattr(pool, name, value)
    if categories is None:
        categories = list(pool.categories.all())
    return _save(pool, list(categories))


@transaction.atomic
def pool_delete(*, pool: Pool) -> None:
    try:
        pool.delete()
    except ProtectedError as exc:
        raise Conflict(
            _("Frozen results are ranked in this pool; unfreeze them first."), code="in_use"
        ) from exc
