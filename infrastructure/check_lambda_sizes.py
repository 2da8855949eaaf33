"""Check each function's code plus its layers stays under Lambda's 250 MB unzipped, with the margin.

Lambda refuses a function whose code and layers together exceed 250 MB (MiB) once extracted; this
check runs in `make package` (and in the tests) so a heavier dependency fails the build, not the
deployment. The layers each function gets come from settings.LAMBDA_FUNCTIONS.
Usage: python infrastructure/check_lambda_sizes.py build/lambda.zip dependencies=build/layer.zip
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

from olist_assets.settings import LAMBDA_FUNCTIONS

MB = 1 << 20
LIMIT_BYTES = 250 * MB


def unzipped_bytes(archive: Path) -> int:
    """What a zip occupies once Lambda extracts it: the sum of its entries' sizes."""
    with zipfile.ZipFile(archive) as opened:
        return sum(entry.file_size for entry in opened.infolist())


def function_sizes(code: Path, layers: dict[str, Path]) -> dict[str, int]:
    """Unzipped bytes per function: the shared code zip plus the layers its catalogue entry names."""
    code_bytes = unzipped_bytes(code)
    layer_bytes = {name: unzipped_bytes(path) for name, path in layers.items()}
    return {
        name: code_bytes + sum(layer_bytes[layer] for layer in spec["layers"])
        for name, spec in sorted(LAMBDA_FUNCTIONS.items())
    }


def report(sizes: dict[str, int]) -> list[str]:
    """One line per function: its unzipped size and the margin left under the limit."""
    return [
        f"{name}: {size / MB:.1f} MB unzipped, margin {(LIMIT_BYTES - size) / MB:.1f} MB "
        f"under {LIMIT_BYTES // MB} MB"
        for name, size in sizes.items()
    ]


def main(argv: list[str]) -> int:
    code, *named = argv
    layers = {name: Path(path) for name, path in (item.split("=", 1) for item in named)}
    sizes = function_sizes(Path(code), layers)
    print("\n".join(report(sizes)))
    over = [name for name, size in sizes.items() if size >= LIMIT_BYTES]
    if over:
        print(f"over Lambda's unzipped limit: {over}", file=sys.stderr)
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
