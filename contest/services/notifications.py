"""E-mails to entrants about their works, sent by the background worker in their language."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from contest.models import Work

SUBJECTS = {
    "submitted": _("Your work “%(title)s” was submitted"),
    "accepted": _("Your work “%(title)s” passed screening"),
    "returned": _("Your work “%(title)s” was returned for fixes"),
    "rejected": _("Your work “%(title)s” was not accepted"),
    "disqualified": _("Your work “%(title)s” was disqualified"),
}
SENTENCES = {
    "submitted": _("We have received your work. You can follow its status on the platform."),
    "accepted": _("Your work passed screening and will go to the judges."),
    "returned": _(
        "Your work needs fixes before it can go to the judges. Please change it and "
        "submit it again before the deadline."
    ),
    "rejected": _("Your work did not pass screening."),
    "disqualified": _("Your work was disqualified by the organisers."),
}


def work_notification_send(*, work_id: int, event: str) -> bool:
    work = Work.objects.select_related("entrant", "contest").filter(pk=work_id).first()
    if work is None or event not in SUBJECTS:
        return False
    with translation.override(work.entrant.language):
        context = {
            "work": work,
            "user": work.entrant,
            "sentence": SENTENCES[event],
            "reason": work.status_reason if event != "submitted" else "",
            "link": settings.SITE_URL.rstrip("/") + reverse("work_detail", args=[work.pk]),
        }
        subject = str(SUBJECTS[event]) % {"title": work.title}
        body = render_to_string("contest/email/work_status.txt", context)
    send_mail(subject, body, None, [work.entrant.email])
    return True
