"""Pipeline commands: generate the embedded dataset, run every layer, render the report."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import click

from olist_assets import settings
from olist_assets.cli.errors import UserError

LAKE_OPTION = click.option(
    "--lake",
    envvar=settings.LAKE_URL,
    show_envvar=True,
    default=settings.DEFAULT_LAKE_URL,
    help="The lake: a local folder or an s3://bucket/prefix URL.",
)


def open_tables(lake: str):
    """The tables of an existing lake, with the catalog the environment names (OLIST_CATALOG...);
    a mistyped lake is refused (one line, exit code 2), never created."""
    from olist_assets.stores.iceberg.tables import open_tables as open_lake_tables

    _check_location("--lake", lake, must_exist=True)
    return open_lake_tables(lake, os.environ)


def _scale(text: str) -> float:
    from olist_assets.generator.sizing import MAX_SCALE, MIN_SCALE

    try:
        scale = float(text)
    except ValueError:
        raise click.BadParameter(f"must be a number, got {text!r}") from None
    if not scale >= MIN_SCALE:
        raise click.BadParameter(f"must be at least {MIN_SCALE}, got {text}")
    if not scale <= MAX_SCALE:
        raise click.BadParameter(
            f"must be at most {MAX_SCALE} (about {MAX_SCALE * 0.12:.0f} GB of CSV), got {text}"
        )
    return scale


def _check_location(option: str, url: str, *, must_exist: bool) -> None:
    """Refuse a location that cannot work before any work starts (one line, exit code 2); create a
    local folder that may be missing."""
    from olist_assets.stores.locations import location_problem

    problem = location_problem(url, must_exist=must_exist)
    if problem:
        raise UserError(f"{option} {problem}")
    if not must_exist and not url.startswith("s3://"):
        try:
            Path(url).expanduser().mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise UserError(f"{option} {url} cannot be created: {error.strerror}") from None


@click.command()
@click.option(
    "--scale",
    default="0.1",
    callback=lambda _ctx, _param, value: _scale(value),
    help="Dataset size: 1 gives the real Olist row counts (about 120 MB of CSV); at most 50.",
)
@click.option(
    "--seed", type=int, default=42, help="Random seed: the same seed writes the same bytes."
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write the 9 CSV files into (created if missing).",
)
@click.option(
    "--monthly-drops",
    is_flag=True,
    help="Write one dated folder per purchase month (YYYY-MM/) instead of one file per table, "
    "to land month by month.",
)
def generate(scale: float, seed: int, out: Path, monthly_drops: bool) -> int:
    """Write the 9 Olist-shaped CSV files."""
    from olist_assets.generator.dataset import generate_dataset
    from olist_assets.generator.drops import generate_monthly_drops

    def progress(file_name: str, rows: int) -> None:
        click.echo(f"  wrote {file_name:<55} {rows:>10,} rows")

    click.echo(f"Generating Olist-shaped data at scale {scale} (seed {seed}) into {out}")
    write = generate_monthly_drops if monthly_drops else generate_dataset
    counts = write(out, scale=scale, seed=seed, progress=progress)
    click.echo(f"Done: {sum(counts.values()):,} rows in {len(counts)} files")
    return 0


@click.command()
@click.option(
    "--source",
    envvar=settings.LANDING_URL,
    show_envvar=True,
    default=settings.DEFAULT_LANDING_URL,
    help="Where the CSV files arrive: a local folder or an s3:// URL.",
)
@LAKE_OPTION
@click.option(
    "--rebuild-business",
    is_flag=True,
    help="Build every business table, also those already built from what their inputs hold now "
    "by the current SQL (after a DuckDB upgrade, say).",
)
def run(source: str, lake: str, rebuild_business: bool) -> int:
    """Land SOURCE into the lake and materialize every asset, then print a summary."""
    _check_location("--source", source, must_exist=True)
    _check_location("--lake", lake, must_exist=False)
    home = dagster_home()
    from olist_assets.cli.execution import materialize_all
    from olist_assets.cli.summary import render_summary

    click.echo(f"Running the pipeline: {source} -> {lake}")
    log_level = "DEBUG" if click.get_current_context().find_root().obj["verbose"] else "CRITICAL"
    with _dagster_instance(home) as instance:
        outcome = materialize_all(lake, source, instance, log_level, rebuild_business)
    click.echo(render_summary(outcome, lake=lake, source=source))
    return 0 if outcome.ok else 1


@click.command()
@LAKE_OPTION
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The HTML file to write.",
)
def report(lake: str, out: Path) -> int:
    """Render the business tables as one self-contained HTML report."""
    _check_location("--lake", lake, must_exist=True)
    from olist_assets.report.document import write_report
    from olist_assets.report.tables import MissingTablesError

    click.echo(f"Rendering the report from {lake}")
    try:
        write_report(open_tables(lake), lake, out)
    except MissingTablesError as error:
        raise UserError(f"{error}: build them with `olist-lakehouse run --lake {lake}`") from None
    click.echo(f"Report written to {out}")
    return 0


def dagster_home() -> Path | None:
    """$DAGSTER_HOME, where command-line runs and rollbacks are recorded for the UI (None when
    unset); UserError when it is not an absolute path, as Dagster requires."""
    home = os.environ.get("DAGSTER_HOME")
    if home and not os.path.isabs(home):
        raise UserError(
            f"DAGSTER_HOME must be an absolute path, not {home!r}: "
            f"export DAGSTER_HOME={Path(home).expanduser().resolve()}"
        )
    return Path(home) if home else None


@contextlib.contextmanager
def _dagster_instance(home: Path | None) -> Iterator:
    """The instance at `home` when given, so command-line runs show in the UI; else an ephemeral
    one."""
    import dagster as dg

    if home:
        home.mkdir(parents=True, exist_ok=True)
        with dg.DagsterInstance.get() as instance:
            yield instance
    else:
        with dg.DagsterInstance.ephemeral() as instance:
            yield instance


COMMANDS = (generate, run, report)
