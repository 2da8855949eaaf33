"""A lake bucket, Glue database and state machine under moto, and S3 events rendered from tests/events/."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote, quote_plus

import boto3
import pytest
from moto import mock_aws

from olist_assets import settings
from olist_assets.core.contracts import CONTRACTS

EVENTS = Path(__file__).resolve().parents[2] / "events"
TEMPLATE = (
    Path(__file__).resolve().parents[3] / "infrastructure/templates/refresh_business.asl.json"
)
REGION = "us-east-1"
ACCOUNT = "123456789012"
BUCKET = "olist-lake-test"
CLEAN_DATABASE = "olist_clean"
QUARANTINE_DATABASE = "olist_quarantine"
METRICS_NAMESPACE = "olist-test"
FUNCTION_PREFIX = "olist-"
SFN_DEBOUNCE_SECONDS = 2
PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
_SEQUENCE = itertools.count(1)


def function_arn(name: str) -> str:
    return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{FUNCTION_PREFIX}{name}"


def render_state_machine() -> str:
    """The definition as Terraform's templatefile renders it: every ${name} a function ARN."""
    values = {f"{name}_function_arn": function_arn(name) for name in settings.LAMBDA_FUNCTIONS}
    text = TEMPLATE.read_text()
    names = set(re.findall(r"\$\{(\w+)\}", text))
    assert names <= set(values), f"unknown template variables: {names - set(values)}"
    return re.sub(r"\$\{(\w+)\}", lambda m: values[m.group(1)], text)


def render_event(template: str, **values: object) -> dict:
    """A sample event with its {{placeholders}} replaced; a whole-string placeholder keeps its type."""

    def fill(node):
        if isinstance(node, dict):
            return {key: fill(value) for key, value in node.items()}
        if isinstance(node, list):
            return [fill(value) for value in node]
        if isinstance(node, str):
            whole = PLACEHOLDER.fullmatch(node)
            if whole:
                return values[whole.group(1)]
            return PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), node)
        return node

    return fill(json.loads((EVENTS / template).read_text()))


def encode_key(template: str, key: str) -> str:
    """Keys as S3 encodes them: form encoding in notifications, percent encoding in EventBridge."""
    return quote(key, safe="/") if template.startswith("eventbridge") else quote_plus(key, safe="/")


@dataclass
class Lake:
    """The deployed pieces the handlers talk to, and helpers to land files and build their events."""

    session: boto3.Session
    bucket: str
    state_machine_arn: str

    @property
    def s3(self):
        return self.session.client("s3")

    def put(self, key: str, body: bytes | str) -> None:
        self.s3.put_object(Bucket=self.bucket, Key=key, Body=body)

    def event(self, key: str, template: str = "s3_object_created.json", **override) -> dict:
        """The event S3 sends for the object now at `key` (override fields to fake an old one)."""
        head = self.s3.head_object(Bucket=self.bucket, Key=key)
        values = {
            "bucket": self.bucket,
            "key": encode_key(template, key),
            "size": head["ContentLength"],
            "etag": head["ETag"].strip('"'),
            "version_id": head.get("VersionId"),
            "sequencer": f"{next(_SEQUENCE):018X}",
        }
        return render_event(template, **(values | override))

    def sqs_batch(self, *events: dict) -> dict:
        """The SQS batch Lambda receives from the landing queue: one S3 notification per message."""
        return {
            "Records": [
                {
                    "messageId": f"m{index:02d}",
                    "receiptHandle": f"handle-{index}",
                    "body": json.dumps(event),
                    "attributes": {"ApproximateReceiveCount": "1"},
                    "eventSource": "aws:sqs",
                    "eventSourceARN": f"arn:aws:sqs:{REGION}:{ACCOUNT}:olist-landing",
                    "awsRegion": REGION,
                }
                for index, event in enumerate(events)
            ]
        }

    def keys(self, prefix: str) -> list[str]:
        listed = self.s3.list_objects_v2(Bucket=self.bucket, Prefix=prefix).get("Contents", [])
        return sorted(item["Key"] for item in listed)

    def json(self, key: str) -> dict:
        return json.loads(self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read())


def lambda_context(name: str) -> SimpleNamespace:
    return SimpleNamespace(
        aws_request_id=f"req-{next(_SEQUENCE)}",
        function_name=f"{FUNCTION_PREFIX}{name}",
        invoked_function_arn=function_arn(name),
    )


@pytest.fixture
def aws_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)


