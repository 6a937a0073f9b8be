"""Native EN 16931 rules: one small function per official rule id (see :mod:`.registry`).

Rule modules register themselves when imported; :func:`load_all` imports them all once.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from .registry import RULES, Rule, RuleContext, rule, rules_for

__all__ = ["RULES", "Rule", "RuleContext", "load_all", "rule", "rules_for"]


@cache
def load_all() -> None:
    for module in pkgutil.iter_modules(__path__):
        if module.name not in {"registry", "engine"} and not module.name.startswith("_"):
            importlib.import_module(f"{__name__}.{module.name}")
