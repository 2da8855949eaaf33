"""The `olist-lakehouse` command: generate the embedded dataset, run the pipeline, print a summary."""

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from olist_assets import settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="olist-lakehouse", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    generate = commands.add_parser("generate", help="write the 9 Olist-shaped CSV files")
    generate.add_argument("--scale", type=_scale, default=0.1, help="1 = the real row counts")
    generate.add_argument("--seed", type=int, default=42)
    generate.add_argument("--out", type=Path, required=True)
    generate.set_defaults(handler=_generate)

    run = commands.add_parser("run", help="land DIR into the lake and materialize every asset")
    run.add_argument(
        "--source", default=os.environ.get(settings.LANDING_URL, settings.DEFAULT_LANDING_URL)
    )
    run.add_argument("--lake", default=os.environ.get(settings.LAKE_URL, settings.DEFAULT_LAKE_URL))
    run.set_defaults(handler=_run)

    report = commands.add_parser("report", help="render the business tables as one HTML report")
    report.add_argument(
        "--lake", default=os.environ.get(settings.LAKE_URL, settings.DEFAULT_LAKE_URL)
    )
    report.add_argument("--out", type=Path, required=True)
    report.set_defaults(handler=_report)

    args = parser.parse_args(argv)
    return args.handler(args)


def _scale(text: str) -> float:
    from olist_assets.generator.sizing import MIN_SCALE

    scale = float(text)
    if not scale >= MIN_SCALE:
        raise argparse.ArgumentTypeError(f"must be at least {MIN_SCALE}, got {text}")
    return scale


def _generate(args: argparse.Namespace) -> int:
    from olist_assets.generator.dataset import generate_dataset

    def progress(file_name: str, rows: int) -> None:
        print(f"  wrote {file_name:<45} {rows:>10,} rows", flush=True)

    print(f"Generating Olist-shaped data at scale {args.scale} (seed {args.seed}) into {args.out}")
    counts = generate_dataset(args.out, scale=args.scale, seed=args.seed, progress=progress)
    print(f"Done: {sum(counts.values()):,} rows in {len(counts)} files")
    return 0


def _run(args: argparse.Namespace) -> int:
    from olist_assets.cli.execution import materialize_all
    from olist_assets.cli.summary import render_summary

    with _dagster_instance() as instance:
        outcome = materialize_all(lake_url=args.lake, landing_url=args.source, instance=instance)
    print(render_summary(outcome, lake=args.lake, source=args.source))
    return 0 if outcome.ok else 1


def _report(args: argparse.Namespace) -> int:
    from olist_assets.report.document import write_report
    from olist_assets.stores.locations import open_store

    print(f"Rendering the report from {args.lake}")
    write_report(open_store(args.lake), args.out)
    print(f"Report written to {args.out}")
    return 0


@contextlib.contextmanager
def _dagster_instance() -> Iterator:
    """$DAGSTER_HOME's instance when set, so command-line runs show in the UI; else an ephemeral one."""
    import dagster as dg

    if home := os.environ.get("DAGSTER_HOME"):
        Path(home).mkdir(parents=True, exist_ok=True)
        with dg.DagsterInstance.get() as instance:
            yield instance
    else:
        with dg.DagsterInstance.ephemeral() as instance:
            yield instance


if __name__ == "__main__":
    sys.exit(main())
