"""What every response carries, and the token check: headers against injection, a bearer token or cookie."""

from __future__ import annotations

import ipaddress
import secrets
from collections.abc import Awaitable, Callable, Iterable

from fastapi import Request
from fastapi.responses import PlainTextResponse, Response

from ..i18n import register, t

register({
    "d_bad_host": {
        "en": "This dashboard answers only at its own address. Open it at the address `liens serve` printed "
              "(or allow this name with --allow-host).",
        "fr": "Ce tableau de bord ne répond qu'à sa propre adresse. Ouvrez-le à l'adresse affichée par `liens serve` "
              "(ou autorisez ce nom avec --allow-host).",
    },
})
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")

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


def host_name(header: str) -> str:
    """The name of a `Host` header, without its port: `127.0.0.1:8765` -> `127.0.0.1`, `[::1]:80` -> `::1`."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].split("]", 1)[0]
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def allowed_hosts(bound: str, extra: Iterable[str] = ()) -> frozenset[str] | None:
    """The `Host` names a dashboard bound to `bound` answers: its address, and the loopback names when
    it listens on loopback, plus `extra`. None (any name) for a wildcard address without `extra`:
    then only the token, mandatory off loopback, protects it."""
    names = {host_name(h) for h in extra if h.strip()}
    bound = host_name(bound)
    try:
        address = ipaddress.ip_address(bound)
    except ValueError:
        address = None
    if address is not None and address.is_unspecified:
        return frozenset(names) | frozenset(LOOPBACK_NAMES) if names else None
    names.add(bound)
    if bound == "localhost" or (address is not None and address.is_loopback):
        names.update(LOOPBACK_NAMES)
    return frozenset(names)


def guard(token: str | None, lang: str, hosts: frozenset[str] | None = None) -> Callable[[Request, CallNext], Awaitable[Response]]:
    """The HTTP middleware: a `Host` not in `hosts` is refused (400: a page of another site reaching the
    dashboard by DNS rebinding); with a token, refuse requests without it (401); always add the
    security headers.

    A `?token=` that matches sets an HTTP-only cookie, so the links of the pages work without it.
    """

    async def middleware(request: Request, call_next: CallNext) -> Response:
        if hosts is not None and host_name(request.headers.get("host", "")) not in hosts:
            refused: Response = PlainTextResponse(t("d_bad_host", lang), status_code=400)
            secure(refused)
            return refused
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
