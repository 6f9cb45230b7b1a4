"""The readers: every record evaluated, a duplicate, or rejected with file:line, id, field and reason."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from swp_rules.io.events import MAX_LINE_BYTES, EventReader, iter_file, load_events, load_records

GOOD = [
    {"id": "g1", "child": "C1", "type": "child", "date": "2002-01-15", "dob": "2002-01-15", "sex": "1"},
    {"id": "g2", "child": "C1", "type": "looked_after_started", "date": "2011-05-27", "legal_status": "V2"},
    {"id": "g3", "child": "C1", "type": "placement_started", "date": "2011-05-27T09:30:00",
     "placement": "Q2", "emergency": True, "weekly_cost": 512.25},
    {"id": "g4", "child": "C1", "type": "visit", "date": "2011-06-03T10:00:00+01:00", "seen_alone": True},
    {"id": "g5", "child": "C1", "type": "sdq", "date": "2012-03-31", "score": 40},
]

# (line content, expected field or None, a word the reason must contain)
BAD: list[tuple[bytes, str | None, str]] = [
    (b'{"id": "b1", "child": "C1", "type": "visit", "date": "2011-06-0', None, "invalid JSON"),  # truncated
    (b'["not", "an", "object"]', None, "JSON object"),
    (b"null", None, "JSON object"),
    (b'{"child": "C1", "type": "visit", "date": "2011-06-03"}', "id", "missing"),
    (b'{"id": "b5", "type": "visit", "date": "2011-06-03"}', "child", "missing"),
    (b'{"id": "b6", "child": "C1", "type": "visit"}', "date", "missing"),
    (b'{"id": "b7", "child": "C1", "type": "looked_after_started", "date": "2011-06-03"}', "legal_status",
     "required"),
    (b'{"id": "b8", "child": "  ", "type": "visit", "date": "2011-06-03"}', "child", "empty"),
    (b'{"id": "b9", "child": "C1", "type": "teleport", "date": "2011-06-03"}', "type", "unknown"),
    (b'{"id": "b10", "child": "C1", "type": "visit", "date": "2011-06-03", "seen_alone": "yes"}', "seen_alone",
     "true or false"),
    (b'{"id": "b11", "child": "C1", "type": "visit", "date": "2011-02-30"}', "date", "impossible"),
    (b'{"id": "b12", "child": "C1", "type": "visit", "date": "2011-06-03T10:00:00+25:00"}', "date", "offset"),
    (b'{"id": "b13", "child": "C1", "type": "looked_after_started", "date": "2011-06-03", "legal_status": "ZZ"}',
     "legal_status", "code list"),
    (b'{"id": "b14", "child": "C1", "type": "sdq", "date": "2011-06-03", "score": 41}', "score", "between"),
    (b'{"id": "g2", "child": "C1", "type": "looked_after_started", "date": "2011-05-28", "legal_status": "V2"}',
     "id", "reused"),
    (b'{"id": "b16", "child": "C1", "type": "visit", "date": "2011-06-03", "worker": "\xff\xfe"}', None, "UTF-8"),
    (b'{"id": "b17", "child": 17, "type": "visit", "date": "2011-06-03"}', "child", "string"),
    (b'{"id": "b18", "child": "C1", "type": "placement_started", "date": "2011-06-03", "placement": "Q2",'
     b' "weekly_cost": "lots"}', "weekly_cost", "decimal"),
    (b'{"id": "b19", "child": "C1", "type": "immunisations", "date": "2011-06-03", "up_to_date": null}',
     "up_to_date", "required"),
    (b'{"id": "b20", "child": "C1", "type": "visit", "date": 20110603}', "date", "string"),
]


def _messy_file(tmp_path: Path) -> tuple[Path, int]:
    """Good events and bad records, with a BOM, CRLF line ends, blank lines, an exact repeat and a 2 MB line."""
    lines: list[bytes] = [json.dumps(r).encode() for r in GOOD]
    lines.insert(2, b"")  # blank line
    lines.append(json.dumps(GOOD[1]).encode())  # an exact repeat: a duplicate, counted once
    lines.extend(content for content, _, _ in BAD)
    body = b"\xef\xbb\xbf" + b"\r\n".join(lines) + b"\r\n\r\n"
    body += b'{"id": "huge", "child": "C1", "type": "visit", "date": "2011-06-03", "worker": "' + b"x" * (
        2 * MAX_LINE_BYTES)  # unterminated 2 MB line at the end of the file
    path = tmp_path / "messy.jsonl"
    path.write_bytes(body)
    return path, len(lines) + 2


def test_messy_file_is_read_completely(tmp_path: Path) -> None:
    path, _ = _messy_file(tmp_path)
    loaded = load_events([path])
    assert [e.id for e in loaded.events] == [r["id"] for r in GOOD]
    counts = loaded.counts
    assert counts.read == counts.evaluated + counts.duplicates + counts.rejected
    assert counts.duplicates == 1
    assert counts.rejected == len(BAD) + 1
    reasons = list(loaded.rejected)
    for (_, field, word), rejection in zip(BAD, reasons, strict=False):
        assert rejection.field == field, rejection
        assert word.lower() in rejection.reason.lower(), rejection
        assert rejection.source == str(path)
    assert "longer than" in reasons[-1].reason
    # line numbers are physical lines of the file (BOM, blank line and CRLF notwithstanding)
    assert reasons[0].line == len(GOOD) + 3


def test_rejections_never_quote_the_child(tmp_path: Path) -> None:
    path = tmp_path / "secret.jsonl"
    path.write_text(json.dumps({"id": "x", "child": "SECRET-CHILD", "type": "visit", "date": "2011-13-01"}) + "\n")
    loaded = load_events([path])
    assert loaded.counts.rejected == 1
    assert "SECRET-CHILD" not in str(loaded.rejected[0])


def test_weekly_cost_is_exact_decimal() -> None:
    loaded = load_records([GOOD[2]])
    assert loaded.events[0].fields["weekly_cost"] == Decimal("512.25")


def test_csv_reader(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_bytes(
        b"\xef\xbb\xbfid,child,type,date,placement,emergency,legal_status,note\r\n"
        b"e1,C1,looked_after_started,2011-05-27,,,V2,first\r\n"
        b"e2,C1,placement_started,2011-05-27,Q2,yes,,\r\n"
        b"\r\n"
        b"e3,C1,placement_started,2011-05-27,Q9,no,,\r\n"
        b"e4,C1,visit,2011-06-03,,,,\"multi\nline\"\r\n"
        b"e5,C1,visit,2011-06-0\xff,,,,\r\n"
        b"e6,C1,visit,2011-06-04,,,,x,extra\r\n"
    )
    loaded = load_events([path])
    assert [e.id for e in loaded.events] == ["e1", "e2", "e4"]
    assert loaded.events[1].fields["emergency"] is True
    assert loaded.events[0].fields["note"] == "first"
    assert [(r.line, r.field) for r in loaded.rejected] == [(5, "placement"), (8, None), (9, None)]
    counts = loaded.counts
    assert counts.read == counts.evaluated + counts.duplicates + counts.rejected == 6


def test_split_across_files_changes_nothing(tmp_path: Path) -> None:
    whole = tmp_path / "all.jsonl"
    whole.write_text("\n".join(json.dumps(r) for r in GOOD))
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text("\n".join(json.dumps(r) for r in GOOD[:2]))
    second.write_text("\n".join(json.dumps(r) for r in GOOD[2:] + GOOD[:1]))
    together, apart = load_events([whole]), load_events([first, second])
    assert together.events == apart.events
    assert apart.counts.duplicates == 1


def test_reader_streams(tmp_path: Path) -> None:
    path = tmp_path / "many.jsonl"
    path.write_text("\n".join(json.dumps(dict(GOOD[4], id=f"s{i}")) for i in range(1000)))
    stream = iter_file(path)
    first = next(stream)
    assert first[0] == 1  # a generator: nothing else has been read yet
    reader = EventReader()
    assert sum(1 for _ in reader.read([path])) == 1000


@pytest.mark.slow  # the command line end to end
@pytest.mark.parametrize("fmt", ["json", "table", "csv"])
def test_check_cli_on_messy_file(tmp_path: Path, fmt: str) -> None:
    path, _ = _messy_file(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "swp_rules", "check", str(path), "--as-of", "2011-06-30", "--format", fmt],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    if fmt == "json":
        document = json.loads(done.stdout)
        counts = document["input"]
        assert counts["read"] == counts["evaluated"] + counts["duplicates"] + counts["rejected"]
        assert len(document["rejected"]) == counts["rejected"] == len(BAD) + 1
        assert all(r["line"] > 0 and r["reason"] for r in document["rejected"])


@pytest.mark.slow  # the command line end to end
def test_unreadable_input_exits_2(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "swp_rules", "check", str(tmp_path / "missing.jsonl"), "--as-of", "2011-06-30"],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 2
    assert "cannot be read" in done.stderr
    assert "Traceback" not in done.stderr
