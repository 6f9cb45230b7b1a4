"""The HTTP service (``swp-rules serve``; docs/service.md): FastAPI on uvicorn, bearer tokens, request limits."""

from __future__ import annotations

from swp_rules.service.app import asgi, create_app
from swp_rules.service.auth import TokenStore, hash_token
from swp_rules.service.settings import ServiceSettings

__all__ = ["ServiceSettings", "TokenStore", "asgi", "create_app", "hash_token"]
