"""E-mail to an entrant whose appeal was answered, sent by the background worker in their
language. The answer is read on the platform (the link); the mail says only that it is there."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from publication.models import Appeal


def appeal_answer_send(*, appeal_id: int) -> bool:
    appeal = (
        Appeal.objects.select_related("work__contest", "filed_by")
        .filter(pk=appeal_id, state=Appeal.State.ANSWERED)
        .first()
    )
    if appeal is None:
        return False
    entrant = appeal.filed_by
    with translation.override(entrant.language):
        context = {
            "appeal": appeal,
            "work": appeal.work,
            "user": entrant,
            "link": settings.SITE_URL.rstrip("/") + reverse("appeal_detail", args=[appeal.pk]),
        }
        subject = _("Your appeal about “%(title)s” was answered") % {"title": appeal.work.title}
        body = render_to_string("publication/email/appeal_answered.txt", context)
    send_mail(subject, body, None, [entrant.email])
    return True
