"""Build the one deployment zip every Lambda function shares, byte for byte reproducible.

It holds the pure core (`olist_assets/core/`), the handlers (`lambda_adapters/`) and the SQL files
the business build reads (`sql/`); pandas, pyarrow, numpy, boto3 and awswrangler come from the
AWS SDK for pandas managed layer. Entries are sorted, timestamps fixed, no bytecode, so the same
sources give the same zip and Terraform's `source_code_hash` only changes when the code does.
Usage: `python infrastructure/build_lambda_zip.py [--out build/lambda.zip]`.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = (
    ("olist_assets", "__init__.py"),
    ("olist_assets/core", "**/*.py"),
    ("lambda_adapters", "**/*.py"),
    ("sql", "**/*.sql"),
)
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o644 << 16


def package_files(root: Path = ROOT) -> list[Path]:
    """The files the zip holds, relative to the repository root, sorted."""
    found = {
        path.relative_to(root)
        for folder, pattern in SOURCES
        for path in (root / folder).glob(pattern)
        if path.is_file() and "__pycache__" not in path.parts
    }
    return sorted(found, key=lambda path: path.as_posix())


def build_zip(out: Path, root: Path = ROOT) -> Path:
    """Write the zip: deflated entries in sorted order, each with a fixed time and mode."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w") as archive:
        for relative in package_files(root):
            info = zipfile.ZipInfo(relative.as_posix(), date_time=FIXED_TIME)
            info.external_attr = FILE_MODE
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, (root / relative).read_bytes(), compresslevel=9)
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
