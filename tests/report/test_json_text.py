"""``--format json`` is written item by item through msgspec, and reads exactly as Python's own encoder writes it."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from swp_rules.engine.results import Breach
from swp_rules.io.events import InputCounts
from swp_rules.report.documents import CheckDocument
from swp_rules.report.formats import dump_json, json_text

_plain = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text()
    | st.text(alphabet='0123456789.eE"\\- '),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=20,
)


@settings(suppress_health_check=list(HealthCheck))
@given(_plain)
def test_plain_data_is_written_as_python_writes_it(data: Any) -> None:
    out = io.StringIO()
    dump_json(data, out)
    assert out.getvalue() == json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    assert json_text(data) == json.dumps(data, indent=2, ensure_ascii=False)


def test_floats_keep_python_s_notation() -> None:
    assert json_text([1e-05, 1e16, 0.0001, 1.5e-07, "1e5"]) == json.dumps([1e-05, 1e16, 0.0001, 1.5e-07, "1e5"],
                                                                            indent=2)


def test_a_document_streams_its_results_and_takes_extra_keys() -> None:
    breach = Breach(child="C1", rule="visit.first", due=dt.date(2011, 5, 6), met=None, days_late=3,
                    citation="reg 28", evidence=("e1",), explanation="late 1.5 \u2028 \"x\"", basis="regulation")
    document = CheckDocument(as_of=dt.date(2012, 3, 31), rulesets=(), input=InputCounts(), children=1,
                             breaches=(breach, breach), open=(), rejected=(), notes=(), summary=())
    out = io.StringIO()
    dump_json(document, out, {"register": {"run": 7}})
    expected = dict(document.to_dict(), register={"run": 7})
    assert out.getvalue() == json.dumps(expected, indent=2, ensure_ascii=False) + "\n"
