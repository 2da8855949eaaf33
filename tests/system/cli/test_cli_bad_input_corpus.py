"""The bad-input corpus through the command line: every case in one local landing folder (beside a
small valid file per table, arriving in the corpus's order) and one `olist-lakehouse run`.

What the user sees decides each case's outcome: a refused file's reason on the line under its path
in the summary, an ignored key's note; a batch's counts come from its table's ledger and its rows
from the quarantine table. A refused file never reaches the lake's raw zone.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest

from olist_assets.cli.main import main
from olist_assets.core.contracts import CONTRACTS
from olist_assets.core.tables import BATCH_COLUMN, QUARANTINE
from olist_assets.stores.iceberg.tables import open_tables
from tests.corpus.cases import (
    LOCAL_CASES,
    CorpusCase,
    Ignored,
    Outcome,
    Rejected,
    Unreadable,
    assert_case,
    batch_key,
    ledger_counts,
)
from tests.corpus.invocations import INVOCATIONS, Invocation
from tests.integration.aws.conftest import small_dataset

pytestmark = pytest.mark.integration

START = 1_700_000_000  # the base files' modification time; case n arrives n minutes later
NOISE = ("Traceback", "Stack Trace", " - dagster - ", "olist_assets.", "dagster._core")


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str
    landing: Path
    lake: Path
    ledgers: dict[str, dict]
    quarantine: dict[str, list[dict]]


def valid_dataset() -> dict[str, str]:
    """The small dataset without its one bad record: a run on it alone passes every check."""
    files = small_dataset()
    return {name: re.sub(r".*not a date.*\n", "", text) for name, text in files.items()}


def write_landing(landing: Path, cases: tuple[CorpusCase, ...]) -> None:
    """The valid dataset, then each case's file, one minute apart, in the corpus's order."""
    for name, text in valid_dataset().items():
        (landing / name).write_text(text)
        os.utime(landing / name, (START, START))
    for minute, case in enumerate(cases, 1):
        path = landing / case.key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(case.content)
        os.utime(path, (START + 60 * minute, START + 60 * minute))


def run_cli(landing: Path, lake: Path) -> Run:
    """`olist-lakehouse run` in process, with what it printed and what the lake then holds."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["run", "--source", str(landing), "--lake", str(lake)])
    tables = open_tables(str(lake), os.environ)
    ledgers = {name: tables.state(c).ledger.batches for name, c in CONTRACTS.items()}
    quarantine = {
        name: tables.scan(QUARANTINE, name).read_all().to_pylist()
        for name in CONTRACTS
        if tables.load(QUARANTINE, name) is not None
    }
    return Run(code, out.getvalue(), err.getvalue(), landing, lake, ledgers, quarantine)


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    landing = tmp_path_factory.mktemp("landing")
    write_landing(landing, LOCAL_CASES)
    return run_cli(landing, tmp_path_factory.mktemp("lake") / "lake")


def shown_under(out: str, location: str) -> str | None:
    """The line the summary prints under a refused file's path, or None when it is not listed."""
    lines = out.splitlines()
    for at, line in enumerate(lines[:-1]):
        if line == f"  {location}":
            return lines[at + 1].strip()
    return None


def ignored_notes(out: str) -> dict[str, str]:
    """`Ignored, not data: key: note; key: note` as {key: note}."""
    line = next((ln for ln in out.splitlines() if ln.startswith("Ignored, not data: ")), "")
    entries = line.removeprefix("Ignored, not data: ").split("; ") if line else []
    return dict(entry.split(": ", 1) for entry in entries)


def outcome(case: CorpusCase, run: Run) -> Outcome:
    shown = shown_under(run.out, str(run.landing / case.key))
    if shown is not None:
        return Outcome("rejected", shown)
    if case.key in ignored_notes(run.out):
        return Outcome("ignored", ignored_notes(run.out)[case.key])
    entry = next(
        (ledger[batch_key(case)] for ledger in run.ledgers.values() if batch_key(case) in ledger),
        None,
    )
    if entry is None:
        return Outcome("missing from the summary and the lake")
    counts = ledger_counts(entry)
    rows = [r for r in run.quarantine.get(entry.table, []) if r[BATCH_COLUMN] == batch_key(case)]
    return Outcome("batch", counts=counts, quarantine=tuple(sorted(rows, key=lambda r: r["line"])))


@pytest.mark.parametrize("case", LOCAL_CASES, ids=lambda case: case.id)
def test_the_cli_gives_each_bad_input_its_outcome(case: CorpusCase, corpus_run: Run) -> None:
    assert_case(case, outcome(case, corpus_run))
    if isinstance(case.expected, Rejected | Unreadable):
        assert not (corpus_run.lake / "raw" / case.key).exists()


