"""The pure core must stay importable where dagster and duckdb are absent (the Lambda layer)."""

import subprocess
import sys
from pathlib import Path

import pytest

CORE = sorted(
    "olist_assets.core." + path.stem
    for path in (Path(__file__).parents[2] / "olist_assets" / "core").glob("*.py")
    if path.stem != "__init__"
)


@pytest.mark.parametrize("module", CORE)
def test_core_module_imports_without_dagster_or_duckdb(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        "heavy = sorted(m for m in ('dagster', 'duckdb') if m in sys.modules)\n"
        "print(','.join(heavy))"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == ""


def test_package_init_imports_nothing() -> None:
    code = "import sys, olist_assets; print(sorted(m for m in sys.modules if m.startswith('olist_assets')))"
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "['olist_assets']"
