"""Render infrastructure/generated/*.json from the Python modules the runtimes import.

The Terraform reads these files with jsondecode(file(...)), so lake prefixes, environment
variable names and the Lambda catalogue have one source: the Python code. (The tables themselves
are Iceberg tables pyiceberg creates; Terraform only creates their Glue databases.)
Run `.venv/bin/python infrastructure/render_generated.py` after changing lake.py or settings.py;
`--check` (infrastructure/check.sh) and tests/system/infrastructure fail while they are stale.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from olist_assets import settings
from olist_assets.core import lake

GENERATED = Path(__file__).resolve().parent / "generated"


def lake_layout() -> dict[str, object]:
    """The zones of the lake, by role, as the IAM policies and lifecycle rules scope them."""
    return {"zones": {zone: f"{zone}/" for zone in lake.ZONES}}


def lambda_catalogue() -> dict[str, object]:
    """The functions to deploy (handler, environment variable names, layers) and the variables' constants."""
    used = {env for spec in settings.LAMBDA_FUNCTIONS.values() for env in spec["env"]}
    environment = {
        constant: value
        for constant, value in sorted(vars(settings).items())
        if constant.isupper() and isinstance(value, str) and value in used
    }
    functions = {
        name: {"handler": spec["handler"], "env": sorted(spec["env"]), "layers": spec["layers"]}
        for name, spec in sorted(settings.LAMBDA_FUNCTIONS.items())
    }
    return {"environment": environment, "functions": functions}


def rendered() -> dict[str, str]:
    """File name -> JSON text, exactly as committed under infrastructure/generated/."""
    documents = {
        "lake.json": lake_layout(),
        "lambda_functions.json": lambda_catalogue(),
    }
    return {
        name: json.dumps(body, indent=2, sort_keys=True) + "\n" for name, body in documents.items()
    }


def stale_files() -> list[str]:
    """Generated files whose committed text differs from a fresh render (or that are missing)."""
    return [
        name
        for name, text in rendered().items()
        if not (GENERATED / name).is_file() or (GENERATED / name).read_text() != text
    ]


def main(argv: list[str]) -> int:
    if argv == ["--check"]:
        stale = stale_files()
        for name in stale:
            print(
                f"stale: infrastructure/generated/{name} (run infrastructure/render_generated.py)"
            )
        return 1 if stale else 0
    GENERATED.mkdir(exist_ok=True)
    for name, text in rendered().items():
        (GENERATED / name).write_text(text)
        print(f"wrote {GENERATED / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
