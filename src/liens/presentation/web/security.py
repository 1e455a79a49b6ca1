"""What every response carries, and the token check: headers against injection, a bearer token or cookie."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable

from fastapi import Request
from fastapi.responses import PlainTextResponse, Response

from ..i18n import t

TOKEN_COOKIE = "liens_token"
SECURITY_HEADERS = {
    # Scripts only from this server: an injected inline script could not run.
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                               "img-src 'self' data: blob:; frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
CallNext = Callable[[Request], Awaitable[Response]]


def secure(response: Response) -> None:
    """Add the security headers a response does not set itself."""
    for key, value in SECURITY_HEADERS.items():
        if key not in response.headers:  # the report page sets its own policy (its meta tag holds the rest)
            response.headers[key] = value


def presented_token(request: Request) -> str | None:
    """The token a request carries: `Authorization: Bearer`, else `?token=`, else the cookie."""
    given = request.headers.get("authorization", "")
    candidate = given[7:] if given.lower().startswith("bearer ") else None
    return candidate or request.query_params.get("token") or request.cookies.get(TOKEN_COOKIE)


def token_matches(candidate: str | None, token: str) -> bool:
    """Constant-time comparison, so the time taken says nothing about the token."""
    return bool(candidate) and secrets.compare_digest((candidate or "").encode(), token.encode())


def guard(token: str | None, lang: str) -> Callable[[Request, CallNext], Awaitable[Response]]:
    """The HTTP middleware: with a token, refuse requests without it (401); always add the security headers.

    A `?token=` that matches sets an HTTP-only cookie, so the links of the pages work without it.
    """

    async def middleware(request: Request, call_next: CallNext) -> Response:
        set_cookie = False
        if token is not None:
            if not token_matches(presented_token(request), token):
                response: Response = PlainTextResponse(t("d_unauthorized", lang), status_code=401)
                secure(response)
                return response
            set_cookie = request.query_params.get("token") is not None
        response = await call_next(request)
        secure(response)
        if set_cookie:
            response.set_cookie(TOKEN_COOKIE, token or "", httponly=True, samesite="strict")
        return response

    return middleware