def deploy(
    monkeypatch: pytest.MonkeyPatch, debounce_seconds: int = 60, versioned: bool = True
) -> Lake:
    """Create what Terraform would (bucket, database, topic, state machine) and set every env var."""
    session = boto3.Session(region_name=REGION)
    s3 = session.client("s3")
    s3.create_bucket(Bucket=BUCKET)
    if versioned:
        s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    for database in (CLEAN_DATABASE, QUARANTINE_DATABASE):
        session.client("glue").create_database(DatabaseInput={"Name": database})
    topic = session.client("sns").create_topic(Name="olist-failures")["TopicArn"]
    machine = session.client("stepfunctions").create_state_machine(
        name="olist-refresh-business",
        definition=render_state_machine(),
        roleArn=f"arn:aws:iam::{ACCOUNT}:role/olist-refresh-business",
    )
    for name, value in {
        settings.LAKE_URL: f"s3://{BUCKET}/",
        settings.GLUE_DATABASE_CLEAN: CLEAN_DATABASE,
        settings.GLUE_DATABASE_BUSINESS: "olist_business",
        settings.GLUE_DATABASE_QUARANTINE: QUARANTINE_DATABASE,
        settings.CATALOG: "glue",
        settings.METRICS_NAMESPACE: METRICS_NAMESPACE,
        settings.ATHENA_WORKGROUP: "olist",
        settings.STATE_MACHINE_ARN: machine["stateMachineArn"],
        settings.REFRESH_DEBOUNCE_SECONDS: str(debounce_seconds),
        settings.FAILURE_TOPIC_ARN: topic,
        settings.CODE_VERSION: "test-0000000",
    }.items():
        monkeypatch.setenv(name, value)
    return Lake(session, BUCKET, machine["stateMachineArn"])


@pytest.fixture
def lake_aws(aws_credentials, monkeypatch: pytest.MonkeyPatch) -> Iterator[Lake]:
    """The lake deployed on moto (state machine executions recorded, not run)."""
    with mock_aws():
        yield deploy(monkeypatch)


@pytest.fixture(params=["versioned", "unversioned"])
def lake_any(request, aws_credentials, monkeypatch: pytest.MonkeyPatch) -> Iterator[Lake]:
    """The lake deployed on moto, once on a versioned bucket and once on an unversioned one."""
    with mock_aws():
        yield deploy(monkeypatch, versioned=request.param == "versioned")


@pytest.fixture
def lake_sfn(aws_credentials, monkeypatch: pytest.MonkeyPatch) -> Iterator[Lake]:
    """The lake deployed on moto with state machine executions run (Lambda without Docker)."""
    config = {"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}}
    with mock_aws(config=config):
        yield deploy(monkeypatch, debounce_seconds=SFN_DEBOUNCE_SECONDS)


def _id(n: int, kind: str) -> str:
    return f"{kind}{n:0{32 - len(kind)}x}"


def small_dataset() -> dict[str, str]:
    """A few rows of each Olist file, with one unparseable order date and one duplicate point."""
    customer, order, product, seller = _id(1, "c"), _id(1, "a"), _id(1, "b"), _id(1, "d")
    other_order = _id(2, "a")
    rows = {
        "customers": [f'"{customer}","{_id(9, "e")}","01310","sao paulo",SP'],
        "geolocation": ['"01310",-23.56,-46.65,sao paulo,SP'] * 2 + ['"20040",-22.9,-43.17,rio,RJ'],
        "orders": [
            f'"{order}","{customer}",delivered,2018-01-02 10:00:00,2018-01-02 11:00:00,'
            "2018-01-04 09:00:00,2018-01-08 15:00:00,2018-01-20 00:00:00",
            f'"{other_order}","{customer}",shipped,not a date,,,,2018-02-20 00:00:00',
        ],
        "order_items": [f'"{order}",1,"{product}","{seller}",2018-01-05 00:00:00,59.90,12.50'],
        "order_payments": [f'"{order}",1,credit_card,3,72.40'],
        "order_reviews": [
            f'"{_id(3, "f")}","{order}",5,,"ótimo, chegou antes",2018-01-09 00:00:00,'
            "2018-01-10 12:00:00"
        ],
        "products": [f'"{product}","beleza_saude",40,300,2,500,20,10,15'],
        "sellers": [f'"{seller}","13023",campinas,SP'],
        "product_category_translation": ["beleza_saude,health_beauty"],
    }
    return {
        CONTRACTS[table].file_name: _header(table) + "\n".join(lines) + "\n"
        for table, lines in rows.items()
    }


def _header(table: str) -> str:
    contract = CONTRACTS[table]
    quote_mark = '"' if contract.header_quoted else ""
    return ",".join(f"{quote_mark}{name}{quote_mark}" for name in contract.source_columns) + "\n"


@pytest.fixture
def context():
    """A Lambda context with a fresh request id per call."""
    return lambda name="landing": lambda_context(name)


@pytest.fixture
def dataset() -> dict[str, str]:
    return small_dataset()


@pytest.fixture(scope="session")
def generated(tmp_path_factory) -> dict[str, bytes]:
    """The built-in generator's nine files at scale 0.01 (about a thousand orders), by file name."""
    from olist_assets.generator.dataset import generate_dataset

    folder = tmp_path_factory.mktemp("generated")
    generate_dataset(folder, scale=0.01, seed=7)
    return {path.name: path.read_bytes() for path in sorted(folder.glob("*.csv"))}
