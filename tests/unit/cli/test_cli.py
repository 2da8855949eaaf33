"""Command-line argument and location handling that needs no pipeline run: every failure is one or
two plain lines and a documented exit code, never a traceback (unless --verbose)."""

from pathlib import Path

import click
import pytest
from dagster._utils.error import SerializableErrorInfo

from olist_assets.cli import main as cli_main
from olist_assets.cli.errors import step_failure_message
from olist_assets.cli.main import main
from olist_assets.cli.summary import plural


def run_cli(args: list[str], capsys) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of one command line, usage errors included."""
    try:
        code = main(args)
    except SystemExit as exit_info:
        code = exit_info.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def error_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("Error:")]


def assert_plain(err: str) -> None:
    assert "Traceback" not in err and "Stack Trace" not in err
    assert "olist_assets." not in err and "dagster._core" not in err


def test_generate_refuses_a_scale_below_the_smallest_dataset(tmp_path: Path, capsys) -> None:
    code, _, err = run_cli(["generate", "--scale", "0.0001", "--out", str(tmp_path)], capsys)

    assert code == 2
    assert "'--scale': must be at least" in err
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize(
    "scale, message",
    [
        ("abc", "'--scale': must be a number, got 'abc'"),
        ("1e9", "'--scale': must be at most 50 (about 6 GB of CSV), got 1e9"),
        ("inf", "'--scale': must be at most 50"),
        ("nan", "'--scale': must be at least 0.001, got nan"),
    ],
)
def test_generate_refuses_a_scale_that_is_no_number_or_too_large_in_one_line(
    tmp_path: Path, capsys, scale, message
) -> None:
    code, _, err = run_cli(["generate", "--scale", scale, "--out", str(tmp_path / "x")], capsys)

    assert code == 2
    (line,) = error_lines(err)
    assert message in line
    assert_plain(err)
    assert not (tmp_path / "x").exists()


def test_generate_into_an_existing_file_is_a_usage_error(tmp_path: Path, capsys) -> None:
    existing = tmp_path / "file.csv"
    existing.write_text("x")

    code, _, err = run_cli(["generate", "--out", str(existing)], capsys)

    assert code == 2
    assert error_lines(err) == [
        f"Error: Invalid value for '--out': Directory '{existing}' is a file."
    ]


def test_report_on_an_empty_lake_says_to_run_the_pipeline_first(tmp_path: Path, capsys) -> None:
    lake = tmp_path / "lake"
    lake.mkdir()

    code, _, err = run_cli(
        ["report", "--lake", str(lake), "--out", str(tmp_path / "r.html")], capsys
    )

    assert code == 2
    (line,) = error_lines(err)
    assert line.startswith(
        f"Error: {lake} has no business table fact_orders, kpi_monthly, sales_monthly"
    )
    assert line.endswith(f"build them with `olist-lakehouse run --lake {lake}`")
    assert_plain(err)


def test_report_on_a_missing_lake_names_it(tmp_path: Path, capsys) -> None:
    code, _, err = run_cli(
        ["report", "--lake", str(tmp_path / "nope"), "--out", str(tmp_path / "r.html")], capsys
    )

    assert code == 2
    assert error_lines(err) == [f"Error: --lake {tmp_path / 'nope'}: no such folder"]


@pytest.mark.parametrize(
    "source, lake, message",
    [
        ("/nonexistent", "lake", "Error: --source /nonexistent: no such folder"),
        (
            "{tmp}/landng",
            "lake",
            "Error: --source {tmp}/landng: no such folder (did you mean {tmp}/landing?)",
        ),
        ("{tmp}/landing/olist_orders_dataset.csv", "lake", "is a file, not a folder"),
        ("{tmp}/landing", "{tmp}/landing/olist_orders_dataset.csv", "is a file, not a folder"),
        ("{tmp}/landing", "{tmp}/landing/olist_orders_dataset.csv/lake", "cannot be created: "),
        ("{tmp}/landing", "s3:///prefix", "--lake s3:///prefix: an s3:// URL needs a bucket name"),
    ],
)
def test_run_checks_source_and_lake_before_any_work(
    tmp_path: Path, capsys, source, lake, message
) -> None:
    (tmp_path / "landing").mkdir()
    (tmp_path / "landing" / "olist_orders_dataset.csv").write_text("x")
    source, lake = source.format(tmp=tmp_path), lake.format(tmp=tmp_path)

    code, out, err = run_cli(["run", "--source", source, "--lake", lake], capsys)

    assert code == 2
    (line,) = error_lines(err)
    assert message.format(tmp=tmp_path) in line
    assert out == "" and len(err.splitlines()) == 1
    assert not (tmp_path / "lake").exists()


@pytest.mark.parametrize("command", ["run", "rollback"])
def test_a_relative_dagster_home_is_a_usage_error_before_any_work(
    command: str, tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DAGSTER_HOME", ".dagster_home")
    lake = tmp_path / "lake"
    lake.mkdir()
    argv = {
        "run": ["run", "--source", str(tmp_path), "--lake", str(lake)],
        "rollback": ["rollback", "--lake", str(lake), "clean.orders", "1"],
    }[command]

    code, _, err = run_cli(argv, capsys)

    assert code == 2
    assert error_lines(err) == [
        "Error: DAGSTER_HOME must be an absolute path, not '.dagster_home': export "
        f"DAGSTER_HOME={tmp_path.resolve() / '.dagster_home'}"
    ]
    assert_plain(err)
    assert not (tmp_path / ".dagster_home").exists() and not any(lake.iterdir())


def test_help_documents_the_exit_codes(capsys) -> None:
    code, out, _ = run_cli(["--help"], capsys)

    assert code == 0
    for line in ("0  success", "1  the pipeline ran and something failed", "2  bad usage or input"):
        assert line in out


@pytest.fixture
def failing_command(monkeypatch: pytest.MonkeyPatch):
    """Register a command that raises the given exception, as a bug or an OS error would."""

    def register(error: Exception) -> None:
        @click.command(name="boom")
        def boom() -> None:
            raise error

        monkeypatch.setitem(cli_main.cli.commands, "boom", boom)

    return register


def test_an_unexpected_error_is_two_lines_and_a_traceback_only_with_verbose(
    failing_command, capsys
) -> None:
    failing_command(TypeError("unsupported operand"))

    code, _, err = run_cli(["boom"], capsys)
    verbose_code, _, verbose_err = run_cli(["--verbose", "boom"], capsys)

    assert code == verbose_code == 3
    assert err.splitlines() == [
        "Error: unexpected TypeError: unsupported operand",
        "This is a bug: rerun with --verbose and report the traceback.",
    ]
    assert "Traceback (most recent call last)" in verbose_err


def test_an_os_error_is_a_user_error_naming_the_path(failing_command, capsys) -> None:
    failing_command(PermissionError(13, "Permission denied", "/srv/lake/raw"))

    code, _, err = run_cli(["boom"], capsys)

    assert code == 2
    assert err.splitlines() == [
        "Error: Permission denied: /srv/lake/raw (check the path and its permissions)"
    ]


def error_info(cls_path: str, message: str, cause=None) -> SerializableErrorInfo:
    cls_name = cls_path.rsplit(".", 1)[-1]
    return SerializableErrorInfo(f"{cls_path}: {message}\n", [], cls_name, cause=cause)


def test_a_step_failure_is_the_users_error_without_wrappers_class_paths_or_causes() -> None:
    decode = error_info("UnicodeDecodeError", "'utf-8' codec can't decode byte 0xff")
    user = error_info(
        "olist_assets.core.parsing.UndecodableFileError",
        "x.csv, line 2, column 12: not valid UTF-8",
        cause=decode,
    )
    wrapper = error_info(
        "dagster._core.errors.DagsterExecutionStepExecutionError",
        'Error occurred while executing op "clean__x":',
        cause=user,
    )

    assert step_failure_message(wrapper) == "x.csv, line 2, column 12: not valid UTF-8"


def test_a_dagster_failure_loses_its_class_path_and_a_bug_says_so() -> None:
    failure = error_info("dagster._core.definitions.events.Failure", "no accepted x.csv")
    bug = error_info("KeyError", "'orders'")

    assert step_failure_message(failure) == "no accepted x.csv"
    assert step_failure_message(bug) == (
        "KeyError: 'orders' (unexpected: rerun with --verbose and report it)"
    )


def test_a_step_interrupted_by_ctrl_c_is_said_so_not_reported_as_a_bug() -> None:
    interrupted = error_info(
        "dagster._core.errors.DagsterExecutionInterruptedError", "Execution was interrupted."
    )

    assert step_failure_message(interrupted).startswith("interrupted (Ctrl-C): ")


def test_a_blocking_check_is_the_datas_verdict_not_a_bug() -> None:
    failed = error_info(
        "dagster._core.errors.DagsterAssetCheckFailedError",
        "2 blocking asset checks failed with ERROR severity:\n"
        "clean/orders: quarantine_rate,row_conservation",
    )

    assert step_failure_message(failed) == (
        "blocking check failed: clean/orders quarantine_rate,row_conservation (its FAIL line "
        "above says why); what depends on it was not built"
    )


def test_counts_read_in_the_singular_for_one() -> None:
    assert [plural(n, "warning") for n in (0, 1, 2)] == ["0 warnings", "1 warning", "2 warnings"]
