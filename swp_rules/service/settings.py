"""What the service is started with: tokens, register, limits, CORS, default rulesets."""

from __future__ import annotations

from typing import Final

import attrs

from swp_rules.service.auth import TokenStore

#: The largest request body accepted (bytes); larger ones get 413.
DEFAULT_MAX_BODY: Final = 16 * 1024 * 1024
#: The longest a request may take (seconds); longer ones get 503.
DEFAULT_TIMEOUT: Final = 60.0


@attrs.frozen
class ServiceSettings:
    """The service's settings. ``tokens``: the bearer tokens accepted (every route but ``/health`` needs one).
    ``cors_origins`` empty: no CORS headers at all (the default)."""

    tokens: TokenStore
    register: str | None = None
    max_body: int = DEFAULT_MAX_BODY
    timeout: float = DEFAULT_TIMEOUT
    cors_origins: tuple[str, ...] = ()
