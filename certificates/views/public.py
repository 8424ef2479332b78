"""The entrant's certificates, and the public verification page (no login)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from certificates.forms import VerifyForm
from certificates.selectors import access_own_certificate, certificates_of_entrant
from certificates.services.rendering import certificate_pdf, file_name
from certificates.services.verification import (
    TooManyChecks,
    certificate_verify,
    client_address,
)
from certificates.views.manage import pdf_response


@login_required
def my_certificates(request):
    return render(
        request,
        "certificates/mine.html",
        {"certificates": certificates_of_entrant(request.user)},
    )


@login_required
def my_certificate_download(request, pk: int):
    certificate = access_own_certificate(request.user, pk)
    return pdf_response(certificate_pdf(certificate), file_name(certificate))


def _verify(request, *, code: str, number: str | None, form):
    try:
        result = certificate_verify(address=client_address(request.META), code=code, number=number)
    except TooManyChecks as exc:
        response = render(
            request, "certificates/verify.html", {"form": form, "throttled": exc.message}
        )
        response.status_code = 429
        return response
    context = {"form": form, "checked": True, "result": result}
    return render(request, "certificates/verify.html", context, status=200 if result else 404)


def verify(request):
    """Check by number and code (the form sends them as GET parameters)."""
    if not request.GET:
        return render(request, "certificates/verify.html", {"form": VerifyForm()})
    form = VerifyForm(request.GET)
    if not form.is_valid():
        return render(request, "certificates/verify.html", {"form": form})
    data = form.cleaned_data
    return _verify(request, code=data["code"], number=data["number"], form=form)


def verify_code(request, code: str):
    """The page a certificate's QR code opens."""
    return _verify(request, code=code, number=None, form=VerifyForm())
