class PortalLanguageMiddleware:
    """zh-Hant unless the user chose otherwise: the language switch (a cookie) decides, not the
    browser's Accept-Language, so a civil servant on an English-language browser still gets the
    portal in Traditional Chinese until they switch. Placed before LocaleMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
