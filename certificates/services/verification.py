"""The public check of a certificate: a lookup by number and code (or code alone, from the QR
code), limited per address so that nobody can enumerate certificates.

Only what a verifier needs is revealed: contest, award, work title, holders, number and state.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from certificates import conf
from certificates.models import Certificate
from contest.errors import DomainError


class TooManyChecks(DomainError):
    code = "throttled"
    status = 429
    default_message = _("Too many certificate checks from your address. Try again later.")


@dataclass(frozen=True)
class Verification:
    number: str
    contest: str
    award: str
    work_title: str
    holders: str
    revoked: bool
    replaced: bool


def client_address(meta: dict) -> str:
    """The caller's address: REMOTE_ADDR, or the entry the nearest trusted proxy added."""
    proxies = conf.proxy_count()
    forwarded = [part.strip() for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if part]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return meta.get("REMOTE_ADDR", "")


def count_check(address: str) -> None:
    """Count one check for the address; TooManyChecks once it used up the window's allowance."""
    limit, window = conf.verify_limit()
    key = f"certificates:verify:{address}"
    cache.add(key, 0, timeout=window)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        used = 1
    if used > limit:
        raise TooManyChecks()


def certificate_verify(
    *, address: str, code: str, number: str | None = None
) -> Verification | None:
    """The public facts of the certificate with this code (and number, when given); None when
    there is none. Counts against the address's allowance before looking anything up."""
    count_check(address)
    code = (code or "").strip()[:32]
    if not code:
        return None
    query = Certificate.objects.filter(code=code).select_related("contest", "replaced_by")
    if number is not None:
        query = query.filter(number=number.strip()[:80])
    certificate = query.first()
    if certificate is None:
        return None
    fields = certificate.fields
    return Verification(
        number=certificate.number,
        contest=certificate.contest.title,
        award=fields.get("award", ""),
        work_title=fields.get("work_title", ""),
        holders=certificate.holder,
        revoked=certificate.is_revoked,
        replaced=hasattr(certificate, "replaced_by"),
    )
