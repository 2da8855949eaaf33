"""The dependency layer (infrastructure/build_lambda_layer.py): every function's code and layers fit
Lambda's 250 MB unzipped limit, the build is reproducible, and the import closure holds.

The closure is proved on this machine: the same layer built for its platform and Python (3.11 here,
where Lambda runs 3.12 on arm64; same packages and versions, same trim), and a fresh interpreter
(`python -I -S`: no site-packages, no environment) that sees only the unpacked function zip and
that layer, plus the runtime's boto3 for a function without the layer, as Lambda provides it.
Importing a handler is not enough (pyiceberg loads its catalog and FileIO classes by name), so a
table is also created, written and loaded from a Glue catalog served by moto.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from olist_assets.settings import DEPENDENCIES_LAYER, LAMBDA_FUNCTIONS

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]
INFRASTRUCTURE = ROOT / "infrastructure"
# What the Lambda Python runtime itself provides to a function without the layer.
RUNTIME_PACKAGES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "six.py", "urllib3")
NEVER_LOADED = ("pandas", "awswrangler", "dagster", "duckdb")
IMPORT_PROBE = """
import importlib, json, os, sys
paths, handler = json.loads(sys.argv[1]), sys.argv[2]
sys.path[:0] = paths
module_name, _, attribute = handler.rpartition(".")
module = importlib.import_module(module_name)
loaded = {name.split(".")[0]: getattr(m, "__file__", None) for name, m in list(sys.modules.items())}
stdlib = os.path.dirname(os.__file__)  # also holds _sysconfigdata_*, not in stdlib_module_names
third = {
    n: f for n, f in loaded.items()
    if n not in sys.stdlib_module_names and f and not f.startswith(stdlib)
}
print(json.dumps({"callable": callable(getattr(module, attribute)), "modules": third}))
"""

ICEBERG_PROBE = """
import json, os, sys
sys.path[:0] = json.loads(sys.argv[1])
endpoint, bucket = sys.argv[2], "olist-layer-probe"
import boto3
import pyarrow as pa
from pyiceberg.catalog import load_catalog
boto3.client("s3").create_bucket(Bucket=bucket)
catalog = load_catalog("glue", **{
    "type": "glue", "glue.endpoint": endpoint, "glue.region": "us-east-1",
    "s3.endpoint": endpoint, "s3.region": "us-east-1", "s3.access-key-id": "testing",
    "s3.secret-access-key": "testing", "warehouse": f"s3://{bucket}/",
})
boto3.client("glue").create_database(DatabaseInput={"Name": "clean"})
rows = pa.table({"seller_id": ["a", "b", "c"], "seller_state": ["SP", "RJ", "SP"]})
table = catalog.create_table("clean.sellers", schema=rows.schema, location=f"s3://{bucket}/clean/sellers")
table.append(rows)
loaded = catalog.load_table("clean.sellers")
glue = boto3.client("glue").get_table(DatabaseName="clean", Name="sellers")["Table"]["Parameters"]
print(json.dumps({
    "rows": loaded.scan().to_arrow().num_rows,
    "catalog": type(catalog).__name__,
    "io": type(loaded.io).__name__,
    "glue_table_type": glue["table_type"],
    "glue_metadata_location": glue["metadata_location"] == loaded.metadata_location,
    "modules": sorted({m.split(".")[0] for m in sys.modules if m.split(".")[0] in ("pandas", "awswrangler")}),
}))
"""


def script(name: str):
    """A module of infrastructure/ (scripts, not a package), loaded by path."""
    if str(INFRASTRUCTURE) not in sys.path:
        sys.path.insert(0, str(INFRASTRUCTURE))
    spec = importlib.util.spec_from_file_location(name, INFRASTRUCTURE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def layer_builder():
    return script("build_lambda_layer")


@pytest.fixture(scope="module")
def lambda_layer(layer_builder, tmp_path_factory) -> Path:
    """The layer zip as `make package` builds it for Lambda (python3.12, arm64)."""
    tree = layer_builder.build_tree(layer_builder.LAMBDA)
    return layer_builder.write_zip(tree, tmp_path_factory.mktemp("layer") / "layer.zip")


@pytest.fixture(scope="module")
def function_zip(tmp_path_factory) -> Path:
    return script("build_lambda_zip").build_zip(tmp_path_factory.mktemp("code") / "lambda.zip")


@pytest.fixture(scope="module")
def native(layer_builder, function_zip, tmp_path_factory) -> dict[str, Path]:
    """This machine's build of the layer, the unpacked function zip and the runtime's boto3."""
    folder = tmp_path_factory.mktemp("native")
    tree = layer_builder.build_tree(layer_builder.native_platform())
    with zipfile.ZipFile(function_zip) as archive:
        archive.extractall(folder / "task")
    runtime = folder / "runtime"
    runtime.mkdir()
    for name in RUNTIME_PACKAGES:
        if (tree / name).is_dir():
            shutil.copytree(tree / name, runtime / name)
        else:
            shutil.copy2(tree / name, runtime / name)
    return {"task": folder / "task", "layer": tree, "runtime": runtime}


def paths_for(function: str, native: dict[str, Path]) -> list[str]:
    """sys.path as Lambda builds it: the function code, then its layers (else the runtime SDK)."""
    layers = LAMBDA_FUNCTIONS[function]["layers"]
    extra = [native["layer"]] if DEPENDENCIES_LAYER in layers else [native["runtime"]]
    return [str(native["task"]), *map(str, extra)]


def fresh_python(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-I", "-S", "-c", *args], capture_output=True, text=True, check=False
    )


def test_every_function_fits_lambdas_unzipped_limit_with_its_layers(
    lambda_layer, function_zip
) -> None:
    sizes = script("check_lambda_sizes")

    measured = sizes.function_sizes(function_zip, {DEPENDENCIES_LAYER: lambda_layer})

    print("\n".join(sizes.report(measured)))
    assert set(measured) == set(LAMBDA_FUNCTIONS)
    assert max(measured.values()) < sizes.LIMIT_BYTES
    assert measured["landing"] > 100 * sizes.MB, "the layer lost its packages"


def test_the_layer_tree_is_the_same_when_built_again(layer_builder, tmp_path) -> None:
    first = layer_builder.build_tree(layer_builder.LAMBDA)

    again = layer_builder.build_tree(layer_builder.LAMBDA, cache=tmp_path)

    first_files, again_files = tree_digests(first), tree_digests(again)
    differing = sorted(set(first_files.items()) ^ set(again_files.items()))
    assert differing == [] and len(first_files) > 1000


def test_the_layer_zip_is_byte_for_byte_reproducible(layer_builder, tmp_path) -> None:
    tree = tmp_path / "python"
    for index, name in enumerate(("b.py", "a/z.so", "a/b/c.txt")):
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        (tree / name).write_bytes(bytes([index]) * 1000)

    first = layer_builder.write_zip(tree, tmp_path / "1.zip").read_bytes()
    (tree / "b.py").touch()
    second = layer_builder.write_zip(tree, tmp_path / "2.zip").read_bytes()

    assert first == second
    names = zipfile.ZipFile(tmp_path / "1.zip").namelist()
    assert names == ["python/a/b/c.txt", "python/a/z.so", "python/b.py"]


def tree_digests(tree: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file of a layer tree."""
    return {
        path.relative_to(tree).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in tree.rglob("*")
        if path.is_file()
    }


@pytest.mark.parametrize("function", sorted(LAMBDA_FUNCTIONS))
def test_handler_imports_from_its_code_and_layers_alone_without_pandas(native, function) -> None:
    paths = paths_for(function, native)

    probe = fresh_python(IMPORT_PROBE, json.dumps(paths), LAMBDA_FUNCTIONS[function]["handler"])

    assert probe.returncode == 0, probe.stderr
    found = json.loads(probe.stdout)
    assert found["callable"]
    assert not set(NEVER_LOADED) & set(found["modules"])
    outside = {n: f for n, f in found["modules"].items() if not f.startswith(tuple(paths))}
    assert outside == {}


def test_the_layer_writes_and_loads_an_iceberg_table_of_a_glue_catalog(native, moto_server) -> None:
    probe = fresh_python(ICEBERG_PROBE, json.dumps([str(native["layer"])]), moto_server)

    assert probe.returncode == 0, probe.stderr
    assert json.loads(probe.stdout) == {
        "rows": 3,
        "catalog": "GlueCatalog",
        "io": "PyArrowFileIO",
        "glue_table_type": "ICEBERG",
        "glue_metadata_location": True,
        "modules": [],
    }
