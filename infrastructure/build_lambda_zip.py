"""Build the one deployment zip every Lambda function shares, byte for byte reproducible.

It holds the handlers (`lambda_adapters/`), exactly the project modules they import (followed
through the import graph, so nothing the handlers never import ships), the SQL files the business
build reads and their documentation files (`sql/**/*.sql`, `sql/**/*.toml`: the Glue comments);
pyarrow, numpy, pyiceberg, tenacity and boto3 come from the project's layer (build_lambda_layer.py). Entries are sorted, timestamps
fixed, no bytecode, so the same sources give the same zip and Terraform's `source_code_hash` only changes when the code does.
Usage: `python infrastructure/build_lambda_zip.py [--out build/lambda.zip]`.
"""

from __future__ import annotations

import argparse
import ast
import base64
import hashlib
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("olist_assets", "lambda_adapters")
HANDLERS = "lambda_adapters"
SQL_DIR = "sql"
SQL_PATTERNS = ("**/*.sql", "**/*.toml")
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o644 << 16


def package_files(root: Path = ROOT) -> list[Path]:
    """The files the zip holds, relative to the repository root, sorted."""
    handlers = [path.relative_to(root) for path in (root / HANDLERS).glob("*.py")]
    found = set(imported_modules(handlers, root))
    for pattern in SQL_PATTERNS:
        found |= {p.relative_to(root) for p in (root / SQL_DIR).glob(pattern) if p.is_file()}
    return sorted(found, key=lambda path: path.as_posix())


def imported_modules(start: list[Path], root: Path = ROOT) -> set[Path]:
    """The project's module files reachable from `start` by imports (in functions too), with packages."""
    seen: set[Path] = set()
    pending = list(start)
    while pending:
        path = pending.pop()
        if path in seen:
            continue
        seen.add(path)
        for name in _imported_names(root / path):
            pending += _module_files(name, root)
    return seen


def _imported_names(path: Path) -> set[str]:
    """Dotted names a module imports: `import a.b` gives a.b; `from a import b` gives a and a.b."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in names if name.split(".")[0] in PACKAGES}


def _module_files(name: str, root: Path) -> list[Path]:
    """The files importing `name` executes: each package's __init__.py on the way, then the module."""
    parts = name.split(".")
    files = []
    for depth in range(1, len(parts) + 1):
        base = root.joinpath(*parts[:depth])
        for candidate in (base / "__init__.py", base.with_suffix(".py")):
            if candidate.is_file():
                files.append(candidate.relative_to(root))
    return files


def build_zip(out: Path, root: Path = ROOT) -> Path:
    """Write the zip of the handlers, their modules and the SQL."""
    return write_reproducible_zip(out, package_files(root), root)


def write_reproducible_zip(out: Path, files: list[Path], root: Path, level: int = 9) -> Path:
    """Write `files` (relative to `root`, sorted) as deflated entries with a fixed time and mode,
    so the same files always give the same bytes; also used by build_lambda_layer.py."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w") as archive:
        for relative in files:
            info = zipfile.ZipInfo(relative.as_posix(), date_time=FIXED_TIME)
            info.external_attr = FILE_MODE
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, (root / relative).read_bytes(), compresslevel=level)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "lambda.zip")
    args = parser.parse_args(argv)
    out = build_zip(args.out)
    data = out.read_bytes()
    with zipfile.ZipFile(out) as archive:
        entries = archive.infolist()
        unzipped = sum(entry.file_size for entry in entries)
    digest = base64.b64encode(hashlib.sha256(data).digest()).decode()
    print(f"{out}: {len(data):,} bytes zipped, {unzipped:,} bytes unzipped, {len(entries)} files")
    print(f"source_code_hash (filebase64sha256): {digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
