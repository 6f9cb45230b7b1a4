"""Output written whole or not at all; cells no spreadsheet runs; text no terminal obeys (swp_rules.io.output)."""

from __future__ import annotations

import csv
import io
import os
import signal
import stat
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.table import Table

from swp_rules.io.console import SafeConsole
from swp_rules.io.output import (
    FORMULA_STARTS,
    OutputError,
    atomic_output,
    neutralise_cell,
    spreadsheet_cell,
    terminal_text,
)


@given(st.text())
def test_no_neutralised_cell_begins_like_a_formula(text: str) -> None:
    cell = neutralise_cell(text)
    assert not cell.startswith(FORMULA_STARTS)
    assert cell == text or cell == "'" + text  # nothing but the prefix is changed


@pytest.mark.parametrize("payload", ['=HYPERLINK("http://example.invalid","click")', "+1+cmd|' /C calc'!A0",
                                     "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1",
                                     "\uff1d1+1"])
def test_formula_payloads_are_prefixed(payload: str) -> None:
    assert neutralise_cell(payload) == "'" + payload
    assert spreadsheet_cell(payload) == "'" + payload
    assert spreadsheet_cell([payload, "x"]) == "'" + payload + " x"


def test_numbers_stay_numbers() -> None:
    assert spreadsheet_cell(Decimal("-12.50")) == Decimal("-12.50")
    assert spreadsheet_cell(-3) == -3
    assert spreadsheet_cell(True) == "true"
    assert spreadsheet_cell(None) == ""


def test_atomic_output_replaces_whole(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old\n")
    with atomic_output(target) as out:
        out.write("new\n")
        assert target.read_text() == "old\n"  # not yet: the new content is in a temporary file
    assert target.read_text() == "new\n"
    assert os.listdir(tmp_path) == ["out.csv"]


def test_failed_block_keeps_the_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old\n")
    with pytest.raises(RuntimeError), atomic_output(target) as out:
        out.write("partial")
        raise RuntimeError("stop")
    assert target.read_text() == "old\n"
    assert os.listdir(tmp_path) == ["out.csv"]


def test_failed_block_leaves_no_file(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    with pytest.raises(RuntimeError), atomic_output(target) as out:
        out.write("partial")
        raise RuntimeError("stop")
    assert os.listdir(tmp_path) == []


@pytest.mark.slow  # a process killed while writing
def test_killed_writer_leaves_the_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("complete previous output\n")
    script = textwrap.dedent(f"""
        import os, signal
        from swp_rules.io.output import atomic_output
        with atomic_output({str(target)!r}) as out:
            for _ in range(10000):
                out.write("row,row,row\\n")
            out.flush()
            os.kill(os.getpid(), signal.SIGKILL)
    """)
    result = subprocess.run([sys.executable, "-c", script], check=False)
    assert result.returncode == -signal.SIGKILL
    assert target.read_text() == "complete previous output\n"


def test_mode_of_a_replaced_file_is_kept(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old\n")
    target.chmod(0o640)
    with atomic_output(target) as out:
        out.write("new\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_new_file_follows_the_umask(tmp_path: Path) -> None:
    previous = os.umask(0o027)
    try:
        with atomic_output(tmp_path / "out.csv") as out:
            out.write("x")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "out.csv").stat().st_mode) == 0o640


def test_a_link_is_followed(tmp_path: Path) -> None:
    real = tmp_path / "real.csv"
    real.write_text("old")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    with atomic_output(link) as out:
        out.write("new")
    assert link.is_symlink()
    assert real.read_text() == "new"


def test_binary_output(tmp_path: Path) -> None:
    with atomic_output(tmp_path / "out.bin", binary=True) as out:
        out.write(b"\x00\x01")
    assert (tmp_path / "out.bin").read_bytes() == b"\x00\x01"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
def test_full_device_is_a_clear_error() -> None:
    with pytest.raises(OutputError, match=r"^/dev/full: cannot be written \(No space left on device\)"), \
            atomic_output("/dev/full") as out:
        out.write("x" * 100_000)
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)  # the device was written to, never replaced


def test_missing_folder_and_folder_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="cannot be written"), atomic_output(tmp_path / "no" / "out.csv"):
        pass
    with pytest.raises(OutputError, match="it is a folder"), atomic_output(tmp_path):
        pass


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write a read-only folder")
def test_read_only_folder_is_a_clear_error(tmp_path: Path) -> None:
    tmp_path.chmod(0o555)
    try:
        with pytest.raises(OutputError, match="Permission denied"), atomic_output(tmp_path / "out.csv"):
            pass
    finally:
        tmp_path.chmod(0o755)


@given(st.text())
def test_terminal_text_has_no_control_characters(text: str) -> None:
    shown = terminal_text(text)
    assert not any(ord(c) < 0x20 and c not in "\t\n" for c in shown)
    assert "\x1b" not in shown and "\x9b" not in shown


def test_safe_console_prints_markup_and_escapes_as_text() -> None:
    out = io.StringIO()
    table = Table(title="[/bold] title")
    table.add_column("id")
    table.add_row("[link=http://example.invalid]e3[/link]\x1b]8;;http://example.invalid\x07")
    SafeConsole(file=out, width=200).print(table, "[/unbalanced] [red]x")
    text = out.getvalue()
    assert "[link=http://example.invalid]e3[/link]\\x1b]8;;http://example.invalid\\x07" in text
    assert "[/unbalanced] [red]x" in text
    assert "\x1b" not in text


def test_csv_reader_sees_the_prefix(tmp_path: Path) -> None:
    from swp_rules.cli.common import write_csv

    buffer = io.StringIO()
    write_csv([{"a": "=1+1", "b": Decimal("-1.50")}], ["a", "b"], buffer)
    assert list(csv.reader(io.StringIO(buffer.getvalue()))) == [["a", "b"], ["'=1+1", "-1.50"]]


def test_carriage_return_in_a_cell_never_splits_the_row() -> None:
    from swp_rules.io.output import CsvWriter

    buffer = io.StringIO()
    writer = CsvWriter(buffer)
    writer.writerow(["x\r=1+1", 3])
    writer.writerow(["plain", Decimal("2.50")])
    assert buffer.getvalue() == '"x\r=1+1","3"\nplain,2.50\n'
    assert list(csv.reader(io.StringIO(buffer.getvalue(), newline=""))) == [["x\r=1+1", "3"], ["plain", "2.50"]]