def test_the_corpus_run_fails_on_its_blocking_checks_in_plain_lines(corpus_run: Run) -> None:
    assert corpus_run.code == 1
    for noise in NOISE:
        assert noise not in corpus_run.out + corpus_run.err
    assert corpus_run.err == ""
    assert "Result:    FAILED" in corpus_run.out
    assert "FAIL clean/orders quarantine_rate: " in corpus_run.out


def test_the_summary_accounts_for_every_file_and_every_record(corpus_run: Run) -> None:
    # every refused file is listed once and every ignored key noted: none left out in silence
    refused = [c for c in LOCAL_CASES if isinstance(c.expected, Rejected | Unreadable)]
    ignored = [c for c in LOCAL_CASES if isinstance(c.expected, Ignored)]
    assert f"Refused: {len(refused)} files, left out of the lake" in corpus_run.out
    assert sorted(ignored_notes(corpus_run.out)) == sorted(c.key for c in ignored)
    # and each table's row in the summary is its ledger's totals: read = clean + quarantined + dups
    for name, ledger in corpus_run.ledgers.items():
        totals = [
            sum(getattr(entry, f"rows_{count}") for entry in ledger.values())
            for count in ("read", "clean", "quarantined", "duplicate")
        ]
        assert totals[0] == sum(totals[1:])
        row = next(line for line in corpus_run.out.splitlines() if line.startswith(f"{name} "))
        assert [int(n.replace(",", "")) for n in row.split()[1:5]] == totals, row


CASES_BY_ID = {case.id: case for case in LOCAL_CASES}
# A case alone beside the valid files: the exit status and the summary's result line it gives
ALONE = [
    ("renamed-column-names-line-1-and-its-column", 0, "Result:    OK, 1 file refused (see above)"),
    ("wrong-field-count-quarantines-its-record", 1, "FAIL clean/sellers quarantine_rate: 1 of 3"),
]


@pytest.mark.parametrize(("case_id", "code", "result"), ALONE, ids=[a[0] for a in ALONE])
def test_one_bad_input_alone_sets_the_exit_status_in_plain_lines(
    case_id: str, code: int, result: str, tmp_path: Path
) -> None:
    case = CASES_BY_ID[case_id]
    (tmp_path / "landing").mkdir()
    write_landing(tmp_path / "landing", (case,))

    run = run_cli(tmp_path / "landing", tmp_path / "lake")

    assert run.code == code, run.out
    assert result in run.out
    assert_case(case, outcome(case, run))
    for noise in NOISE:
        assert noise not in run.out + run.err


def test_a_latin1_resave_of_the_only_sellers_file_fails_the_command_naming_file_and_line(
    tmp_path: Path,
) -> None:
    # Given the sellers file re-saved as Latin-1 (a spreadsheet's default) and nothing else for it
    landing = tmp_path / "landing"
    landing.mkdir()
    write_landing(landing, ())
    sellers = landing / CONTRACTS["sellers"].file_name
    sellers.write_bytes(CASES_BY_ID["latin1-file-is-refused"].content)

    # When the installed command runs it, in its own process
    done = subprocess.run(
        [Path(sys.executable).with_name("olist-lakehouse"), "run", "--source", str(landing)]
        + ["--lake", str(tmp_path / "lake")],
        capture_output=True,
        text=True,
        timeout=300,
    )

    # Then it exits 1, saying which file, which line and what to do, in plain lines
    assert done.returncode == 1, done.stdout + done.stderr
    assert (
        f"  - raw/sellers: no accepted olist_sellers_dataset.csv (nor a dated drop) in {landing}: "
        "refused olist_sellers_dataset.csv: not UTF-8 throughout: 1 of 2 records hold bytes that "
        "are not UTF-8, the first on line 3; it looks Windows-1252 (a Latin-1 re-save): re-save "
        "the file as UTF-8"
    ) in done.stdout
    for noise in NOISE:
        assert noise not in done.stdout + done.stderr


@pytest.mark.parametrize("invocation", INVOCATIONS, ids=lambda invocation: invocation.id)
def test_a_bad_command_line_gets_one_error_line_and_its_exit_status(
    invocation: Invocation, tmp_path: Path, capsys
) -> None:
    (tmp_path / "afile").write_text("not a folder\n")
    (tmp_path / "empty").mkdir()
    argv = [arg.replace("{tmp}", str(tmp_path)) for arg in invocation.argv]

    try:
        code = main(argv)
    except SystemExit as usage:  # click's usage errors, as the console script exits with them
        code = usage.code
    out, err = capsys.readouterr()

    assert code == invocation.code, out + err
    errors = [line for line in err.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, err
    assert errors[0].startswith("Error: " + invocation.error.replace("{tmp}", str(tmp_path)))
    for noise in NOISE:
        assert noise not in out + err
