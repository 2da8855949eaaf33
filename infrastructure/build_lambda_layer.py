"""Build the functions' dependency layer from manylinux wheels, trimmed, byte for byte reproducible.

The layer holds what the handlers import beyond the standard library and the project's own code:
pyarrow and numpy (the reader, the checks), pyiceberg with its Glue catalog (the tables), tenacity
(retries) and boto3/botocore pinned to the tested version (the runtime's own boto3 lags, and the
refresh state needs S3 conditional writes). No pandas, no awswrangler. Versions come from
constraints.txt, so the layer runs exactly what the tests ran.

pip installs the wheels of the target platform (`--platform`, `--only-binary=:all:`), never
building anything, so the same command gives the same files on any machine. Then everything the
functions never load is removed (TRIMMED: tests, headers and Cython sources, Flight, the Substrait
module (not its library: libarrow_python links it), the ORC, GCS, Azure and HDFS modules, the
duplicate copies of versioned shared libraries, the pyiceberg command line (click) and the syntax
highlighting and markdown of rich (pyiceberg's schema errors use rich itself), the Hive and REST
catalog clients, zstandard's cffi twin of its C backend) and the tree is zipped under python/ with
sorted entries, fixed times and no bytecode. What the trim leaves is proved sufficient by
tests/system/infrastructure/test_lambda_layer.py, which imports every handler and loads an Iceberg
table from a Glue catalog in a fresh interpreter that sees only the function zip and this layer
(built for the test machine).

Usage: python infrastructure/build_lambda_layer.py [--out build/layer.zip] [--platform lambda|native]
"""

from __future__ import annotations

import argparse
import fnmatch
import hashlib
import platform
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

from build_lambda_zip import write_reproducible_zip

ROOT = Path(__file__).resolve().parents[1]
CONSTRAINTS = ROOT / "constraints.txt"
CACHE = ROOT / "build" / "layer-cache"
REQUIREMENTS = ("pyarrow", "numpy", "pyiceberg[glue]", "tenacity", "boto3")
LAYER_ROOT = "python"

# Paths under python/ (fnmatch patterns, "/" separated) the functions never load. The installers'
# RECORD inventories go too: they list the trimmed files, and their hashes of the console scripts
# (removed with bin/) depend on the path of the interpreter that ran pip.
TRIMMED = (
    "bin",
    "*.dist-info/RECORD",
    "*/__pycache__",
    "*/tests",
    "*.pyi",
    "*.pxd",
    "*.pyx",
    "*.pxi",
    "pyarrow/include",
    "pyarrow/includes",
    "pyarrow/src",
    "pyarrow/*.h",
    "pyarrow/*.cc",
    "pyarrow/_pyarrow_cpp_tests*",
    "pyarrow/*flight*",
    "pyarrow/_substrait*",
    "pyarrow/substrait.py",
    "pyarrow/*_orc*",
    "pyarrow/orc.py",
    "pyarrow/_gcsfs*",
    "pyarrow/_azurefs*",
    "pyarrow/_hdfs*",
    "pyarrow/libarrow*.so",
    "pyarrow/libparquet*.so",
    "pyarrow/lib*.so.*.*.*",
    "numpy/_core/include",
    "numpy/f2py",
    "numpy/_pyinstaller",
    "numpy/random/_examples",
    "zstandard/_cffi*",
    "click",
    "click-*",
    "pygments",
    "pygments-*",
    "markdown_it",
    "markdown_it_py-*",
    "mdurl",
    "mdurl-*",
    "hive_metastore",
    "fb303",
    "requests",
    "requests-*",
    "charset_normalizer",
    "charset_normalizer-*",
)


@dataclass(frozen=True)
class Platform:
    """The wheels to install: manylinux platform tags, a CPython version and a name for the cache."""

    name: str
    tags: tuple[str, ...]
    python: str


LAMBDA = Platform(
    "lambda-python3.12-arm64", ("manylinux2014_aarch64", "manylinux_2_28_aarch64"), "3.12"
)


def native_platform() -> Platform:
    """This machine's platform and Python, to prove the layer's import closure locally."""
    machine = platform.machine()
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    tags = (f"manylinux2014_{machine}", f"manylinux_2_28_{machine}")
    return Platform(f"native-python{python}-{machine}", tags, python)


def install_command(target: Path, platform_: Platform) -> list[str]:
    """The pip command that installs the requirements' wheels for `platform_` into `target`."""
    tags = [arg for tag in platform_.tags for arg in ("--platform", tag)]
    return [
        sys.executable, "-m", "pip", "install", "--quiet", "--no-compile",
        "--disable-pip-version-check", "--target", str(target), *tags,
        "--python-version", platform_.python, "--implementation", "cp",
        "--only-binary=:all:", "-c", str(CONSTRAINTS), *REQUIREMENTS,
    ]  # fmt: skip


def build_tree(platform_: Platform, cache: Path = CACHE) -> Path:
    """The trimmed python/ tree for `platform_`, reused while the script and constraints match."""
    digest = hashlib.sha256(Path(__file__).read_bytes() + CONSTRAINTS.read_bytes())
    folder = cache / f"{platform_.name}-{digest.hexdigest()[:16]}"
    tree = folder / LAYER_ROOT
    if (folder / "complete").is_file():
        return tree
    shutil.rmtree(folder, ignore_errors=True)
    subprocess.run(install_command(tree, platform_), check=True)
    trim(tree)
    (folder / "complete").write_text(platform_.name + "\n")
    return tree


def trim(tree: Path) -> int:
    """Remove every TRIMMED path under `tree`; returns the bytes removed."""
    removed = 0
    for path in sorted(tree.rglob("*"), key=lambda p: len(p.parts)):
        relative = path.relative_to(tree).as_posix()
        if path.exists() and any(fnmatch.fnmatch(relative, p) for p in TRIMMED):
            files = [path] if path.is_file() else [f for f in path.rglob("*") if f.is_file()]
            removed += sum(f.stat().st_size for f in files)
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    return removed


def layer_files(tree: Path) -> list[Path]:
    """Every file of the tree, relative to its parent (so entries start with python/), sorted."""
    files = [p.relative_to(tree.parent) for p in tree.rglob("*") if p.is_file()]
    return sorted(files, key=lambda path: path.as_posix())


def write_zip(tree: Path, out: Path) -> Path:
    """Zip the tree under python/: sorted entries, fixed times and modes, deflated."""
    return write_reproducible_zip(out, layer_files(tree), tree.parent, level=6)


def largest_packages(tree: Path, count: int = 8) -> list[tuple[str, int]]:
    """The top-level entries of the tree by size, largest first."""
    sizes = {
        entry.name: sum(f.stat().st_size for f in entry.rglob("*") if f.is_file())
        if entry.is_dir()
        else entry.stat().st_size
        for entry in tree.iterdir()
    }
    return sorted(sizes.items(), key=lambda item: -item[1])[:count]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "layer.zip")
    parser.add_argument("--platform", choices=("lambda", "native"), default="lambda")
    args = parser.parse_args(argv)
    platform_ = LAMBDA if args.platform == "lambda" else native_platform()
    out = write_zip(build_tree(platform_), args.out)
    mb = 1 << 20  # Lambda's "250 MB" is 250 MiB
    unzipped = sum(entry.file_size for entry in zipfile.ZipFile(out).infolist())
    print(f"{out}: {platform_.name}, {out.stat().st_size / mb:.1f} MB zipped, "
          f"{unzipped / mb:.1f} MB unzipped")  # fmt: skip
    for name, size in largest_packages(build_tree(platform_)):
        print(f"  {name:<40} {size / mb:6.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
