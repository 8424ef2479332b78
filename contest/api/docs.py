"""Self-hosted API documentation (Swagger UI and Redoc come from drf-spectacular-sidecar)."""

from django.utils.decorators import method_decorator
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView

# The documentation pages bootstrap themselves with a small inline script; only they may.
_DOCS_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "worker-src": ["'self'", "blob:"],
}


@method_decorator(csp_override(_DOCS_CSP), name="dispatch")
class SwaggerView(SpectacularSwaggerView):
    pass


@method_decorator(csp_override(_DOCS_CSP), name="dispatch")
class RedocView(SpectacularRedocView):
    pass
