"""The results flow end to end through the API (issue 5, "Tests"): scores in → a divergent work
gets a third judge → still apart → arbitration → snapshot → awards with a tie at a cut-off →
publication → an appeal → final results.

One scenario, each actor logged in with their own token. Background work (the divergence check
after each submission) runs as in production: on commit, huey in immediate mode.

The rubric: three criteria of 10 points in steps of 0.5, weights 4, 3, 3 (a sheet's total is
4a + 3b + 3c, at most 100). The round: 2 judges per work, tolerance 10, closest-pair rule, mean.
Sheets by work (the i-th sheet submitted for a work gets the i-th triple), totals and means:

    A1  (9, 9, 9) 90   (9, 9, 8) 87                    → 88.5   rank 1   一等奖
    A3  (7, 7, 7) 70   (7, 8, 7) 73                    → 71.5   rank 2 = 二等奖 (tie settled)
    A4  (7, 7, 7) 70   (7, 8, 7) 73                    → 71.5   rank 2 = 三等奖 (tie settled)
    A2  (5, 5, 5) 50   (8, 8, 8) 80   third 65 (6.5×3) → apart; arbitrated 72:
        closest pair of {50, 80, 65, 72} is 65 & 72    → 68.5   rank 4   nothing
    A5  (4, 4, 4) 40   (5, 4, 4) 44                    → 42     rank 5   nothing
    B1  (8, 8, 8) 80   (8, 8, 8) 80                    → 80     rank 1   一等奖
    B2  (6, 6, 6) 60   (6, 6, 7) 63                    → 61.5   rank 2   二等奖
    B3  (5, 5, 5) 50   (4, 5, 5) 46                    → 48     rank 3   三等奖

Tiers by count per pool: 一等奖 1, 二等奖 1, 三等奖 1. In pool A the two works sharing rank 2
straddle the 二等奖 cut-off: both are proposed 二等奖 and flagged until the organiser decides.
"""

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.utils import timezone

from awards.models import AwardScheme
from contest.models import Contest, ContestRole
from judging.models import Assignment, ChiefJudge, DivergenceCase, Round
from judging.models import Conflict as JudgeConflict
from publication.models import Notice
from results.models import METHOD_LABELS
from tests import factories
from tests import judging_factories as jf
from tests.contest.test_api_helpers import API, assert_error, client_for

pytestmark = pytest.mark.django_db

SHEETS = {
    "A1": [(9, 9, 9), (9, 9, 8)],
    "A2": [(5, 5, 5), (8, 8, 8), ("6.5", "6.5", "6.5")],
    "A3": [(7, 7, 7), (7, 8, 7)],
    "A4": [(7, 7, 7), (7, 8, 7)],
    "A5": [(4, 4, 4), (5, 4, 4)],
    "B1": [(8, 8, 8), (8, 8, 8)],
    "B2": [(6, 6, 6), (6, 6, 7)],
    "B3": [(5, 5, 5), (4, 5, 5)],
}
WEIGHTS = (4, 3, 3)


@dataclass
class World:
    contest: Contest
    round: Round
    criteria: list
    organiser: object
    judges: list
    chief: object
    categories: dict
    works: dict
    submitted: dict = field(default_factory=dict)  # work name → sheets submitted so far
    tiers: dict = field(default_factory=dict)  # tier name → id, once set up
    a4_award: int | None = None

    def name_of(self, work_id: int) -> str:
        return next(name for name, work in self.works.items() if work.pk == work_id)

    def by_code(self, code: str) -> str:
        return next(name for name, work in self.works.items() if work.anonymous_code == code)

    def pool(self, letter: str) -> str:
        return f"category-{self.categories[letter].pk}"


def total(triple) -> Decimal:
    return sum(Decimal(str(v)) * w for v, w in zip(triple, WEIGHTS, strict=True))


