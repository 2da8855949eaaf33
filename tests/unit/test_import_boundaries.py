"""The pure core must stay importable where dagster is absent, and off DuckDB outside its adapter."""

import subprocess
import sys
from pathlib import Path

import pytest

CORE_DIR = Path(__file__).parents[2] / "olist_assets" / "core"
CORE = sorted(
    ".".join(("olist_assets", "core", *path.relative_to(CORE_DIR).with_suffix("").parts))
    for path in CORE_DIR.rglob("*.py")
    if path.stem != "__init__"
)


def _heavy_modules_after_import(module: str) -> set[str]:
    code = (
        f"import sys, {module}\n"
        "print(','.join(m for m in ('dagster', 'duckdb') if m in sys.modules))"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(filter(None, found.stdout.strip().split(",")))


@pytest.mark.parametrize("module", CORE)
def test_core_module_imports_without_dagster(module: str) -> None:
    heavy = _heavy_modules_after_import(module)

    assert "dagster" not in heavy
    if not module.endswith("duckdb_engine"):
        assert "duckdb" not in heavy


def test_package_init_imports_nothing() -> None:
    code = "import sys, olist_assets; print(sorted(m for m in sys.modules if m.startswith('olist_assets')))"
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "['olist_assets']"
