"""The layers the folders name: a pure core, and handlers that never load Dagster, DuckDB or matplotlib.

Two interpreters prove the import-time closure (one imports every core module, one every handler);
a static pass over the core's source also catches imports made lazily inside functions.
"""

import ast
import json
import subprocess
import sys
from pathlib import Path

from olist_assets.settings import LAMBDA_FUNCTIONS

ROOT = Path(__file__).resolve().parents[3]
CORE_DIR = ROOT / "olist_assets" / "core"
CORE_BANNED = (
    "boto3",
    "botocore",
    "awswrangler",
    "pyiceberg",
    "duckdb",
    "matplotlib",
    "dagster",
    "pandas",
)
HANDLER_BANNED = ("dagster", "duckdb", "matplotlib")
CORE_MODULES = sorted(
    ".".join(("olist_assets", "core", *path.relative_to(CORE_DIR).with_suffix("").parts))
    for path in CORE_DIR.rglob("*.py")
    if path.stem != "__init__"
)

PROBE = """
import importlib, json, sys
for name in sys.argv[2:]:
    importlib.import_module(name)
banned = sys.argv[1].split(",")
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules} & set(banned))))
"""


def _loaded_banned(modules: list[str], banned: tuple[str, ...]) -> list[str]:
    found = subprocess.run(
        [sys.executable, "-c", PROBE, ",".join(banned), *modules],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(found.stdout)


def _static_imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_core_modules_load_no_engine_sdk_or_orchestrator() -> None:
    assert _loaded_banned(CORE_MODULES, CORE_BANNED) == []


def test_core_source_never_imports_them_even_inside_functions() -> None:
    offenders = {
        path.relative_to(ROOT).as_posix(): sorted(_static_imports(path) & set(CORE_BANNED))
        for path in CORE_DIR.rglob("*.py")
    }

    assert {path: names for path, names in offenders.items() if names} == {}


def test_core_source_never_reads_the_environment() -> None:
    readers = [
        path.relative_to(ROOT).as_posix()
        for path in CORE_DIR.rglob("*.py")
        if "os.environ" in path.read_text() or "getenv" in path.read_text()
    ]

    assert readers == []


def test_handlers_load_no_dagster_duckdb_or_matplotlib() -> None:
    handlers = sorted({spec["handler"].rpartition(".")[0] for spec in LAMBDA_FUNCTIONS.values()})

    assert _loaded_banned(handlers, HANDLER_BANNED) == []


def test_package_init_imports_nothing() -> None:
    code = "import sys, olist_assets; print(sorted(m for m in sys.modules if m.startswith('olist_assets')))"
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "['olist_assets']"