def build() -> World:
    """A contest in judging with two categories, the weighted rubric, a round being assigned
    with its eight accepted works, a panel of five judges and a chief judge who is no panel
    member (so the engine never gives them a work)."""
    contest = factories.ContestFactory(phase="judging")
    organiser = factories.OrganiserFactory(contest=contest).user
    rubric = jf.RubricFactory(
        contest=contest,
        criteria=[
            {"name": name, "max_points": Decimal(10), "step": Decimal("0.5"), "weight": weight}
            for name, weight in zip(("教学设计", "技术规范", "创新"), WEIGHTS, strict=True)
        ],
    )
    round_ = jf.RoundFactory(
        contest=contest,
        rubric=rubric,
        state=Round.State.ASSIGNING,
        judges_per_work=2,
        tolerance=Decimal(10),
        final_rule="closest_pair",
        expertise="ignore",
    )
    categories = {
        letter: factories.CategoryFactory(contest=contest, name=f"{letter}组")
        for letter in ("A", "B")
    }
    works = {
        name: jf.accepted_work(round_, category=categories[name[0]], title=f"微课《{name}》")
        for name in SHEETS
    }
    judges = [jf.judge(contest).user for _ in range(5)]
    chief = factories.UserFactory(real_name="主评委")
    ContestRole.objects.create(contest=contest, user=chief, role=ContestRole.Role.JUDGE)
    ChiefJudge.objects.create(round=round_, user=chief)
    criteria = list(rubric.criteria.order_by("order"))
    return World(contest, round_, criteria, organiser, judges, chief, categories, works)


def identities(w: World) -> list[str]:
    """What must never reach a judge: entrants' names, institutions and e-mails, judges'
    names and e-mails."""
    out = []
    for work in w.works.values():
        entrant = work.entrant
        out += [entrant.real_name, entrant.email]
        if entrant.institution:
            out.append(entrant.institution.name)
    for judge in w.judges:
        out += [judge.real_name, judge.email]
    return [text for text in out if text]


def submit_queue(w: World, judge, capture, *, upto: int = 2) -> list[str]:
    """The judge opens their queue and submits their pending sheets of works with fewer than
    `upto` sheets in; the works' names."""
    client = client_for(judge)
    queue = client.get(f"{API}/judging/rounds/{w.round.pk}/queue/")
    assert queue.status_code == 200, queue.content
    done = []
    for item in queue.json()["results"]:
        if item["state"] == "submitted":
            continue
        name = w.by_code(item["anonymous_code"])
        if w.submitted.get(name, 0) >= upto:
            continue
        triple = SHEETS[name][w.submitted.get(name, 0)]
        values = {str(c.pk): str(v) for c, v in zip(w.criteria, triple, strict=True)}
        with capture(execute=True):
            response = client.post(
                f"{API}/judging/assignments/{item['id']}/submit/", {"values": values}, format="json"
            )
        assert response.status_code == 200, response.content
        assert Decimal(response.json()["total"]) == total(triple)
        w.submitted[name] = w.submitted.get(name, 0) + 1
        done.append(name)
    return done


def live_judges(w: World, name: str) -> list[int]:
    return list(
        Assignment.objects.filter(round=w.round, work=w.works[name])
        .exclude(state=Assignment.State.RECUSED)
        .order_by("pk")
        .values_list("judge_id", flat=True)
    )


# --- The scenario


