"""The duty engine: timelines, obligations, the durable-rules matcher and its oracle, batch and incremental."""

from swp_rules.engine.evaluate import Engine, Evaluation, RunningEvaluation, evaluate
from swp_rules.engine.matcher import DurableMatcher, Matcher, OracleMatcher
from swp_rules.engine.results import Breach, ChildNote, DutyRecord, Obligation
from swp_rules.engine.rulebook import RuleBook, load_rulebook
from swp_rules.engine.timeline import Timeline

__all__ = [
    "Breach",
    "ChildNote",
    "DurableMatcher",
    "DutyRecord",
    "Engine",
    "Evaluation",
    "Matcher",
    "Obligation",
    "OracleMatcher",
    "RuleBook",
    "RunningEvaluation",
    "Timeline",
    "evaluate",
    "load_rulebook",
]
