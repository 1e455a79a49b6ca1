"""Live sync from the platforms' APIs: Instagram Graph, Facebook Pages, YouTube Data.

    sync(store, platform, token, *, account=None, since=None, full=False, restart=False,
         settings=SyncSettings(), transport=None, progress=None) -> SyncReport
    resolve_token(platform, token_env=None, token_file=None) -> str

Nothing here runs unless `liens sync` (or `liens.api.sync`) is called: the package is never
imported by a load or an analysis. Modules: `settings` (API versions pinned, base URLs, limits),
`client` (the one HTTP door: limits, retries, error codes), `platforms` (what to ask, page after
page), `spool` (the journal that makes a sync resumable), `build` (pages into dataset v1 through
the payload readers), `cursors` (where each account's last sync stopped, in the store), `run`.
"""

from .errors import (
    AccountNotFound,
    ApiDeprecated,
    ApiFailure,
    PermissionMissing,
    RateLimited,
    SyncError,
    TokenInvalid,
    TokenMissing,
)
from .run import SyncReport, resolve_token, spool_folder, sync
from .settings import GRAPH_API_VERSION, PLATFORMS, TOKEN_ENV, YOUTUBE_API_VERSION, SyncSettings

__all__ = [
    "GRAPH_API_VERSION", "PLATFORMS", "TOKEN_ENV", "YOUTUBE_API_VERSION", "AccountNotFound", "ApiDeprecated",
    "ApiFailure", "PermissionMissing", "RateLimited", "SyncError", "SyncReport", "SyncSettings", "TokenInvalid",
    "TokenMissing", "resolve_token", "spool_folder", "sync",
]
