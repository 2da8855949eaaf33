"""The `olist-lakehouse` command: generate the embedded dataset, run the pipeline, query and repair tables.

Every failure ends as one or two plain lines on stderr (what failed, where, what to do) and an exit
code; `--verbose` adds the traceback. Commands live in one module per area and register here.
"""

from __future__ import annotations

import sys
import traceback
from importlib.metadata import version

import click

from olist_assets.cli import pipeline, tables
from olist_assets.cli.errors import UserError, user_message

EXIT_CODES = """\b
Exit codes:
  0  success
  1  the pipeline ran and something failed (a table, a blocking check)
  2  bad usage or input (an option, a file, a location)
  3  an unexpected error (a bug: rerun with --verbose and report it)
  130  interrupted (Ctrl-C) outside a pipeline step; a run interrupted in a step ends with 1"""


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "show_default": True},
    epilog=EXIT_CODES,
)
@click.version_option(version("olist-lakehouse"), prog_name="olist-lakehouse")
@click.option("--verbose", is_flag=True, help="Show tracebacks and debug logs.")
@click.pass_context
def cli(context: click.Context, verbose: bool) -> None:
    """Serverless Olist lakehouse: land, clean and model the Olist e-commerce data."""
    context.obj = {"verbose": verbose}


for command in (*pipeline.COMMANDS, *tables.COMMANDS):
    cli.add_command(command)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code (SystemExit(2) for usage errors, as click does)."""
    verbose = "--verbose" in (sys.argv[1:] if argv is None else argv)
    try:
        result = cli.main(args=argv, prog_name="olist-lakehouse", standalone_mode=False)
    except click.exceptions.Exit as done:
        return done.exit_code
    except click.Abort:
        click.echo("Aborted.", err=True)
        return 1
    except KeyboardInterrupt:
        click.echo("Interrupted: every table keeps its last committed snapshot.", err=True)
        return 130
    except click.UsageError as error:
        error.show()
        raise SystemExit(error.exit_code) from None
    except click.ClickException as error:
        error.show()
        return error.exit_code
    except Exception as error:  # the last line of defence: one or two lines, never a traceback
        if verbose:
            traceback.print_exc()
        message = user_message(error)
        if message:
            click.echo(f"Error: {message}", err=True)
            return UserError.exit_code
        click.echo(f"Error: unexpected {type(error).__name__}: {error}", err=True)
        click.echo("This is a bug: rerun with --verbose and report the traceback.", err=True)
        return 3
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
