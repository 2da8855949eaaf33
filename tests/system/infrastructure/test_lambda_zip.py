"""The Lambda zip: reproducible, exactly the modules the handlers import and the SQL, no dagster or duckdb."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from olist_assets.settings import LAMBDA_FUNCTIONS

ROOT = Path(__file__).resolve().parents[3]

BUILDER = "infrastructure/build_lambda_zip.py"
NEVER_SHIPPED = (
    "olist_assets/defs/",
    "olist_assets/generator/",
    "olist_assets/report/",
    "olist_assets/cli/",
)

LOADED = """
import importlib, json, sys
sys.path.insert(0, sys.argv[1])
for handler in sys.argv[2:]:
    importlib.import_module(handler.rpartition(".")[0])
print(json.dumps(sorted(m.__file__ for m in list(sys.modules.values())
                        if (getattr(m, "__file__", None) or "").startswith(sys.argv[1]))))
"""

PROBE = """
import importlib, json, sys
sys.path.insert(0, sys.argv[1])
module_name, _, attribute = sys.argv[2].rpartition(".")
module = importlib.import_module(module_name)
from olist_assets.core.business.tables import BUSINESS_TABLES
print(json.dumps({
    "file": module.__file__,
    "callable": callable(getattr(module, attribute)),
    "heavy": sorted(m for m in ("dagster", "duckdb") if m in sys.modules),
    "sql_files": all(t.sql_file.is_file() for t in BUSINESS_TABLES.values()),
}))
"""


def build_zip(out: Path) -> Path:
    """infrastructure/build_lambda_zip.py is a script, not a package module: load it by path."""
    spec = importlib.util.spec_from_file_location("build_lambda_zip", ROOT / BUILDER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.build_zip(out)


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("lambda")
    with zipfile.ZipFile(build_zip(folder / "lambda.zip")) as archive:
        archive.extractall(folder / "task")
    return folder / "task"


def test_zip_is_byte_for_byte_reproducible(tmp_path: Path) -> None:
    first = build_zip(tmp_path / "a.zip").read_bytes()
    second = build_zip(tmp_path / "b.zip").read_bytes()

    assert first == second


def test_zip_holds_the_handlers_their_imports_and_the_sql_and_nothing_else(tmp_path: Path) -> None:
    with zipfile.ZipFile(build_zip(tmp_path / "lambda.zip")) as archive:
        names = archive.namelist()

    assert names == sorted(names)
    assert not any(name.startswith(NEVER_SHIPPED) for name in names)
    assert not any("__pycache__" in name or name.endswith(".pyc") for name in names)
    assert "olist_assets/core/cleaning.py" in names and "sql/business/fact_orders.sql" in names
    assert "olist_assets/engines/duckdb_engine.py" not in names


@pytest.mark.integration
def test_every_module_in_the_zip_is_loaded_by_importing_the_handlers(unpacked: Path) -> None:
    handlers = [spec["handler"] for spec in LAMBDA_FUNCTIONS.values()]

    found = subprocess.run(
        [sys.executable, "-c", LOADED, str(unpacked), *handlers],
        capture_output=True,
        text=True,
        check=True,
        cwd=unpacked,
    )

    loaded = {Path(f).relative_to(unpacked).as_posix() for f in json.loads(found.stdout)}
    shipped = {p.relative_to(unpacked).as_posix() for p in unpacked.rglob("*.py")}
    assert shipped == loaded


@pytest.mark.integration
@pytest.mark.parametrize("function", sorted(LAMBDA_FUNCTIONS))
def test_handler_imports_from_the_zip_in_a_fresh_interpreter_without_dagster_or_duckdb(
    unpacked: Path, function: str
) -> None:
    handler = LAMBDA_FUNCTIONS[function]["handler"]

    found = subprocess.run(
        [sys.executable, "-c", PROBE, str(unpacked), handler],
        capture_output=True,
        text=True,
        check=True,
        cwd=unpacked,
    )

    probe = json.loads(found.stdout)
    assert probe["file"].startswith(str(unpacked)) and probe["callable"]
    assert probe["heavy"] == []
    assert probe["sql_files"]
