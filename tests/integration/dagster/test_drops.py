"""A file drop is a unit in Dagster: each raw and clean materialization lists every drop with its
state and figures, each drop that changed a table is its own event, and one drop re-runs alone."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from olist_assets.definitions import build_definitions

pytestmark = pytest.mark.integration

UNDATED = "olist_sellers_dataset.csv"
SEPTEMBER = "olist_sellers_dataset_2018-09.csv"
OCTOBER = "olist_sellers_dataset_2018-10.csv"
S1 = '"3442f8959a84dea7ee197c632cb2df15","13023",campinas,SP'
S2 = '"d1b65fc7debc3361ea86b5f14c68d2e2","13844",mogi guacu,SP'
S1_MOVED = '"3442f8959a84dea7ee197c632cb2df15","01001",sao paulo,SP'
S3 = '"ce3ad9de960102d0677a81f5d0bb7b2d","20031",rio de janeiro,RJ'
SHORT = '"c0f3eea2e14555b6faeea3dd58c1b1c3","04195"'  # a field missing: quarantined
SELLERS = [dg.AssetKey(["raw", "sellers"]), dg.AssetKey(["clean", "sellers"])]


def drop_run_config(table: str, batches: list[str]) -> dict:
    """The run config a user gives (launchpad or `dagster asset materialize --config-json`) to
    re-run these drops of a table: the same BatchScope on its raw and clean steps."""
    scope = {"config": {"batches": batches}}
    return {"ops": {f"raw__{table}": scope, f"clean__{table}": scope}}


def _rows(event: dg.EventLogEntry) -> list[dict]:
    table = event.asset_materialization.metadata["batches"].value
    return [record.data for record in table.records]


def _run(landing: Path, lake: Path, instance: dg.DagsterInstance, config: dict | None = None):
    """Materialize raw/sellers and clean/sellers with their checks; the batches tables, the
    blocking checks that failed and the row count raw/sellers published."""
    definitions = build_definitions(str(lake), str(landing))
    job = definitions.resolve_implicit_global_asset_job_def()
    result = job.execute_in_process(
        instance=instance, asset_selection=SELLERS, run_config=config or {}, raise_on_error=False
    )
    raw, clean = (instance.get_latest_materialization_event(key) for key in SELLERS)
    failed = {
        e.check_name
        for e in result.get_asset_check_evaluations()
        if not e.passed and e.severity == dg.AssetCheckSeverity.ERROR
    }
    row_count = raw.asset_materialization.metadata.get("dagster/row_count")
    return _rows(raw), _rows(clean), failed, row_count and row_count.value


def _drop_events(instance: dg.DagsterInstance) -> list[str]:
    records = instance.fetch_observations(SELLERS[1], limit=100).records
    return sorted(record.asset_observation.description for record in records)


def test_each_drop_shows_with_its_state_and_figures_and_one_drop_reruns_alone(
    tmp_path: Path, olist_csv
) -> None:
    # Given an undated file, a September drop that moves seller s1 and holds a short record, and
    # an October drop whose header is wrong
    landing, lake = tmp_path / "landing", tmp_path / "lake"
    landing.mkdir()
    (landing / UNDATED).write_text(olist_csv("sellers", S1, S2))
    (landing / SEPTEMBER).write_text(olist_csv("sellers", S1_MOVED, SHORT))
    (landing / OCTOBER).write_text("seller,zip\nx,1\n")

    with dg.DagsterInstance.ephemeral() as instance:
        raw, clean, failed, row_count = _run(landing, lake, instance)
        first_events = _drop_events(instance)

        # When both good files change (the September drop fixed), and only the September drop re-runs
        (landing / UNDATED).write_text(olist_csv("sellers", S1, S2, S3))
        (landing / SEPTEMBER).write_text(olist_csv("sellers", S1_MOVED))
        rerun_raw, rerun_clean, rerun_failed, rerun_row_count = _run(
            landing, lake, instance, drop_run_config("sellers", [SEPTEMBER])
        )
        events = _drop_events(instance)

    # Then raw/sellers lists each file: two landed, the October drop refused with the reason
    assert [(r["batch"], r["state"], r["records"]) for r in raw] == [
        (UNDATED, "landed", 2),
        (SEPTEMBER, "landed", 2),
        (OCTOBER, "refused", None),
    ]
    assert "header" in raw[2]["reason"]
    assert row_count == 4
    # clean/sellers lists each batch in precedence order with where its rows went
    figures = ("batch", "state", "rows_read", "rows_clean", "rows_quarantined", "rows_superseded")
    assert [tuple(r[name] for name in figures) + (r["rows_in_table"],) for r in clean] == [
        (UNDATED, "landed", 2, 2, 0, 1, 1),
        (SEPTEMBER, "landed", 2, 1, 1, 0, 1),
    ]
    assert all(len(r["sha256"]) == 64 for r in clean)
    # the drop's quarantined record (1 of the table's 4) blocks its table
    assert failed == {"quarantine_rate"}
    # each drop that changed the table is its own event
    assert first_events == [
        f"{UNDATED}: landed, 2 rows read, 2 clean, 0 quarantined, 0 duplicate, "
        "1 superseded by later drops",
        f"{SEPTEMBER}: landed, 2 rows read, 1 clean, 1 quarantined, 0 duplicate, "
        "0 superseded by later drops",
    ]
    # the re-run took the September drop only: the undated file's new content waits
    assert [(r["batch"], r["state"]) for r in rerun_raw] == [
        (SEPTEMBER, "landed"),
        (OCTOBER, "refused"),
    ]
    assert [(r["batch"], r["state"], r["rows_quarantined"]) for r in rerun_clean] == [
        (UNDATED, "unchanged", 0),
        (SEPTEMBER, "landed", 0),
    ]
    assert rerun_failed == set()
    assert rerun_row_count is None  # it read one drop: the table's row count is not its figure
    assert (lake / "raw" / UNDATED).read_text() == olist_csv("sellers", S1, S2)
    assert events == sorted(
        [
            *first_events,
            f"{SEPTEMBER}: landed, 1 rows read, 1 clean, 0 quarantined, 0 duplicate, "
            "0 superseded by later drops",
        ]
    )


def test_a_rerun_naming_a_file_of_another_table_fails_saying_so(tmp_path: Path, olist_csv) -> None:
    landing, lake = tmp_path / "landing", tmp_path / "lake"
    landing.mkdir()
    (landing / UNDATED).write_text(olist_csv("sellers", S1))
    definitions = build_definitions(str(lake), str(landing))
    job = definitions.resolve_implicit_global_asset_job_def()

    with dg.DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(
            instance=instance,
            asset_selection=SELLERS,
            run_config=drop_run_config("sellers", ["olist_orders_dataset.csv"]),
            raise_on_error=False,
        )

    (failure,) = result.get_step_failure_events()
    assert failure.step_key == "raw__sellers"
    assert failure.step_failure_data.user_failure_data.description == (
        "not an admitted sellers file in the landing folder: 'olist_orders_dataset.csv' "
        f"(its files there: {UNDATED!r})"
    )
