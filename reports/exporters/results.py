"""Exports of results: the ranking of a frozen round, judge statistics, the awards list."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from awards.models import Kind
from reports.exporters.base import INTEGER, SCORE, Column, Exporter, register
from reports.selectors import results as selectors
from results.models import METHOD_LABELS
from results.selectors.quality import round_quality

AUTHORS_SEPARATOR = "、"


def _joined(first: str | None, rest: str | None, *, unique: bool = False) -> str:
    names = [first or "", *(rest.split(AUTHORS_SEPARATOR) if rest else [])]
    names = [name for name in names if name]
    if unique:
        names = list(dict.fromkeys(names))
    return AUTHORS_SEPARATOR.join(names)


@register
class RankingExporter(Exporter):
    key = "ranking"
    name = gettext_lazy("Ranked results")
    description = gettext_lazy(
        "The frozen results of a round: rank, work, authors, institutions, each judge's total, "
        "every method's score, the final score and the award."
    )
    round_required = True
    split_column = 3

    def __init__(self, contest, filters):
        super().__init__(contest, filters)
        self.snapshot = selectors.snapshot_of(self.round)
        self.methods = list(self.snapshot.params.get("methods") or METHOD_LABELS)
        self.judges = selectors.most_judge_totals(self.snapshot)
        self.pools = selectors.pool_names(self.snapshot)

    def columns(self) -> list[Column]:
        return [
            Column(_("Rank"), INTEGER, width=6),
            Column(_("Shares its rank"), width=8),
            Column(_("Ranking pool"), width=20),
            Column(_("Category"), width=22),
            Column(_("Anonymous code"), width=12),
            Column(_("Title"), width=36),
            Column(_("Authors"), width=20),
            Column(_("Institutions"), width=30),
            *(
                Column(_("Judge %(n)s total") % {"n": n}, SCORE, width=9)
                for n in range(1, self.judges + 1)
            ),
            Column(_("Arbitrator's score"), SCORE, width=9),
            Column(_("Sheets not counted"), INTEGER, width=8),
            *(Column(METHOD_LABELS.get(m, m), SCORE, width=10) for m in self.methods),
            Column(_("Final score"), SCORE, width=10),
            Column(_("Sheets"), INTEGER, width=7),
            Column(_("Award tier"), width=12),
            Column(_("Top prize"), width=12),
        ]

    def count(self) -> int:
        return selectors.ranking_entries(self.snapshot, category=self.category).count()

    def rows(self):
        yes, pools, methods, judges = _("Yes"), self.pools, self.methods, self.judges
        for row in selectors.ranking_rows(self.snapshot, category=self.category):
            (rank, shares, pool, category, code, title, entrant, names, institution,
             institutions, totals, scores, score, sheets, tier, top_prize) = row  # fmt: skip
            sheets_of_judges = [t["total"] for t in totals if not t.get("arbitrator")]
            arbitrator = next((t["total"] for t in totals if t.get("arbitrator")), None)
            sheets_of_judges += [None] * (judges - len(sheets_of_judges))
            yield (
                rank,
                yes if shares else "",
                pools.get(pool, pool),
                category,
                code,
                title,
                _joined(entrant, names),
                _joined(institution, institutions, unique=True),
                *sheets_of_judges[:judges],
                arbitrator,
                sum(1 for t in totals if not t.get("counted", True)),
                *(scores.get(m) for m in methods),
                score,
                sheets,
                tier or "",
                top_prize or "",
            )


@register
class JudgeStatisticsExporter(Exporter):
    key = "judges"
    name = gettext_lazy("Judge statistics")
    description = gettext_lazy(
        "Per judge of a round: sheets, mean and spread, leniency against the panel, agreement "
        "with the consensus, outliers."
    )
    round_required = True
    uses_category = False

    def __init__(self, contest, filters):
        super().__init__(contest, filters)
        self.quality = round_quality(self.round)

    def columns(self) -> list[Column]:
        return [
            Column(_("Judge"), width=12),
            Column(_("Judge's e-mail"), width=26),
            Column(_("Sheets"), INTEGER, width=7),
            Column(_("Mean"), SCORE, width=8),
            Column(_("Standard deviation"), SCORE, width=9),
            Column(_("Lowest"), SCORE, width=8),
            Column(_("Median"), SCORE, width=8),
            Column(_("Highest"), SCORE, width=8),
            Column(_("Works shared with other judges"), INTEGER, width=9),
            Column(_("Leniency"), SCORE, width=9),
            Column(_("Agreement"), SCORE, width=9),
            Column(_("Mean absolute deviation"), SCORE, width=9),
            Column(_("Leniency (z)"), SCORE, width=9),
            Column(_("Agreement (z)"), SCORE, width=9),
            Column(_("Outlier"), width=8),
        ]

    def count(self) -> int:
        return len(self.quality.judges)

    def rows(self):
        yes = _("Yes")
        for judge in self.quality.judges:
            box = judge.distribution
            yield (
                judge.name,
                judge.email,
                judge.count,
                judge.mean,
                judge.std,
                box.low,
                box.median,
                box.high,
                judge.paired,
                judge.leniency,
                judge.agreement,
                judge.mean_abs_dev,
                judge.leniency_z,
                judge.agreement_z,
                yes if judge.outlier else "",
            )


@register
class AwardsExporter(Exporter):
    key = "awards"
    name = gettext_lazy("Awards list for publication")
    description = gettext_lazy(
        "The confirmed awards: top prizes, each pool's tiers and the organisation award, with "
        "works, authors, institutions and supervising teachers."
    )
    uses_round = False

    def columns(self) -> list[Column]:
        return [
            Column(_("Kind"), width=12),
            Column(_("Award"), width=14),
            Column(_("Ranking pool"), width=20),
            Column(_("Rank"), INTEGER, width=6),
            Column(_("Score or points"), SCORE, width=9),
            Column(_("Anonymous code"), width=12),
            Column(_("Title"), width=36),
            Column(_("Category"), width=22),
            Column(_("Authors"), width=20),
            Column(_("Institutions"), width=30),
            Column(_("Supervising teacher"), width=12),
            Column(_("Supervising teacher's institution"), width=26),
        ]

    def count(self) -> int:
        return selectors.awards_in_scope(self.contest, category=self.category).count()

    def rows(self):
        kinds = {value: str(label) for value, label in Kind.choices}
        for row in selectors.award_rows(self.contest, category=self.category):
            (kind, prize, pool, rank, score, code, title, category, entrant, names,
             institution, institutions, supervisor, supervisor_at, organisation) = row  # fmt: skip
            yield (
                kinds.get(kind, kind),
                prize,
                pool,
                rank,
                score,
                code,
                title,
                category,
                _joined(entrant, names),
                organisation or _joined(institution, institutions, unique=True),
                supervisor,
                supervisor_at,
            )
