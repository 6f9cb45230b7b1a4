"""SSDA903 (the children looked after return, docs/ssda903.md) as case events: ``import_903(folder)``."""

from swp_rules.ssda903.importer import Import903, Ssda903Error, import_903
from swp_rules.ssda903.problems import Problem, TableCounts
from swp_rules.ssda903.tables import TABLES, recognise

__all__ = ["TABLES", "Import903", "Problem", "Ssda903Error", "TableCounts", "import_903", "recognise"]