def test_results_flow(django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    w = build()
    org = client_for(w.organiser)
    api = {
        "round": f"{API}/rounds/{w.round.pk}/",
        "ranking": f"{API}/rounds/{w.round.pk}/ranking/",
        "awards": f"{API}/contests/{w.contest.slug}/awards/",
        "notice": f"{API}/contests/{w.contest.slug}/notice/",
    }
    conflicted = scoring_and_third_marking(w, org, api, capture)
    arbitration(w, org, conflicted)
    ranking(w, org, api)
    awards(w, org, api)
    publication(w, org, api)


def scoring_and_third_marking(w: World, org, api, capture):
    # The organiser records a conflict (the fifth judge must never score A2), applies the
    # engine's plan and opens the round.
    conflicted = w.judges[4]
    body = {"judge": conflicted.pk, "work": w.works["A2"].pk, "reason": "同校指导教师"}
    with capture(execute=True):
        response = org.post(f"{API}/contests/{w.contest.slug}/conflicts/", body, format="json")
    assert response.status_code == 201, response.content
    with capture(execute=True):
        applied = org.post(api["round"] + "assignments/apply/", {"incremental": False}, "json")
    assert applied.status_code == 200, applied.content
    assert applied.json() == {"added_count": 16, "withdrawn_count": 0, "unstaffed_count": 0}
    with capture(execute=True):
        opened = org.post(api["round"] + "state/", {"state": "open"}, format="json")
    assert opened.status_code == 200, opened.content
    for name in SHEETS:
        assert len(set(live_judges(w, name))) == 2, name
    first_two = live_judges(w, "A2")
    assert conflicted.pk not in first_two

    # Every judge scores their queue; A2's totals 50 and 80 are 30 apart (> 10).
    for judge in w.judges:
        submit_queue(w, judge, capture)
    assert sum(w.submitted.values()) == 16
    case = DivergenceCase.objects.get(round=w.round)
    assert case.work == w.works["A2"] and case.state == DivergenceCase.State.THIRD_MARKING
    assert case.spread == Decimal("30.00")
    # The platform added a third judge by itself: not one of the first two, not the conflicted.
    judges = live_judges(w, "A2")
    assert len(judges) == 3 and judges[:2] == first_two
    third = judges[2]
    assert third not in first_two and third != conflicted.pk
    assert not JudgeConflict.objects.filter(judge_id=third, work=w.works["A2"]).exists()
    third_user = next(j for j in w.judges if j.pk == third)

    # The third judge scores 65: the closest pair (50/65 or 65/80) is still 15 apart.
    assert submit_queue(w, third_user, capture, upto=3) == ["A2"]
    case.refresh_from_db()
    assert case.state == DivergenceCase.State.ARBITRATION
    # Nothing else diverged.
    assert DivergenceCase.objects.filter(round=w.round).count() == 1
    return case


def arbitration(w: World, org, case) -> None:
    chief = client_for(w.chief)
    queue = chief.get(f"{API}/judging/arbitration/")
    assert queue.status_code == 200, queue.content
    [item] = queue.json()["results"]
    assert item["id"] == case.pk and item["anonymous_code"] == w.works["A2"].anonymous_code
    detail = chief.get(item["url"])
    assert detail.status_code == 200, detail.content
    body = detail.json()
    assert body["writable"] is True and Decimal(body["max_total"]) == 100
    assert sorted(Decimal(s["total"]) for s in body["sheets"]) == [50, 65, 80]
    assert all(s["label"].startswith(("Judge", "评委")) for s in body["sheets"])
    # Blind: no entrant, institution or judge anywhere in what the chief judge reads.
    for text in (queue.content.decode(), detail.content.decode()):
        for identity in identities(w):
            assert identity not in text, identity

    assert_error(
        chief.post(item["url"], {"score": "101", "note": "x"}, "json"), 400, fields=["score"]
    )
    done = chief.post(item["url"], {"score": "72", "note": "按评分标准复核，取72分"}, "json")
    assert done.status_code == 200, done.content
    assert done.json()["arbitrated_score"] == "72.00" and done.json()["writable"] is False
    assert chief.get(f"{API}/judging/arbitration/").json()["count"] == 0

    # The organiser sees the case with its whole history (judges named for them).
    cases = org.get(f"{API}/rounds/{w.round.pk}/cases/").json()
    assert cases["count"] == 1
    [row] = cases["results"]
    assert row["state"] == "arbitrated" and row["arbitrator"] == w.chief.real_name
    history = org.get(row["url"]).json()
    assert [e["kind"] for e in history["events"]] == [
        "opened",
        "judge_added",
        "still_apart",
        "arbitrated",
    ]
    opened, added, apart, arbitrated = history["events"]
    assert sorted(Decimal(t["total"]) for t in opened["totals"]) == [50, 80]
    assert added["added"] == [
        next(j.real_name for j in w.judges if j.pk == live_judges(w, "A2")[2])
    ]
    assert sorted(Decimal(t["total"]) for t in apart["totals"]) == [50, 65, 80]
    assert (
        arbitrated["actor"] == w.chief.real_name and arbitrated["note"] == "按评分标准复核，取72分"
    )


def ranking(w: World, org, api) -> None:
    url = api["ranking"]
    assert_error(org.post(url + "freeze/"), 409)  # the round is still open
    closed = org.post(api["round"] + "state/", {"state": "closed"}, format="json")
    assert closed.status_code == 200, closed.content

    # Every method side by side, and the recommendation with its reason.
    compared = org.get(url + "comparison/", {"page_size": 50}).json()
    assert compared["recommended"] in METHOD_LABELS and compared["reason"]
    assert {p["key"]: p["works"] for p in compared["pools"]} == {w.pool("A"): 5, w.pool("B"): 3}
    assert compared["count"] == 8
    rows = {w.name_of(r["work"]): r for r in compared["results"]}
    for row in rows.values():
        assert set(row["methods"]) == set(METHOD_LABELS)
    assert rows["A2"]["methods"]["mean"]["score"] == pytest.approx(68.5)  # 65 & 72 count
    assert rows["A2"]["sheets"] == 1  # the 65; an arbitrator's score is not a sheet

    first, second = w.criteria[0].pk, w.criteria[1].pk
    settings = {"method": "mean", "tiebreak_criteria": [first, second], "tiebreak_sheets": True}
    saved = org.put(url + "settings/", settings, format="json")
    assert saved.status_code == 200, saved.content
    assert saved.json() == settings

    frozen = org.post(url + "freeze/")
    assert frozen.status_code == 201, frozen.content
    snapshot = frozen.json()
    assert snapshot["method"] == "mean" and snapshot["work_count"] == 8
    assert len(snapshot["input_hash"]) == 64
    assert Round.objects.get(pk=w.round.pk).state == Round.State.FROZEN

    # The ranking, per pool: competition ranks with the shared rank 2 in pool A.
    expected = {
        "A1": (1, "88.5", False),
        "A3": (2, "71.5", True),
        "A4": (2, "71.5", True),
        "A2": (4, "68.5", False),
        "A5": (5, "42", False),
        "B1": (1, "80", False),
        "B2": (2, "61.5", False),
        "B3": (3, "48", False),
    }
    for letter in ("A", "B"):
        page = org.get(url + "results/", {"pool": w.pool(letter)}).json()
        got = {
            w.name_of(e["work"]): (e["rank"], Decimal(e["score"]), e["shares_rank"])
            for e in page["results"]
        }
        want = {k: (r, Decimal(s), t) for k, (r, s, t) in expected.items() if k[0] == letter}
        assert got == want
        assert [e["rank"] for e in page["results"]] == sorted(r for r, _s, _t in want.values())

    # A2's explanation: four totals, the closest pair counted, the arbitrator's marked.
    explained = org.get(url + f"works/{w.works['A2'].pk}/").json()
    assert Decimal(explained["entry"]["score"]) == Decimal("68.5")
    judges = sorted((j["total"], j["counted"], j["arbitrator"]) for j in explained["judges"])
    assert judges == [(50, False, False), (65, True, False), (72, True, True), (80, False, False)]
    assert explained["method"] == "mean"

    reproduced = org.post(url + "reproduce/").json()
    assert reproduced["hash_matches"] and reproduced["ranks_match"] and reproduced["scores_match"]
    assert reproduced["input_hash"] == reproduced["frozen_hash"] == snapshot["input_hash"]
    assert reproduced["differences"] == 0

    # The results as CSV, parsed back.
    response = org.get(url + "results.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 8
    by_title = {r["title"]: r for r in rows}
    for name, (rank, score, shares) in expected.items():
        row = by_title[f"微课《{name}》"]
        assert int(row["rank"]) == rank and Decimal(row["score"]) == Decimal(score)
        assert row["shares_rank"] == str(shares)
        assert row["code"] == w.works[name].anonymous_code
        assert Decimal(row["mean"]) == Decimal(score)


def awards(w: World, org, api) -> None:
    url = api["awards"]
    scheme = org.put(url + "scheme/", {"round": w.round.pk, "mode": "count"}, format="json")
    assert scheme.status_code == 200, scheme.content
    tiers = {}
    for name in ("一等奖", "二等奖", "三等奖"):
        made = org.post(url + "tiers/", {"name": name, "value": "1"}, format="json")
        assert made.status_code == 201, made.content
        tiers[name] = made.json()["id"]

    preview = org.get(url + "preview/").json()
    assert preview["undecided"] == 2
    ties = {w.name_of(t["work"]): t for t in preview["ties"]}
    assert set(ties) == {"A3", "A4"}
    for tie in ties.values():
        assert tie["rank"] == 2 and tie["proposed"] == tiers["二等奖"] and not tie["decided"]
        assert tie["pool_key"] == w.pool("A")
    counts = {p["key"]: p["counts"] for p in preview["pools"]}
    assert counts[w.pool("B")] == {str(t): 1 for t in tiers.values()}

    assert_error(org.post(url + "confirm/", {}, format="json"), 409, "undecided_ties")
    decisions = [
        {"kind": "tier", "work": w.works["A3"].pk, "tier": tiers["二等奖"], "reason": "创新项更高"},
        {"kind": "tier", "work": w.works["A4"].pk, "tier": tiers["三等奖"], "reason": "创新项较低"},
    ]
    settled = org.post(url + "ties/", {"decisions": decisions}, format="json")
    assert settled.status_code == 200, settled.content
    assert all(t["decided"] for t in settled.json())
    confirmed = org.post(url + "confirm/", {}, format="json")
    assert confirmed.status_code == 200, confirmed.content
    assert confirmed.json()["confirmed_at"]

    listed = org.get(url).json()
    got = {w.name_of(a["work"]): (a["prize"], a["rank"]) for a in listed["results"]}
    assert got == {
        "A1": ("一等奖", 1),
        "A3": ("二等奖", 2),
        "A4": ("三等奖", 2),
        "B1": ("一等奖", 1),
        "B2": ("二等奖", 2),
        "B3": ("三等奖", 3),
    }
    a4 = next(a for a in listed["results"] if a["work"] == w.works["A4"].pk)
    assert a4["tie_at_cutoff"] and a4["decided"] and a4["decision_reason"] == "创新项较低"
    w.tiers, w.a4_award = tiers, a4["id"]


def publication(w: World, org, api) -> None:
    now = timezone.now()
    notice = {
        "starts_at": (now - dt.timedelta(minutes=1)).isoformat(),
        "ends_at": (now + dt.timedelta(days=7)).isoformat(),
        "show_title": True,
        "show_authors": False,
        "show_institution": False,
        "show_tier": True,
        "show_score": False,
        "text": "公示期七天",
    }
    public = client_for()
    results_url = f"{API}/contests/{w.contest.slug}/results/"
    assert org.put(api["notice"], notice, format="json").status_code == 200
    assert_error(public.get(results_url), 404)  # not published yet
    published = org.post(api["notice"] + "publish/")
    assert published.status_code == 200, published.content
    assert published.json()["state"] == "open"

    # The public results show what the contest chose: title, tier, rank; no names.
    body = public.get(results_url).json()
    assert body["count"] == 6 and body["final"] is False
    assert all(set(r) == {"rank", "category", "prize", "title"} for r in body["results"])
    shown = {(r["title"], r["prize"], r["rank"]) for r in body["results"]}
    assert ("微课《A4》", "三等奖", 2) in shown and ("微课《A1》", "一等奖", 1) in shown
    assert not any("A2" in title or "A5" in title for title, _p, _r in shown)
    page = public.get(f"/contests/{w.contest.slug}/results/")
    assert page.status_code == 200 and "微课《B3》" in page.content.decode()
    for text in (public.get(results_url).content.decode(), page.content.decode()):
        for work in w.works.values():
            assert work.entrant.real_name not in text

    # The entrant of A4 sees their own total and rank, no judge, and appeals.
    a4 = w.works["A4"]
    entrant = client_for(a4.entrant)
    result = entrant.get(f"{API}/works/{a4.pk}/result/")
    assert result.status_code == 200, result.content
    mine = result.json()
    assert (mine["rank"], mine["shares_rank"], mine["pool_size"]) == (2, True, 5)
    assert Decimal(mine["score"]) == Decimal("71.5") and mine["prizes"] == ["三等奖"]
    assert mine["final"] is False
    for judge in [*w.judges, w.chief]:
        assert judge.real_name not in result.content.decode()
    assert_error(client_for(w.works["B2"].entrant).get(f"{API}/works/{a4.pk}/result/"), 404)
    filed = entrant.post(
        f"{API}/works/{a4.pk}/appeals/",
        {"reason": "tier", "text": "与并列作品同分同名次，请复核奖项等级"},
        format="json",
    )
    assert filed.status_code == 201, filed.content

    # The organiser answers (upheld, what changed) and overrides the award with a reason.
    appeals = org.get(f"{API}/contests/{w.contest.slug}/appeals/", {"state": "open"}).json()
    [appeal] = appeals["results"]
    assert appeal["id"] == filed.json()["id"] and appeal["filed_by"] == a4.entrant.real_name
    answer = {"outcome": "upheld", "answer": "申诉成立", "changes": "三等奖改为二等奖"}
    answered = org.post(f"{API}/appeals/{appeal['id']}/answer/", answer, format="json")
    assert answered.status_code == 200, answered.content
    assert answered.json()["state"] == "answered" and answered.json()["outcome"] == "upheld"
    override = {"tier": w.tiers["二等奖"], "reason": "申诉成立：并列作品同等对待"}
    changed = org.post(api["awards"] + f"{w.a4_award}/override/", override, format="json")
    assert changed.status_code == 200, changed.content
    assert changed.json()["prize"] == "二等奖" and changed.json()["overridden"]
    assert changed.json()["override_reason"] == override["reason"]
    assert entrant.get(f"{API}/works/{a4.pk}/result/").json()["prizes"] == ["二等奖"]
    seen = entrant.get(f"{API}/appeals/{appeal['id']}/").json()
    assert seen["changes"] == "三等奖改为二等奖" and "answered_by" not in seen

    # The notice closes (its times moved into the past): late appeals are refused, the
    # results are final, and awards no longer change.
    day = dt.timedelta(days=1)
    Notice.objects.filter(contest=w.contest).update(starts_at=now - 8 * day, ends_at=now - day)
    AwardScheme.objects.filter(contest=w.contest).update(final_at=now - day)
    late = client_for(w.works["B2"].entrant).post(
        f"{API}/works/{w.works['B2'].pk}/appeals/", {"text": "迟到的申诉"}, format="json"
    )
    assert_error(late, 409, "notice_closed")
    final = public.get(results_url).json()
    assert final["final"] is True and final["count"] == 6
    assert entrant.get(f"{API}/works/{a4.pk}/result/").json()["final"] is True
    again = org.post(api["awards"] + f"{w.a4_award}/override/", override, format="json")
    assert_error(again, 409, "results_final")
    assert org.get(api["notice"]).json()["final"] is True
