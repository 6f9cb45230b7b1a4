"""Reading contract files (``kind: contract``, ``docs/contracts.md``) into ``Contract`` terms, with located errors.

Every problem is reported as ``file:line: key: reason``, e.g.
``rulesets/contracts/x.yaml:31: outcomes[1].upper: for 'lower is better' the upper threshold must be below the
lower one (lower 0.08, upper 0.16)``. Numbers are read exactly: ``0.2``, ``20%`` and ``1/5`` are the same share.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Final

from swp_rules.contracts.measures import known_measures
from swp_rules.contracts.model import (
    Band,
    Bonus,
    Component,
    Contract,
    Outcome,
    Polarity,
    Scale,
    ServiceLevel,
    YearTerms,
)
from swp_rules.contracts.periods import contract_years
from swp_rules.rulesets.loader import (
    Node,
    RulesetError,
    SourceFile,
    checked,
    find_ruleset_file,
    read_ruleset_of_kind,
    register_kind,
    rulesets_root,
)

_TOP_KEYS: Final = (
    "ruleset", "kind", "version", "title", "illustrative", "council", "practice", "citation", "term", "settlement",
    "duties", "unmeasured", "payment", "outcomes", "bonus", "service_levels", "notes",
)
_OUTCOME_KEYS: Final = (
    "id", "title", "citation", "weight", "measure", "polarity", "lower", "upper", "bands", "window", "components",
    "notes",
)
_COMPONENT_KEYS: Final = ("title", "measure", "polarity", "lower", "upper", "bands", "window", "weight", "notes")
_LEVEL_KEYS: Final = (
    "id", "title", "citation", "measure", "polarity", "target", "deduction", "cap_per_period",
    "cap_rolling_12_months", "notes",
)
_BONUS_KEYS: Final = ("placement_budget", "share", "cap", "gateway", "citation", "notes")
#: A sanity bound on a contract's term (a typo such as 2999 for 2013 would otherwise make thousands of periods).
_LONGEST_TERM_YEARS: Final = 100
_ID: Final = re.compile(r"[a-z0-9][a-z0-9-]*")
_NUMBER: Final = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_YEARS: Final = re.compile(r"(\d+)\s*(?:-|–|\.\.)\s*(\d+)")


# --- exact numbers and money ---------------------------------------------------------------------------------------


def _exact(node: Node, required: bool = True) -> Fraction | None:
    """A number read exactly: ``0.2``, ``20%``, ``1/5`` or a whole number; never through binary floating point."""
    value = node.value
    if value is None:
        if required:
            node.fail("is required")
        return None
    if isinstance(value, bool):
        node.fail("must be a number, not true/false")
        return None
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            node.fail(f"must be a finite number, not {value!r}")
            return None
        return Fraction(Decimal(repr(float(value))))  # the shortest text that reads back as the YAML number
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace("_", "")
        try:
            if text.endswith("%") and _NUMBER.fullmatch(text[:-1].strip()):
                return Fraction(Decimal(text[:-1].strip())) / 100
            if _NUMBER.fullmatch(text):
                return Fraction(Decimal(text))
            top, slash, bottom = text.partition("/")
            if slash and top.strip().lstrip("-").isdigit() and bottom.strip().isdigit() and int(bottom) != 0:
                return Fraction(int(top), int(bottom))
        except (InvalidOperation, ValueError):
            pass
    node.fail(f"must be a number (0.2, 20% or 1/5), not {value!r}")
    return None


def _share(node: Node, required: bool = True) -> Fraction | None:
    """A share between 0 and 1 inclusive."""
    value = _exact(node, required)
    if value is None:
        return None
    if not 0 <= value <= 1:
        node.fail(f"must be between 0 and 1 (0% to 100%), got {_show(value)}")
        return None
    return value


def _money(node: Node, required: bool = True) -> Decimal | None:
    """Pounds and pence: not negative, at most two decimal places (``3500000``, ``600000.00``, ``"£1,250.50"``)."""
    value = node.value
    if value is None:
        if required:
            node.fail("is required")
        return None
    text: str
    if isinstance(value, bool):
        node.fail("must be an amount in pounds, not true/false")
        return None
    if isinstance(value, int):
        text = str(value)
    elif isinstance(value, float):
        text = repr(float(value))
    elif isinstance(value, str):
        text = value.strip().replace(",", "").replace("_", "").removeprefix("£")
    else:
        node.fail(f"must be an amount in pounds, not {type(value).__name__}")
        return None
    if not _NUMBER.fullmatch(text):
        node.fail(f"must be an amount in pounds, not {value!r}")
        return None
    amount = Decimal(text)
    if amount < 0:
        node.fail(f"must not be negative, got {text}")
        return None
    if amount != amount.quantize(Decimal("0.01")):
        node.fail(f"must be whole pence (at most two decimal places), got {text}")
        return None
    return amount.quantize(Decimal("0.01"))


def _show(value: Fraction) -> str:
    from swp_rules.contracts.money import exact_text

    text = exact_text(value) or ""
    return text if len(text) <= 24 else f"{float(value):.6g}"  # display only


def _choice(node: Node, allowed: Sequence[str], default: str | None = None) -> str | None:
    if node.value is None:
        if default is None:
            node.fail(f"is required (one of {', '.join(allowed)})")
        return default
    text = node.string()
    if text is None:
        return default
    if text not in allowed:
        node.fail(f"must be one of {', '.join(allowed)}, not {text!r}")
        return default
    return text


# --- parts of a contract ---------------------------------------------------------------------------------------------


def _term(node: Node) -> tuple[dt.date | None, dt.date | None]:
    if not node.mapping():
        return None, None
    node.keys_allowed(("from", "to"))
    start, end = node["from"].date(), node["to"].date()
    if start and end and end < start:
        node["to"].fail(f"the term ends ({end}) before it starts ({start})")
        return start, None
    if start and end and end.year - start.year > _LONGEST_TERM_YEARS:
        node["to"].fail(f"a term of more than {_LONGEST_TERM_YEARS} years ({start} to {end}) is not a contract term")
        return start, None
    return start, end


def _year_range(node: Node) -> tuple[int, int] | None:
    value = node.value
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 1:
            node.fail(f"contract years count from 1, got {value}")
            return None
        return value, value
    if isinstance(value, str):
        match = _YEARS.fullmatch(value.strip())
        if match:
            first, last = int(match[1]), int(match[2])
            if first < 1 or last < first:
                node.fail(f"must be a range of contract years from 1 upwards, like 2-3, not {value!r}")
                return None
            return first, last
    if value is None:
        node.fail("is required (a contract year like 1, or a range like 2-3)")
    else:
        node.fail(f"must be a contract year like 1 or a range like 2-3, not {value!r}")
    return None


def _payment(node: Node, years_in_term: int | None) -> tuple[YearTerms, ...]:
    if not isinstance(node.value, list) or not node.value:
        node.fail("must be a non-empty list of {years, annual_fee, performance_share}")
        return ()
    found: list[YearTerms] = []
    complete = True
    for item in node.elements():
        if not item.mapping():
            complete = False
            continue
        item.keys_allowed(("years", "annual_fee", "performance_share", "citation", "notes"))
        span = _year_range(item["years"])
        fee = _money(item["annual_fee"])
        share = _share(item["performance_share"])
        if span is None or fee is None or share is None:
            complete = False
            continue
        for other in found:
            if span[0] <= other.last_year and other.first_year <= span[1]:
                item["years"].fail(
                    f"overlapping periods: contract years {span[0]}-{span[1]} overlap years "
                    f"{other.first_year}-{other.last_year} given at line {other.line}"
                )
                complete = False
                break
        else:
            found.append(YearTerms(span[0], span[1], fee, share, item.line))
    if found and complete and years_in_term is not None:
        missing = [y for y in range(1, years_in_term + 1) if not any(t.covers(y) for t in found)]
        if missing:
            node.fail(f"no terms for contract year(s) {', '.join(map(str, missing))} of the {years_in_term} the "
                      "term touches")
    found.sort(key=lambda t: t.first_year)
    return tuple(found)


def _scale(node: Node, measures: Mapping[str, Polarity | None]) -> Scale | None:
    measure = node["measure"].string()
    if measure is not None and measure not in measures:
        close = sorted(m for m in measures if m.lower().startswith(measure.lower()[:3]))[:5]
        hint = f" (did you mean {', '.join(close)}?)" if close else f" (known: {', '.join(sorted(measures))})"
        node["measure"].fail(f"unknown measure {measure!r}{hint}")
        measure = None
    polarity = _choice(node["polarity"], ("higher", "lower"))
    if measure is not None and polarity is not None and measures.get(measure) not in (None, polarity):
        node["polarity"].fail(f"{measure} is a measure where {measures[measure]} is better, not {polarity}")
    window = _choice(node["window"], ("period", "rolling_12_months"), "period")
    bands: list[Band] = []
    lower = upper = None
    if node.has("bands"):
        if node.has("lower") or node.has("upper"):
            node["bands"].fail("give either bands or lower/upper thresholds, not both")
        bands = _bands(node["bands"], polarity)
        if bands:
            lower, upper = bands[0].threshold, bands[-1].threshold
    else:
        lower, upper = _exact(node["lower"]), _exact(node["upper"])
        if lower is not None and upper is not None and polarity is not None:
            if lower == upper:
                node["upper"].fail(f"the upper threshold must differ from the lower one (both {_show(lower)})")
            elif polarity == "higher" and upper < lower:
                node["upper"].fail(
                    f"thresholds in the wrong order: for 'higher is better' the upper threshold must be above the "
                    f"lower one (lower {_show(lower)}, upper {_show(upper)})"
                )
            elif polarity == "lower" and upper > lower:
                node["upper"].fail(
                    f"thresholds in the wrong order: for 'lower is better' the upper threshold must be below the "
                    f"lower one (lower {_show(lower)}, upper {_show(upper)})"
                )
    if measure is None or polarity is None or lower is None or upper is None or window is None:
        return None
    if not bands and lower == upper:
        return None
    return Scale(measure, polarity, lower, upper, tuple(bands), window)  # type: ignore[arg-type]


def _bands(node: Node, polarity: str | None) -> list[Band]:
    if not isinstance(node.value, list) or not node.value:
        node.fail("must be a non-empty list of {from, pays}")
        return []
    bands: list[Band] = []
    ok = True
    for item in node.elements():
        if not item.mapping():
            ok = False
            continue
        item.keys_allowed(("from", "pays"))
        threshold, pays = _exact(item["from"]), _share(item["pays"])
        if threshold is None or pays is None:
            ok = False
            continue
        if bands and polarity is not None:
            last = bands[-1]
            better = threshold > last.threshold if polarity == "higher" else threshold < last.threshold
            if not better:
                word = "above" if polarity == "higher" else "below"
                item["from"].fail(f"thresholds in the wrong order: for '{polarity} is better' each band must start "
                                  f"{word} the one before ({_show(last.threshold)})")
                ok = False
            if pays < last.pays:
                item["pays"].fail(f"a better band cannot pay less than the one before ({_show(last.pays)})")
                ok = False
        bands.append(Band(threshold, pays))
    if ok and bands and bands[-1].pays != 1:
        node.fail(f"the last band must pay in full (1), not {_show(bands[-1].pays)}")
        ok = False
    return bands if ok else []


def _weights(owner: Node, items: list[tuple[Node, Fraction | None]], what: str) -> list[Fraction] | None:
    given = [w for _, w in items if w is not None]
    if not given and all(not n.has("weight") for n, _ in items):
        return [Fraction(1, len(items))] * len(items) if items else []
    if len(given) != len(items):
        for item, weight in items:
            if weight is None and not item.has("weight"):
                item["weight"].fail(f"is required when any {what} has a weight")
        return None
    for item, weight in items:
        if weight is not None and weight <= 0:
            item["weight"].fail(f"must be above 0, got {_show(weight)}")
            return None
    total = sum(given, Fraction(0))
    if total != 1:
        owner.fail(f"weights must sum to 1, but the {what} weights sum to {_show(total)}")
        return None
    return given


def _outcome(node: Node, measures: Mapping[str, Polarity | None]) -> tuple[Outcome | None, Fraction | None]:
    if not node.mapping():
        return None, None
    node.keys_allowed(_OUTCOME_KEYS)
    ident = node["id"].string()
    if ident is not None and not _ID.fullmatch(ident):
        node["id"].fail("must be lower case letters, digits and hyphens")
    title = node["title"].string()
    weight = _exact(node["weight"], required=False)
    citation = node["citation"].string(required=False) or ""
    scale: Scale | None = None
    components: list[Component] = []
    if node.has("components"):
        for key in ("measure", "polarity", "lower", "upper", "bands", "window"):
            if node.has(key):
                node[key].fail("a composite outcome takes its measures from its components")
        parts_node = node["components"]
        if not isinstance(parts_node.value, list) or len(parts_node.value) < 2:
            parts_node.fail("a composite outcome needs a list of at least two components")
            return None, weight
        parts: list[tuple[Node, Scale | None, Fraction | None, str]] = []
        for item in parts_node.elements():
            if not item.mapping():
                continue
            item.keys_allowed(_COMPONENT_KEYS)
            parts.append((item, _scale(item, measures), _exact(item["weight"], required=False),
                          item["title"].string(required=False) or ""))
        weights = _weights(parts_node, [(n, w) for n, _, w, _ in parts], "component")
        if weights is None or any(s is None for _, s, _, _ in parts):
            return None, weight
        components = [Component(s, w, t) for (_, s, _, t), w in zip(parts, weights, strict=True) if s is not None]
    else:
        scale = _scale(node, measures)
        if scale is None:
            return None, weight
    if ident is None or title is None:
        return None, weight
    return Outcome(ident, title, Fraction(0), scale, tuple(components), citation, node.line), weight


def _bonus(node: Node, outcomes: int) -> Bonus | None:
    if not node.mapping():
        return None
    node.keys_allowed(_BONUS_KEYS)
    budget = _money(node["placement_budget"])
    share = _share(node["share"])
    cap = _money(node["cap"])
    gateway = node["gateway"].integer(minimum=0)
    if gateway is not None and gateway > outcomes:
        node["gateway"].fail(f"the gateway asks for {gateway} outcomes at their lower threshold, but the contract "
                             f"has {outcomes}")
        gateway = None
    citation = node["citation"].string(required=False) or ""
    if budget is None or share is None or cap is None or gateway is None:
        return None
    return Bonus(budget, share, cap, gateway, citation)


def _service_level(node: Node, measures: Mapping[str, Polarity | None]) -> ServiceLevel | None:
    if not node.mapping():
        return None
    node.keys_allowed(_LEVEL_KEYS)
    ident = node["id"].string()
    if ident is not None and not _ID.fullmatch(ident):
        node["id"].fail("must be lower case letters, digits and hyphens")
    title = node["title"].string()
    measure = node["measure"].string()
    if measure is not None and measure not in measures:
        node["measure"].fail(f"unknown measure {measure!r} (known: {', '.join(sorted(measures))})")
        measure = None
    polarity = _choice(node["polarity"], ("higher", "lower"))
    if measure is not None and polarity is not None and measures.get(measure) not in (None, polarity):
        node["polarity"].fail(f"{measure} is a measure where {measures[measure]} is better, not {polarity}")
    target = _exact(node["target"])
    deduction = _money(node["deduction"])
    cap_period = _money(node["cap_per_period"], required=False)
    cap_year = _money(node["cap_rolling_12_months"], required=False)
    if deduction is not None and cap_period is not None and cap_year is not None and cap_year < cap_period:
        node["cap_rolling_12_months"].fail(f"the rolling 12-month cap ({cap_year}) is below the cap per period "
                                           f"({cap_period})")
    citation = node["citation"].string(required=False) or ""
    if None in (ident, title, measure, polarity, target, deduction):
        return None
    assert ident and title and measure and polarity and target is not None and deduction is not None
    return ServiceLevel(ident, title, measure, polarity, target, deduction, cap_period, cap_year,  # type: ignore
                        citation)


def _duties(node: Node, base: Path) -> tuple[str, ...]:
    if node.value is None:
        return ()
    if not isinstance(node.value, list):
        node.fail("must be a list of duty ruleset ids or paths")
        return ()
    from swp_rules.engine.rulebook import load_duty_ruleset

    found: list[str] = []
    for item in node.elements():
        name = item.string()
        if name is None:
            continue
        reference = name
        if name.endswith((".yaml", ".yml")) and not Path(name).is_absolute():
            local = base / name
            if local.is_file():
                reference = str(local)
        try:
            load_duty_ruleset(reference)
        except RulesetError as exc:
            first = exc.problems[0] if exc.problems else None
            reason = first.reason if first else "cannot be loaded"
            item.fail(f"duty ruleset {name!r} cannot be used ({reason})")
            continue
        found.append(reference)
    return tuple(found)


@register_kind("contract")
def parse_contract(source: SourceFile, measures: Mapping[str, Polarity | None] | None = None) -> Contract | None:
    """Check a contract file and build its terms; problems are recorded on the source's root node."""
    root = source.root
    root.keys_allowed(_TOP_KEYS)
    known = measures if measures is not None else known_measures()
    ident = root["ruleset"].string()
    version = root["version"].string()
    title = root["title"].string()
    council = root["council"].string()
    practice = root["practice"].string()
    citation = root["citation"].string()
    illustrative = root["illustrative"].boolean()
    start, end = _term(root["term"])
    settlement = root["settlement"]
    frequency = alignment = None
    if settlement.mapping():
        settlement.keys_allowed(("every", "aligned_to"))
        frequency = _choice(settlement["every"], ("monthly", "quarterly", "annual"))
        alignment = _choice(settlement["aligned_to"], ("contract_start", "financial_year"), "contract_start")
    unmeasured = _choice(root["unmeasured"], ("pay", "withhold"), "pay")
    years_in_term = contract_years(start, end) if start and end else None
    years = _payment(root["payment"], years_in_term)
    duties = _duties(root["duties"], source.path.parent)
    outcomes_node = root["outcomes"]
    outcomes: list[Outcome] = []
    if outcomes_node.value is None:
        pass
    elif not isinstance(outcomes_node.value, list):
        outcomes_node.fail("must be a list of outcomes")
    else:
        parsed: list[tuple[Node, Outcome | None, Fraction | None]] = []
        seen: dict[str, int] = {}
        for item in outcomes_node.elements():
            outcome, weight = _outcome(item, known)
            parsed.append((item, outcome, weight))
            if outcome is not None:
                if outcome.id in seen:
                    item["id"].fail(f"outcome {outcome.id!r} is already defined at line {seen[outcome.id]}")
                seen[outcome.id] = item.line
        weights = _weights(outcomes_node, [(n, w) for n, _, w in parsed], "outcome")
        if weights is not None:
            outcomes = [
                Outcome(o.id, o.title, w, o.scale, o.components, o.citation, o.line)
                for (_, o, _), w in zip(parsed, weights, strict=True)
                if o is not None
            ]
    if any(t.performance_share > 0 for t in years) and outcomes_node.value is None:
        outcomes_node.fail("is required when a contract year has a performance-related share above 0")
    bonus = _bonus(root["bonus"], len(outcomes_node.value or [])) if root.has("bonus") else None
    levels: list[ServiceLevel] = []
    levels_node = root["service_levels"]
    if levels_node.value is not None:
        if not isinstance(levels_node.value, list):
            levels_node.fail("must be a list of service levels")
        else:
            seen_levels: dict[str, int] = {}
            for item in levels_node.elements():
                level = _service_level(item, known)
                if level is not None:
                    if level.id in seen_levels:
                        item["id"].fail(f"service level {level.id!r} is already defined at line "
                                        f"{seen_levels[level.id]}")
                    seen_levels[level.id] = item.line
                    levels.append(level)
    if root.problems:
        return None
    assert ident and version and title and council and practice and citation and start and end
    assert frequency and alignment and unmeasured
    return Contract(
        id=ident, version=str(version), title=title, council=council, practice=practice, citation=citation,
        start=start, end=end, frequency=frequency, alignment=alignment,  # type: ignore[arg-type]
        years=years, outcomes=tuple(outcomes), bonus=bonus, service_levels=tuple(levels), duty_rulesets=duties,
        unmeasured=unmeasured, illustrative=illustrative, sha256=source.sha256,  # type: ignore[arg-type]
        path=str(source.path),
    )


def load_contract(id_or_path: str | Path, measures: Mapping[str, Polarity | None] | None = None) -> Contract:
    """A contract by shipped id (``contracts/liverpool-pss-illustrative``) or path; ``RulesetError`` lists every
    located problem (``file:line: key: reason``)."""
    path = find_ruleset_file(str(id_or_path))
    display = str(id_or_path) if Path(str(id_or_path)).suffix in (".yaml", ".yml") else _display(path)
    source = read_ruleset_of_kind(path, "contract", display)
    return checked(source, parse_contract(source, measures))


def _display(path: Path) -> str:
    try:
        return str(Path("rulesets") / path.relative_to(rulesets_root()))
    except ValueError:
        return str(path)


__all__ = ["load_contract", "parse_contract"]

