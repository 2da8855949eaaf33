"""Command-line argument handling that needs no pipeline run."""

from pathlib import Path

import pytest

from olist_assets.cli.main import main


def test_generate_refuses_a_scale_below_the_smallest_dataset(tmp_path: Path, capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["generate", "--scale", "0.0001", "--out", str(tmp_path)])

    assert exit_info.value.code == 2
    assert "'--scale': must be at least" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())
