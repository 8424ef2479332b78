"""Language choice: Simplified Chinese unless the person chose otherwise.

Order: the language cookie (set by the switcher); for the API only, Accept-Language; the logged-in
user's saved preference; the platform default. Pages ignore the browser's Accept-Language because
the platform is Chinese first. Runs after AuthenticationMiddleware.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import trans_real

from contest.errors import NotFound, PermissionDeniedError


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def _choose(self, request) -> str:
        cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if cookie in self.supported:
            return cookie
        if request.path.startswith("/api/"):
            accepted = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
            for code, _q in trans_real.parse_accept_lang_header(accepted):
                try:
                    return translation.get_supported_language_variant(code)
                except LookupError:
                    continue
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language in self.supported:
            return user.language
        return settings.LANGUAGE_CODE

    def __call__(self, request):
        language = self._choose(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        translation.deactivate()
        return response


class AccessErrorMiddleware:
    """Pages answer the selectors' access errors as Django does: 404 and 403 pages.

    `access_contest` and `access_work` raise NotFound / PermissionDeniedError (domain errors the
    API turns into its JSON shape); for pages they become Http404 / PermissionDenied here, so no
    view needs to translate them.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, NotFound):
            raise Http404 from exception
        if isinstance(exception, PermissionDeniedError):
            raise PermissionDenied from exception
        return None
