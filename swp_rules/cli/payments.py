"""Registered with the command line group."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
