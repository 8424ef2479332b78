"""Organisers' boundary re-review page of a round: the works uncertain near an award cut-off, the
extra workload of more judges on them (previewed, nothing saved), and applying it."""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from awards.models import AwardScheme
from awards.services import boundary as service
from contest.errors import DomainError
from judging.selectors.assignment import access_round
from results.models import METHOD_LABELS

SPLIT = re.compile(r"[\s,，、;；/]+")


def parse_numbers(text: str) -> list[Decimal]:
    """Numbers separated by commas or spaces (also full-width commas), in order."""
    out = []
    for part in SPLIT.split(text.strip()):
        if not part:
            continue
        try:
            value = Decimal(part)
        except InvalidOperation as exc:
            raise forms.ValidationError(_("“%(part)s” is not a number.") % {"part": part}) from exc
        if not value.is_finite():
            raise forms.ValidationError(_("“%(part)s” is not a number.") % {"part": part})
        out.append(value)
    return out


class BoundaryForm(forms.Form):
    margin = forms.DecimalField(
        label=gettext_lazy("Margin (standard errors)"),
        min_value=0,
        max_value=service.MAX_MARGIN,
        max_digits=4,
        decimal_places=2,
        initial=Decimal("1.0"),
        help_text=gettext_lazy(
            "A work is uncertain when its score lies within this many standard errors of a cut-off."
        ),
    )
    count = forms.IntegerField(
        label=gettext_lazy("Extra judges per work"),
        min_value=1,
        max_value=service.MAX_EXTRA,
        initial=1,
    )
    mode = forms.ChoiceField(
        label=gettext_lazy("Tiers allocated by"),
        choices=[("", "—"), *AwardScheme.Mode.choices],
        required=False,
    )
    values = forms.CharField(
        label=gettext_lazy("Tier values, best tier first"),
        required=False,
        max_length=200,
        help_text=gettext_lazy(
            "E.g. 10, 20, 30. Only needed when the contest has no award scheme yet, or to try "
            "other tiers; the scheme is not changed."
        ),
    )
    works = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_values(self) -> list[Decimal]:
        return parse_numbers(self.cleaned_data.get("values") or "")

    def clean_works(self) -> list[int] | None:
        raw = self.data.getlist("works") if hasattr(self.data, "getlist") else []
        try:
            ids = [int(v) for v in raw if v != ""]
        except ValueError as exc:
            raise forms.ValidationError(_("Choose works from the list.")) from exc
        return ids if "works" in self.data else None

    def clean(self):
        data = super().clean()
        if data.get("values") and not data.get("mode"):
            self.add_error("mode", _("Say how the tier values are read."))
        return data


def _spec(form: BoundaryForm) -> service.TierSpec | None:
    values = form.cleaned_data.get("values")
    return service.entered_spec(form.cleaned_data["mode"], values) if values else None


def _query(form: BoundaryForm) -> str:
    keep = {k: form.data.get(k, "") for k in ("margin", "count", "mode", "values")}
    keep = {k: v for k, v in keep.items() if k != "mode" or keep["values"]}
    return urlencode({k: v for k, v in keep.items() if v})


def _context(round_, form: BoundaryForm) -> dict:
    context = {"round": round_, "contest": round_.contest, "tab": "boundary", "form": form}
    if not form.is_valid():
        return context
    try:
        spec = _spec(form)
        review = service.boundary_review(round_, margin=form.cleaned_data["margin"], spec=spec)
    except DomainError as exc:
        context["error"] = exc.message
        for name, errors in (exc.fields or {}).items():
            for error in errors:
                form.add_error(name if name in form.fields else None, error)
        return context
    chosen = form.cleaned_data["works"]
    selected = review.work_ids if chosen is None else sorted(set(chosen) & set(review.work_ids))
    context.update(
        review=review,
        method_label=METHOD_LABELS.get(review.method, review.method),
        selected=set(selected),
    )
    if selected:
        plan = service.boundary_preview(
            round=round_, work_ids=selected, count=form.cleaned_data["count"]
        )
        context["plan"] = plan
        context["growing"] = [j for j in plan.judges if j.added]
    try:
        service.check_open(round_)
    except DomainError as exc:
        context["not_open"] = exc.message
    return context


@require_http_methods(["GET", "POST"])
@login_required
def round_boundary(request, slug: str, pk: int):
    """GET finds the uncertain works; POST previews the workload of the ticked ones (nothing is
    saved either way)."""
    round_ = access_round(request.user, pk, slug=slug)
    data = request.POST if request.method == "POST" else request.GET
    form = BoundaryForm(data if data else {"margin": "1.0", "count": "1"})
    return render(request, "awards/boundary/round.html", _context(round_, form))


@require_POST
@login_required
def round_boundary_apply(request, slug: str, pk: int):
    round_ = access_round(request.user, pk, slug=slug)
    form = BoundaryForm(request.POST)
    back = reverse("round_boundary", args=[slug, pk])
    if not form.is_valid() or not form.cleaned_data["works"]:
        messages.error(request, _("Choose at least one work and how many judges to add."))
        return redirect(f"{back}?{_query(form)}")
    try:
        result = service.boundary_apply(
            round=round_,
            work_ids=form.cleaned_data["works"],
            count=form.cleaned_data["count"],
            actor=request.user,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(f"{back}?{_query(form)}")
    text = _("%(added)s assignments added.") % {"added": result.added_count}
    if result.unstaffed_count:
        text += " " + _(
            "%(short)s works are still short of judges; they are staffed as judges free up."
        ) % {"short": result.unstaffed_count}
    messages.success(request, text)
    return redirect(reverse("round_assignment", args=[slug, pk]))
