"""The refresh's quality gate: the clean-layer and business checks the Dagster asset checks run."""

from __future__ import annotations

from typing import Any

from olist_assets.core import runs
from olist_assets.core.business.engine import SqlEngine
from olist_assets.core.checks.business import business_checks
from olist_assets.core.checks.clean import CheckOutcome, all_clean_checks
from olist_assets.core.storage import Store
from olist_assets.core.tables import Tables


def quality_gate(store: Store, tables: Tables, engine: SqlEngine, execution: str) -> dict[str, Any]:
    """Run every check, keep the full report in runs/checks/, return the verdict and what failed."""
    outcomes = all_clean_checks(tables) + business_checks(engine)
    blocking = [_summary(o) for o in outcomes if o.failed_blocking]
    warnings = [_summary(o) for o in outcomes if not o.passed and not o.blocking]
    report_key = runs.check_report_key(execution)
    runs.write_record(
        store,
        report_key,
        {
            "execution": execution,
            "outcomes": [_summary(o) | {"metadata": o.metadata} for o in outcomes],
        },
    )
    return {
        "passed": not blocking,
        "checks": len(outcomes),
        "blocking_failures": blocking,
        "warnings": warnings,
        "report": report_key,
        "cause": "; ".join(f"{f['table']}.{f['name']}: {f['description']}" for f in blocking),
    }


def _summary(outcome: CheckOutcome) -> dict[str, Any]:
    return {
        "name": outcome.name,
        "table": outcome.table,
        "passed": outcome.passed,
        "blocking": outcome.blocking,
        "description": outcome.description,
    }
