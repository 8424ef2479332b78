"""Settings of the certificates app, each with a default (override in the project settings)."""

from django.conf import settings

from certificates.pdf.fonts import BUNDLED_FONT


def font_paths() -> tuple[str, ...]:
    """The bundled Noto Serif SC first, then CERTIFICATE_FONT_PATHS: TrueType fonts used only
    for characters the ones before them lack (e.g. a font with CJK Extension B)."""
    extra = getattr(settings, "CERTIFICATE_FONT_PATHS", [])
    return (str(BUNDLED_FONT), *(str(path) for path in extra))


def site_url() -> str:
    """Where the public verification page lives, for the absolute URL in QR codes."""
    return settings.SITE_URL.rstrip("/")


def verify_limit() -> tuple[int, int]:
    """(lookups, seconds): how many verifications one address may make in a window."""
    return (
        getattr(settings, "CERTIFICATE_VERIFY_LIMIT", 20),
        getattr(settings, "CERTIFICATE_VERIFY_WINDOW_SECONDS", 600),
    )


def proxy_count() -> int:
    """Reverse proxies in front of the site (the same count the login lockout uses)."""
    return getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0)


MAX_BACKGROUND_BYTES = 5 * 1024 * 1024
MAX_STAMP_BYTES = 1024 * 1024  # seal and signature
MAX_IMAGE_PIXELS = 40_000_000
MAX_BACKGROUND_SIDE = 3508  # pixels: A4 at 300 dpi
MAX_STAMP_SIDE = 1000
