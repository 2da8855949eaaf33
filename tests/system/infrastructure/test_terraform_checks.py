"""The offline infrastructure checks (infrastructure/check.sh) pass: one test per tool."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

CHECK = Path(__file__).resolve().parents[3] / "infrastructure" / "check.sh"
TOOLS = {
    "fmt": "terraform",
    "validate": "terraform",
    "test": "terraform",
    "policies": "terraform",
    "asl": "npm",
    "checkov": "python3",
}

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("stage", list(TOOLS))
def test_infrastructure_check_passes(stage):
    if shutil.which(TOOLS[stage]) is None:
        pytest.skip(
            f"{TOOLS[stage]} is not installed: the offline infrastructure checks need it "
            "(docs/deploy.md, 'Checks without an AWS account'; CI machines have it)"
        )
    result = subprocess.run(
        ["bash", str(CHECK), stage], capture_output=True, text=True, timeout=600, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
