"""Drive the deployed landing function against moto, as S3 would, and check the clean layer appeared.

Run by deploy_local.sh after `terraform apply` against the moto server (AWS_ENDPOINT_URL points
boto3 there), and with --destroyed after `terraform destroy`. Moto cannot run Lambda code (no Docker here), so each S3 event is passed in-process to
the handler named in the function's deployed configuration, with the environment Terraform set on
it. Prints one line per landed file and per check; exits non-zero when a check fails.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import tempfile
import uuid
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote_plus

import boto3
import pyarrow.parquet as pq

from olist_assets.core import lake
from olist_assets.generator.dataset import generate_dataset
from olist_assets.stores.locations import open_store

GENERATED = Path(__file__).resolve().parents[1] / "generated"


def upload_dataset(s3: Any, bucket: str, scale: float) -> list[str]:
    """Generate the nine Olist-shaped files and upload them under raw/, as a user would."""
    keys = []
    with tempfile.TemporaryDirectory(prefix="olist-rehearsal-") as folder:
        generate_dataset(Path(folder), scale=scale, seed=11)
        for path in sorted(Path(folder).glob("*.csv")):
            key = f"{lake.RAW}/{path.name}"
            s3.upload_file(str(path), bucket, key)
            keys.append(key)
    return keys


def s3_event(s3: Any, bucket: str, key: str) -> dict[str, Any]:
    """The direct S3 notification the bucket sends the landing function for this object."""
    head = s3.head_object(Bucket=bucket, Key=key)
    s3_object = {
        "key": quote_plus(key, safe="/"),
        "size": head["ContentLength"],
        "eTag": head["ETag"].strip('"'),
        "versionId": head.get("VersionId"),
        "sequencer": uuid.uuid4().hex[:16].upper(),
    }
    record = {
        "eventSource": "aws:s3",
        "eventName": "ObjectCreated:Put",
        "eventTime": head["LastModified"].isoformat(),
        "s3": {"bucket": {"name": bucket, "arn": f"arn:aws:s3:::{bucket}"}, "object": s3_object},
    }
    return {"Records": [record]}


def deployed_handler(lambda_client: Any, function_name: str) -> Any:
    """The handler the function is configured with, its environment applied to this process."""
    config = lambda_client.get_function_configuration(FunctionName=function_name)
    os.environ.update(config["Environment"]["Variables"])
    module_name, _, attribute = config["Handler"].rpartition(".")
    return getattr(importlib.import_module(module_name), attribute)


def check(name: str, passed: bool, detail: str = "") -> bool:
    print(f"{'ok  ' if passed else 'FAIL'} {name}{': ' + detail if detail else ''}")
    return passed


def clean_layer_checks(outputs: dict[str, Any], records: list[dict[str, Any]]) -> list[bool]:
    """Each table has its clean Parquet with the rows the run record counts, and Glue matches."""
    store = open_store(outputs["lake_url"])
    filesystem, root = store.arrow_filesystem()
    glue = boto3.client("glue")
    tables = json.loads((GENERATED / "clean_tables.json").read_text())
    results = []
    for record in records:
        table = record["table"]
        key = lake.clean_key(table, lake.batch_name(record["raw_key"]))
        present = store.info(key) is not None
        rows = pq.read_metadata(f"{root}/{key}", filesystem=filesystem).num_rows if present else -1
        results.append(check(f"clean {key}", rows == record["rows_clean"], f"{rows} rows"))
        glue_table = glue.get_table(DatabaseName=outputs["glue_databases"]["clean"], Name=table)
        columns = [
            (c["Name"], c["Type"]) for c in glue_table["Table"]["StorageDescriptor"]["Columns"]
        ]
        expected = [(c["name"], c["type"]) for c in tables[table]["columns"]]
        results.append(check(f"glue {table} columns", columns == expected))
    return results


def leftovers() -> dict[str, list[str]]:
    """What is still in the emulated account after `terraform destroy`: should be nothing."""
    found = {
        "buckets": [b["Name"] for b in boto3.client("s3").list_buckets()["Buckets"]],
        "functions": [
            f["FunctionName"] for f in boto3.client("lambda").list_functions()["Functions"]
        ],
        "state machines": [
            m["name"] for m in boto3.client("stepfunctions").list_state_machines()["stateMachines"]
        ],
        "glue databases": [d["Name"] for d in boto3.client("glue").get_databases()["DatabaseList"]],
        "queues": boto3.client("sqs").list_queues().get("QueueUrls", []),
        "topics": [t["TopicArn"] for t in boto3.client("sns").list_topics()["Topics"]],
        "roles": [r["RoleName"] for r in boto3.client("iam").list_roles()["Roles"]],
    }
    return {kind: names for kind, names in found.items() if names}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outputs", type=Path, help="`terraform output -json` of the deployment")
    parser.add_argument("--scale", type=float, default=0.01)
    parser.add_argument("--destroyed", action="store_true", help="check nothing is left instead")
    args = parser.parse_args()
    if args.destroyed:
        left = leftovers()
        return 0 if check("destroy left nothing behind", not left, json.dumps(left)) else 1
    outputs = {name: value["value"] for name, value in json.loads(args.outputs.read_text()).items()}
    s3, sfn = boto3.client("s3"), boto3.client("stepfunctions")
    bucket = outputs["lake_bucket"]

    # Gap: moto evaluates bucket policies without the request's context, so the TLS-only Deny
    # (aws:SecureTransport = false) matches every request, HTTPS or not. Terraform applied the
    # policy (terraform test asserts its content); it is lifted here so the rehearsal can write.
    s3.delete_bucket_policy(Bucket=bucket)
    print("note lake bucket policy lifted: moto cannot evaluate aws:SecureTransport")

    notification = s3.get_bucket_notification_configuration(Bucket=bucket)
    landing_arn = boto3.client("lambda").get_function(FunctionName=outputs["functions"]["landing"])
    wired = [c["LambdaFunctionArn"] for c in notification.get("LambdaFunctionConfigurations", [])]
    results = [
        check(
            "raw/ notifies the landing function",
            wired == [landing_arn["Configuration"]["FunctionArn"]],
        )
    ]

    handler = deployed_handler(boto3.client("lambda"), outputs["functions"]["landing"])
    records = []
    for key in upload_dataset(s3, bucket, args.scale):
        context = SimpleNamespace(aws_request_id=str(uuid.uuid4()), function_name="landing")
        (record,) = handler(s3_event(s3, bucket, key), context)["objects"]
        print(f"     landed {key}: {record['status']}, {record.get('rows_clean')} clean rows")
        records.append(record)
    results.append(check("every file cleaned", all(r["status"] == "cleaned" for r in records)))
    results += clean_layer_checks(outputs, records)

    executions = sfn.list_executions(stateMachineArn=outputs["state_machine_arn"])["executions"]
    results.append(
        check(
            "a business refresh was requested",
            len(executions) >= 1,
            f"{len(executions)} execution(s)",
        )
    )
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
