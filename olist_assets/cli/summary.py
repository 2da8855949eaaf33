"""The end-of-run summary: rows per table and layer, check results, time, where the lake is."""

from olist_assets.cli.execution import RunOutcome
from olist_assets.core.contracts import CONTRACTS
from olist_assets.stores.locations import open_store


def render_summary(outcome: RunOutcome, lake: str, source: str) -> str:
    lines = ["", "olist-lakehouse run summary", ""]
    lines += _clean_table(outcome)
    business = {k: v for k, v in outcome.materialized.items() if k.startswith("business/")}
    if business:
        lines += ["", f"{'business table':<28}{'rows':>12}"]
        for key, metadata in sorted(business.items()):
            lines.append(
                f"{key.removeprefix('business/'):<28}{metadata.get('dagster/row_count', 0):>12,}"
            )
    report = outcome.materialized.get("report/olist_report")
    if report:
        lines += ["", f"Report: {report['location']}"]
    lines += _rejections(outcome, lake)
    lines += ["", *_checks(outcome)]
    if outcome.failures:
        lines += ["", "Failed steps:", *[f"  - {failure}" for failure in outcome.failures]]
    if outcome.not_run:
        lines += ["", "Not materialized: " + ", ".join(outcome.not_run)]
    lines += [
        "",
        f"Wall time: {outcome.seconds:.1f} s",
        f"Source:    {open_store(source).url}",
        f"Lake:      {open_store(lake).url}",
        f'Query it:  olist-lakehouse sql --lake {lake} "SELECT count(*) FROM clean.orders"',
        f"Result:    {'OK' if outcome.ok else 'FAILED'}",
    ]
    return "\n".join(lines)


def _clean_table(outcome: RunOutcome) -> list[str]:
    header = (
        f"{'table':<30}{'read':>11}{'clean':>11}{'quarantined':>13}{'duplicates':>12}"
        f"{'superseded':>12}{'in table':>11}{'blank':>8}"
    )
    lines = [header, "-" * len(header)]
    for table in CONTRACTS:
        metadata = outcome.materialized.get(f"clean/{table}")
        if metadata is None:
            lines.append(f"{table:<30}{'not materialized':>{len(header) - 30}}")
            continue
        lines.append(
            f"{table:<30}{metadata['rows_read']:>11,}{metadata['rows_clean']:>11,}"
            f"{metadata['rows_quarantined']:>13,}{metadata['rows_deduplicated']:>12,}"
            f"{metadata['rows_superseded']:>12,}{metadata['dagster/row_count']:>11,}"
            f"{metadata['blank_lines']:>8,}"
        )
    lines.append("read = clean + quarantined + duplicates; in table = clean - superseded")
    return lines


def _rejections(outcome: RunOutcome, lake: str) -> list[str]:
    """Every raw file refused as a whole, with why and how to remove it."""
    found = [
        rejection
        for key, metadata in sorted(outcome.materialized.items())
        if key.startswith("clean/")
        for rejection in metadata.get("rejected_files") or []
    ]
    if not found:
        return []
    lines = ["", "Refused files (their tables keep what they held):"]
    for rejection in found:
        lines.append(f"  {rejection['reason']}")
        lines.append(
            f"    fix it, or remove it: olist-lakehouse forget --lake {lake} {rejection['key']}"
        )
    return lines


def _checks(outcome: RunOutcome) -> list[str]:
    passed = sum(c.passed for c in outcome.checks)
    warned = [c for c in outcome.checks if not c.passed and not c.blocking]
    failed = outcome.failed_checks
    lines = [f"Checks: {passed} passed, {len(warned)} warnings, {len(failed)} failed"]
    for check in warned:
        lines.append(f"  warn {check.asset} {check.name}: {check.description}")
    for check in failed:
        lines.append(f"  FAIL {check.asset} {check.name}: {check.description}")
    return lines
