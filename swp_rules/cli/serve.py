"""``swp-rules serve``: the HTTP service on uvicorn (docs/service.md)."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from swp_rules.cli.common import EXIT_CLEAN, CannotRun


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to listen on. The default answers this machine only; 0.0.0.0 answers every network.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535), help="The port.")
@click.option("--register", "register", default=None, metavar="URL", envvar="SWP_RULES_REGISTER",
              help="The breach register to serve (/register/...) and record into (POST /check?record=true).")
@click.option("--tokens", "tokens_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              envvar="SWP_RULES_TOKENS_FILE", metavar="FILE",
              help="The bearer tokens accepted, one a line (or sha256:HEX, see --hash-token); also $SWP_RULES_TOKENS.")
@click.option("--max-body", type=click.IntRange(min=1), default=None, metavar="BYTES",
              help="The largest request body accepted (default 16 MiB); larger ones get 413.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=None, metavar="SECONDS",
              help="The longest a request may take (default 60); longer ones get 503.")
@click.option("--cors-origin", "cors_origins", multiple=True, metavar="ORIGIN",
              help="Allow browser pages from this origin (repeatable). Default: no CORS at all.")
@click.option("--hash-token", is_flag=True,
              help="Read a token on standard input and print its sha256: line for the token file, then exit.")
def serve_command(*, host: str, port: int, register: str | None, tokens_file: Path | None, max_body: int | None,
                  timeout: float | None, cors_origins: tuple[str, ...], hash_token: bool) -> int:
    """The HTTP service: check, explain, indicators, payments, rulesets, the register and an event store."""
    try:
        from swp_rules.service import ServiceSettings, TokenStore, asgi
        from swp_rules.service import hash_token as hashed
        from swp_rules.service.auth import TokenError
        from swp_rules.service.settings import DEFAULT_MAX_BODY, DEFAULT_TIMEOUT
    except ModuleNotFoundError as missing:
        raise CannotRun(f"the service needs {missing.name}: pip install 'swp-rules[service]'") from None
    if hash_token:
        token = sys.stdin.readline().strip()
        if not token:
            raise CannotRun("--hash-token: no token on standard input")
        click.echo(hashed(token))
        return EXIT_CLEAN
    try:
        tokens = TokenStore.load(tokens_file)
    except TokenError as exc:
        raise CannotRun(str(exc)) from None
    if not tokens:
        raise CannotRun("no bearer token: give --tokens FILE or set SWP_RULES_TOKENS (docs/service.md)")
    if register is not None:
        from swp_rules.register import Register, RegisterError

        try:
            Register.open(register, create=True).close()
        except RegisterError as exc:
            raise CannotRun(str(exc)) from None
    import uvicorn

    settings = ServiceSettings(tokens=tokens, register=register, max_body=max_body or DEFAULT_MAX_BODY,
                               timeout=timeout or DEFAULT_TIMEOUT, cors_origins=cors_origins)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    click.echo(f"swp-rules service on http://{host}:{port} (OpenAPI at /openapi.json); Ctrl-C stops it.", err=True)
    uvicorn.run(asgi(settings), host=host, port=port, access_log=False, log_config=None, server_header=False,
                proxy_headers=False)
    return EXIT_CLEAN


COMMANDS: list[click.Command] = [serve_command]
