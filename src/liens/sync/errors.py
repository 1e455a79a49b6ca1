"""What can go wrong in a sync, each error with a code the CLI words in French or English.

SyncError(LiensError)        base: `code` names the message, `params` fill it; str() is the English text
├── TokenMissing             no token in the environment variable or the file given
├── TokenInvalid             the platform refused the token: expired, revoked or malformed (Graph 190, HTTP 401)
├── PermissionMissing        the token lacks a permission or scope, named (Graph 10 / 200-299, YouTube 403)
├── RateLimited              throttled or out of quota for longer than the sync may wait; resumable
├── ApiDeprecated            the pinned API version or a metric was retired by the platform
├── ApiFailure               the platform kept failing (5xx, network) or sent a page that is not JSON; resumable
└── AccountNotFound          the token sees no account of the kind asked for

No message ever holds the token: every text is passed through `redact` before it is raised.
"""

from __future__ import annotations

from typing import Any

from ..errors import LiensError

MESSAGES = {
    "token_missing": "no {platform} token: set the environment variable {env} or give --token-file PATH "
                     "(see `liens sync --help` for how to obtain one)",
    "token_file_unreadable": "the token file {path} cannot be read or is empty",
    "token_invalid": "the {platform} token was refused ({reason}): create a new one and run the same command again",
    "permission_missing": "the {platform} token lacks the permission {permission}, needed to read {endpoint}: "
                          "grant it to the app and create a new token",
    "rate_limited": "{platform} asks to wait {seconds:.0f} s ({reason}), longer than the sync may wait: "
                    "{pages} page(s) fetched are kept; run the same command later to resume",
    "deprecated": "{platform} no longer serves {endpoint} at API version {version} ({detail}): "
                  "this Liens needs updating (the version is pinned in liens/sync/settings.py)",
    "api_failure": "{platform} failed on {endpoint} after {attempts} attempt(s) ({detail}); nothing was loaded, "
                   "{pages} page(s) fetched are kept: run the same command to resume",
    "account_not_found": "the {platform} token sees no {what}",
}


class SyncError(LiensError):
    code = "sync_error"

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(MESSAGES[code].format(**params))


class TokenMissing(SyncError):
    pass


class TokenInvalid(SyncError):
    pass


class PermissionMissing(SyncError):
    pass


class RateLimited(SyncError):
    pass


class ApiDeprecated(SyncError):
    pass


class ApiFailure(SyncError):
    pass


class AccountNotFound(SyncError):
    pass


def redact(text: str, secret: str | None) -> str:
    """`text` with the token (and anything after access_token=) replaced by ***."""
    import re

    if secret:
        text = text.replace(secret, "***")
    return re.sub(r"(access_token=)[^&\s\"']+", r"\1***", text)
