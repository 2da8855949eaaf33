"""The end-of-run summary: rows per table and layer, refused files, check results, time, where the
lake is."""

from olist_assets.cli.execution import RunOutcome
from olist_assets.core.contracts import CONTRACTS
from olist_assets.core.lake import RAW, raw_key
from olist_assets.core.storage import Store
from olist_assets.stores.locations import open_store

IGNORED_SHOWN = 5


def render_summary(outcome: RunOutcome, lake: str, source: str) -> str:
    lake_store = open_store(lake)
    lines = ["", "olist-lakehouse run summary", ""]
    lines += _clean_table(outcome)
    business = {k: v for k, v in outcome.materialized.items() if k.startswith("business/")}
    if business:
        lines += ["", f"{'business table':<28}{'rows':>12}  this run"]
        for key, metadata in sorted(business.items()):
            built = (
                "built" if metadata.get("rebuilt", True) else "unchanged (built from these inputs)"
            )
            lines.append(
                f"{key.removeprefix('business/'):<28}{metadata.get('dagster/row_count', 0):>12,}"
                f"  {built}"
            )
    report = outcome.materialized.get("report/olist_report")
    if report:
        lines += ["", f"Report: {report['location']}"]
    lines += _refused(outcome, lake_store) + _rejections(outcome, lake) + _ignored(outcome)
    lines += ["", *_checks(outcome)]
    if outcome.failures:
        lines += ["", "Failed steps:", *_failures(outcome)]
        lines.append("Fix the cause named above and run again (--verbose shows Dagster's log).")
    if outcome.not_run:
        lines += ["", "Not materialized: " + ", ".join(outcome.not_run)]
    lines += [
        "",
        f"Wall time: {outcome.seconds:.1f} s{_by_layer(outcome)}",
        f"Source:    {open_store(source).url}",
        f"Lake:      {lake_store.url}",
        f'Query it:  olist-lakehouse sql --lake {lake} "SELECT count(*) FROM clean.orders"',
        f"Result:    {_result(outcome)}",
    ]
    return "\n".join(lines)


LAYERS = ("raw", "clean", "checks", "business", "report")


def _by_layer(outcome: RunOutcome) -> str:
    """Where the run's time went, e.g. " (raw 0.9 s, clean 4.4 s, checks 2.8 s, ...)"."""
    spent = outcome.layer_seconds
    parts = [f"{layer} {spent[layer]:.1f} s" for layer in LAYERS if layer in spent]
    return f" ({', '.join(parts)})" if parts else ""


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


def _checks(outcome: RunOutcome) -> list[str]:
    passed = sum(c.passed for c in outcome.checks)
    warned = [c for c in outcome.checks if not c.passed and not c.blocking]
    failed = outcome.failed_checks
    lines = [f"Checks: {passed} passed, {plural(len(warned), 'warning')}, {len(failed)} failed"]
    for check in warned:
        lines.append(f"  warn {check.asset} {check.name}: {check.description}")
    for check in failed:
        lines.append(f"  FAIL {check.asset} {check.name}: {check.description}")
    return lines


def _result(outcome: RunOutcome) -> str:
    if not outcome.ok:
        return "FAILED"
    refused = len(
        _raw_metadata(outcome, "rejected_files") | _raw_metadata(outcome, "unmatched_files")
    ) + len(_clean_rejections(outcome))
    return f"OK, {plural(refused, 'file')} refused (see above)" if refused else "OK"


def plural(count: int, noun: str) -> str:
    """`1 warning`, `2 warnings`."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _raw_metadata(outcome: RunOutcome, field: str) -> dict[str, dict]:
    """One entry per landing file across the raw assets' metadata (each lists the unmatched ones)."""
    found: dict[str, dict] = {}
    for asset, metadata in outcome.materialized.items():
        if asset.startswith(f"{RAW}/"):
            for entry in metadata.get(field, []):
                found.setdefault(entry["location"], entry)
    return found


def _refused(outcome: RunOutcome, lake: Store) -> list[str]:
    """Each refused file, why, and how to make the message go away."""
    refused = _raw_metadata(outcome, "rejected_files") | _raw_metadata(outcome, "unmatched_files")
    if not refused:
        return []
    lines = [
        "",
        f"Refused: {plural(len(refused), 'file')}, left out of the lake (the tables keep their "
        "accepted files; reported on every run until fixed or removed from the landing folder):",
    ]
    for location, entry in sorted(refused.items()):
        lines += [f"  {location}", f"      {entry['reason']}"]
        if entry.get("conflicts_with"):
            kept = lake.uri(raw_key(entry["conflicts_with"]))
            lines[-1] += f" (to keep this one instead, delete {kept} and its landing copy)"
    return lines


def _ignored(outcome: RunOutcome) -> list[str]:
    ignored = _raw_metadata(outcome, "ignored_files")
    if not ignored:
        return []
    shown = [f"{entry['key']}: {entry['note']}" for entry in list(ignored.values())[:IGNORED_SHOWN]]
    more = f"; and {len(ignored) - IGNORED_SHOWN} more" if len(ignored) > IGNORED_SHOWN else ""
    return ["", f"Ignored, not data: {'; '.join(shown)}{more}"]


def _rejections(outcome: RunOutcome, lake: str) -> list[str]:
    """Every raw file refused as a whole, with why and how to remove it."""
    found = _clean_rejections(outcome)
    if not found:
        return []
    lines = [
        "",
        f"Refused in the lake: {plural(len(found), 'file')} (the tables keep what they held):",
    ]
    for rejection in found:
        lines += [f"  {rejection['key']}", f"      {rejection['reason']}"]
        lines.append(
            f"      replace it, or remove it: olist-lakehouse forget --lake {lake} {rejection['key']}"
        )
    return lines


def _clean_rejections(outcome: RunOutcome) -> list[dict]:
    """Raw files in the lake that a clean table refused (its ledger's rejections)."""
    return [
        rejection
        for key, metadata in sorted(outcome.materialized.items())
        if key.startswith("clean/")
        for rejection in metadata.get("rejected_files") or []
    ]


def _failures(outcome: RunOutcome) -> list[str]:
    """One line per distinct failure, naming the steps it failed."""
    steps: dict[str, list[str]] = {}
    for step, message in outcome.failures:
        steps.setdefault(message, []).append(step)
    return [f"  - {', '.join(names)}: {message}" for message, names in steps.items()]
