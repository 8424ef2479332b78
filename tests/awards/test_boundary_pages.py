"""The organisers' boundary re-review page: finding, previewing, applying; who may; bad input."""

import pytest
from django.urls import reverse

from awards.models import AwardScheme
from judging.models import Assignment, Round
from tests import boundary_factories as bf
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    return bf.scene()


def page(s):
    return reverse("round_boundary", args=[s.round.contest.slug, s.round.pk])


def apply_url(s):
    return reverse("round_boundary_apply", args=[s.round.contest.slug, s.round.pk])


@pytest.fixture
def as_organiser(client, s):
    client.force_login(s.organiser)
    client.cookies["lang"] = "en"
    return client


def main(response) -> str:
    return response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]


def test_page_lists_uncertain_works_and_the_workload(as_organiser, s):
    response = as_organiser.get(page(s))
    assert response.status_code == 200
    html = main(response)
    e = s.works["E"]
    assert f'value="{e.pk}" id="work-{e.pk}" form="boundary-apply" checked' in html
    assert s.works["F"].anonymous_code not in html  # z 1.07 at margin 1
    assert "二等奖 ≥ 68.00" in html and "一等奖 ≥ 80.17" in html
    assert "1 new assignments for 1 work" in html
    assert s.spares[0].real_name in html or s.spares[1].real_name in html
    assert "style=" not in html and "<script" not in html
    assert 'id="not-open"' not in html
    # blind review is the judges' concern; organisers see codes, never entrants here
    assert e.entrant.real_name not in html


def test_wider_margin_and_preview_of_a_selection(as_organiser, s):
    html = main(as_organiser.get(page(s), {"margin": "2.5", "count": "2"}))
    for label in "EFC":
        assert s.works[label].anonymous_code in html
    assert "6 new assignments for 3 works" in html  # both spare judges on each
    response = as_organiser.post(
        page(s), {"margin": "2.5", "count": "1", "works": [s.works["F"].pk]}
    )
    html = main(response)
    assert (
        f'value="{s.works["F"].pk}" id="work-{s.works["F"].pk}" form="boundary-apply" checked'
        in html
    )
    assert f'value="{s.works["E"].pk}" id="work-{s.works["E"].pk}" form="boundary-apply">' in html
    assert "1 new assignments for 1 work" in html
    assert Assignment.objects.filter(state=Assignment.State.PENDING).count() == 0


def test_apply_adds_the_judges_and_goes_to_the_assignment_page(as_organiser, s):
    e = s.works["E"]
    response = as_organiser.post(
        apply_url(s), {"margin": "1", "count": "1", "works": [e.pk]}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse(
        "round_assignment", args=[s.round.contest.slug, s.round.pk]
    )
    assert "1 assignments added." in response.content.decode()
    assert Assignment.objects.filter(work=e, state=Assignment.State.PENDING).count() == 1


def test_closed_round_explains_how_to_reopen_and_nothing_is_saved(client):
    s = bf.scene(state=Round.State.CLOSED)
    client.force_login(s.organiser)
    client.cookies["lang"] = "en"
    html = main(client.get(page(s)))
    assert 'id="not-open"' in html and "Reopen it on the round" in html
    assert "disabled>Add the extra judges" in html.replace("\n", "")
    response = client.post(
        apply_url(s), {"margin": "1", "count": "1", "works": [s.works["E"].pk]}, follow=True
    )
    assert "Reopen it on the round" in response.content.decode()
    assert not Assignment.objects.filter(state=Assignment.State.PENDING).exists()


def test_without_a_scheme_the_organiser_enters_tiers(client):
    s = bf.scene(scheme=False)
    client.force_login(s.organiser)
    client.cookies["lang"] = "en"
    html = main(client.get(page(s)))
    assert 'id="boundary-error"' in html and "no award tiers" in html
    html = main(
        client.get(page(s), {"margin": "1", "count": "1", "mode": "percent", "values": "20，30"})
    )
    assert "Tiers as entered above" in html
    assert s.works["E"].anonymous_code in html
    assert not AwardScheme.objects.filter(contest=s.round.contest).exists()


@pytest.mark.parametrize(
    ("params", "field_error"),
    [
        ({"margin": "abc", "count": "1"}, "Enter a number."),
        ({"margin": "9", "count": "1"}, "less than or equal to 5"),
        ({"margin": "1", "count": "0"}, "greater than or equal to 1"),
        ({"margin": "1", "count": "1", "mode": "percent", "values": "20 x"}, "is not a number"),
        ({"margin": "1", "count": "1", "values": "20"}, "Say how the tier values are read."),
        ({"margin": "1", "count": "1", "mode": "percent", "values": "70 40"}, "more than 100"),
    ],
)
def test_bad_input_gets_a_clear_error(as_organiser, s, params, field_error):
    response = as_organiser.get(page(s), params)
    assert response.status_code == 200
    html = main(response)
    assert field_error in html
    assert 'id="workload"' not in html


def test_apply_with_nothing_chosen_or_bad_ids(as_organiser, s):
    response = as_organiser.post(apply_url(s), {"margin": "1", "count": "1"}, follow=True)
    assert "Choose at least one work" in response.content.decode()
    response = as_organiser.post(
        apply_url(s), {"margin": "1", "count": "1", "works": ["x"]}, follow=True
    )
    assert "Choose at least one work" in response.content.decode()
    other = bf.scene()
    response = as_organiser.post(
        apply_url(s), {"margin": "1", "count": "1", "works": [other.works["A"].pk]}, follow=True
    )
    assert "not in the round" in response.content.decode()
    assert not Assignment.objects.filter(state=Assignment.State.PENDING).exists()


def test_judges_and_others_may_not(client, s):
    for user, status in ((s.judges["j1"], 403), (factories.UserFactory(), 403)):
        client.force_login(user)
        assert client.get(page(s)).status_code == status
        response = client.post(
            apply_url(s), {"margin": "1", "count": "1", "works": [s.works["E"].pk]}
        )
        assert response.status_code == status
    client.logout()
    assert client.get(page(s)).status_code == 302
    other = factories.ContestFactory(phase="judging")
    client.force_login(s.organiser)
    assert client.get(reverse("round_boundary", args=[other.slug, s.round.pk])).status_code == 404
    assert client.get(apply_url(s)).status_code == 405
    assert not Assignment.objects.filter(state=Assignment.State.PENDING).exists()
