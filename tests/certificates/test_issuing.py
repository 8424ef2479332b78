"""Issuing from the confirmed awards: who gets what, numbers, regeneration, revoke, reissue."""

import pytest
from django.utils import translation

from awards.models import Award
from certificates.models import Certificate, CertificateKind
from certificates.services.issuing import (
    certificate_reissue,
    certificate_revoke,
    certificates_check,
    certificates_issue,
)
from contest.errors import Conflict, ValidationFailed
from tests import factories
from tests.certificates_factories import (
    award_institution,
    awarded_work,
    template,
)

pytestmark = pytest.mark.django_db


def test_per_author_certificates_name_each_author_with_the_others_as_co_authors(contest, organiser):
    template(contest)
    work = awarded_work(contest, entrant_name="刘䶮", co_authors=("欧阳燚", "张犇"))
    report = certificates_issue(contest=contest, actor=organiser)
    assert report.created == 3 and not report.problems
    certificates = list(Certificate.objects.order_by("seq"))
    assert [c.holder for c in certificates] == ["刘䶮", "欧阳燚", "张犇"]
    first = certificates[0]
    assert first.fields["co_authors"] == "欧阳燚、张犇"
    assert first.fields["work_title"] == work.title and first.fields["award"] == "一等奖"
    assert first.fields["institution"] == work.entrant.institution.name
    assert [c.number for c in certificates] == [
        "2014-c20-00001",
        "2014-c20-00002",
        "2014-c20-00003",
    ]
    assert len({c.code for c in certificates}) == 3 and all(len(c.code) >= 16 for c in certificates)


def test_per_work_certificate_names_all_authors(contest, organiser):
    template(contest, per_author=False, numbering="C20-{seq:03d}")
    awarded_work(contest, entrant_name="刘䶮", co_authors=("欧阳燚",))
    certificates_issue(contest=contest, actor=organiser)
    (certificate,) = Certificate.objects.all()
    assert certificate.holder == "刘䶮、欧阳燚" and certificate.number == "C20-001"


def test_supervisors_and_institutions_get_their_own_certificates(contest, organiser):
    template(contest)
    template(contest, CertificateKind.SUPERVISOR)
    template(contest, CertificateKind.ORGANISATION)
    work = awarded_work(
        contest, co_authors=(), supervisor_name="王老师", supervisor_institution="师大"
    )
    awarded_work(contest, entrant_name="李珺", co_authors=())  # no supervisor: none for it
    institution = factories.InstitutionFactory(name="杭州市教育局")
    award_institution(contest, institution)
    certificates_issue(contest=contest, actor=organiser)
    kinds = sorted(Certificate.objects.values_list("kind", "holder"))
    assert kinds == sorted(
        [
            ("organisation", "杭州市教育局"),
            ("supervisor", "王老师"),
            ("work_award", "刘䶮"),
            ("work_award", "李珺"),
        ]
    )
    supervisor = Certificate.objects.get(kind="supervisor")
    assert supervisor.fields["co_authors"] == "刘䶮" and supervisor.work == work
    assert supervisor.fields["institution"] == "师大"


def test_regeneration_keeps_numbers_and_codes_and_refreshes_the_text(contest, organiser):
    template(contest)
    work = awarded_work(contest, co_authors=("欧阳燚",))
    certificates_issue(contest=contest, actor=organiser)
    before = dict(Certificate.objects.values_list("subject", "number"))
    codes = set(Certificate.objects.values_list("code", flat=True))
    work.title = "新的标题"
    work.save()
    # Awards reconfirmed: the award rows are new, the certificates stay and follow.
    Award.objects.all().delete()
    from tests.certificates_factories import award_work

    award_work(work)
    awarded_work(contest, entrant_name="李珺", co_authors=())
    report = certificates_issue(contest=contest, actor=organiser)
    assert (report.created, report.updated) == (1, 2)
    after = dict(Certificate.objects.values_list("subject", "number"))
    assert {k: after[k] for k in before} == before
    assert codes < set(Certificate.objects.values_list("code", flat=True))
    assert set(Certificate.objects.values_list("fields__work_title", flat=True)) >= {"新的标题"}
    assert len(set(after.values())) == 3
    again = certificates_issue(contest=contest, actor=organiser)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_a_name_the_font_cannot_draw_is_reported_and_not_issued(contest, organiser):
    template(contest)
    awarded_work(contest, entrant_name="王𠈌", co_authors=("欧阳燚",))
    problems = certificates_check(contest=contest)
    assert [(p["holder"], p["characters"]) for p in problems] == [("王𠈌", ["𠈌"])]
    report = certificates_issue(contest=contest, actor=organiser)
    assert report.created == 1 and report.problems == problems
    assert problems[0]["labels"] == ["𠈌 U+2020C"]
    assert list(Certificate.objects.values_list("holder", flat=True)) == ["欧阳燚"]


def test_revoke_needs_a_reason_and_a_batch_does_not_bring_it_back(contest, organiser):
    template(contest)
    awarded_work(contest, co_authors=())
    certificates_issue(contest=contest, actor=organiser)
    certificate = Certificate.objects.get()
    with translation.override("en"), pytest.raises(ValidationFailed) as error:
        certificate_revoke(certificate=certificate, actor=organiser, reason=" ")
    assert error.value.fields == {"reason": ["Give a reason."]}
    certificate_revoke(certificate=certificate, actor=organiser, reason="获奖信息有误")
    certificate.refresh_from_db()
    assert certificate.is_revoked and certificate.revoked_by == organiser
    with pytest.raises(Conflict):
        certificate_revoke(certificate=certificate, actor=organiser, reason="again")
    report = certificates_issue(contest=contest, actor=organiser)
    assert (report.created, report.revoked) == (0, 1)


def test_reissue_revokes_the_old_one_and_links_a_new_number(contest, organiser):
    template(contest)
    awarded_work(contest, co_authors=())
    certificates_issue(contest=contest, actor=organiser)
    old = Certificate.objects.get()
    new = certificate_reissue(certificate=old, actor=organiser, reason="姓名写错")
    old.refresh_from_db()
    assert old.is_revoked and old.revoked_reason == "姓名写错"
    assert new.replaces == old and new.number != old.number and new.code != old.code
    assert new.holder == old.holder and new.state == Certificate.State.ISSUED
    with pytest.raises(Conflict):
        certificate_reissue(certificate=old, actor=organiser, reason="again")
    assert certificates_issue(contest=contest, actor=organiser).unchanged == 1


def test_issuing_without_a_template_is_refused(contest, organiser):
    awarded_work(contest)
    with pytest.raises(Conflict):
        certificates_issue(contest=contest, actor=organiser)


def test_certificates_whose_award_went_are_reported_not_revoked(contest, organiser):
    template(contest)
    awarded_work(contest, co_authors=("欧阳燚",))
    certificates_issue(contest=contest, actor=organiser)
    Award.objects.all().delete()  # the awards were unconfirmed
    report = certificates_issue(contest=contest, actor=organiser)
    assert (report.created, report.unchanged, report.stale) == (0, 0, 2)
    assert Certificate.objects.filter(state="issued", award=None).count() == 2
