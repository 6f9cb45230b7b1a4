"""Bearer tokens for the HTTP service, kept only as SHA-256 hashes and compared in constant time.

Tokens come from a file (one a line; ``#`` starts a comment; a line ``sha256:HEX`` is an already-hashed token, so
the file need not hold the token itself) and from the environment variable ``SWP_RULES_TOKENS`` (tokens separated
by commas or white space). ``hash_token`` gives the ``sha256:`` line for a token.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Final

import attrs

ENV: Final = "SWP_RULES_TOKENS"
_HASHED = re.compile(r"^sha256:([0-9a-f]{64})$")
#: A token shorter than this is refused: a bearer token is a secret, not a password to remember.
MIN_TOKEN_LENGTH: Final = 16


class TokenError(ValueError):
    """A token file or variable that cannot be used (the message never quotes a token)."""


def hash_token(token: str) -> str:
    """The line to put in a token file for ``token``: ``sha256:`` and its SHA-256 in hex."""
    return "sha256:" + hashlib.sha256(token.encode("utf-8")).hexdigest()


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8")).digest()


@attrs.frozen
class TokenStore:
    """The hashes of the tokens the service accepts."""

    hashes: tuple[bytes, ...]

    @classmethod
    def of(cls, tokens: Iterable[str] = (), hashed: Iterable[str] = ()) -> TokenStore:
        found: list[bytes] = []
        for token in tokens:
            if len(token) < MIN_TOKEN_LENGTH:
                raise TokenError(f"a token is shorter than {MIN_TOKEN_LENGTH} characters")
            found.append(_digest(token))
        for line in hashed:
            match = _HASHED.match(line.strip().lower())
            if match is None:
                raise TokenError("a hashed token is not sha256: and 64 hexadecimal digits")
            found.append(bytes.fromhex(match.group(1)))
        return cls(tuple(found))

    @classmethod
    def load(cls, path: str | Path | None = None, environ: dict[str, str] | None = None) -> TokenStore:
        """Tokens from ``path`` (if given) and from ``SWP_RULES_TOKENS``."""
        tokens: list[str] = []
        hashed: list[str] = []
        if path is not None:
            try:
                text = Path(path).read_text(encoding="utf-8")
            except OSError as exc:
                raise TokenError(f"{path}: the token file cannot be read ({exc.strerror or exc})") from None
            for number, raw in enumerate(text.splitlines(), start=1):
                line = raw.split("#", 1)[0].strip()
                if not line:
                    continue
                if line.lower().startswith("sha256:"):
                    try:
                        hashed.extend(cls._checked_hash(line))
                    except TokenError:
                        raise TokenError(f"{path}:{number}: not sha256: and 64 hexadecimal digits") from None
                else:
                    tokens.append(line)
        variable = (environ if environ is not None else dict(os.environ)).get(ENV, "")
        tokens.extend(t for t in re.split(r"[\s,]+", variable) if t)
        try:
            return cls.of(tokens, hashed)
        except TokenError as exc:
            raise TokenError(f"{path or ENV}: {exc}") from None

    @staticmethod
    def _checked_hash(line: str) -> list[str]:
        if _HASHED.match(line.strip().lower()) is None:
            raise TokenError("bad hash")
        return [line]

    def __bool__(self) -> bool:
        return bool(self.hashes)

    def accepts(self, token: str) -> bool:
        """Whether ``token`` is one of the service's, compared with every hash in constant time."""
        presented = _digest(token)
        found = False
        for known in self.hashes:
            found |= hmac.compare_digest(presented, known)
        return found
