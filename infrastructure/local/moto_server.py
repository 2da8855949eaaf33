"""Run moto's server for the deployment rehearsals (deploy_local.sh), with its gaps filled in.

Gaps (moto 5.2), each filled with the smallest change that keeps the rehearsal honest:
- ValidateStateMachineDefinition, called by the aws provider before creating a state machine, is
  not implemented: answered "OK" here, because infrastructure/check.sh validates the same rendered
  definition with asl-validator.
- ListStateMachineVersions, called when reading a state machine back: answered with no versions,
  which is the truth, since the configuration publishes none.
- Bucket policies are evaluated without the request's context (moto evaluates StringEquals
  conditions only), so the TLS-only Deny (Bool aws:SecureTransport = false) matches every request
  and nothing can be written: a statement with exactly that condition is left out of the
  evaluation here. The rehearsal stands for the real requests, which all use TLS; every other
  statement is evaluated as moto does, and `terraform test` asserts the policy's content.
- S3 event notifications carry neither the object's versionId nor a sequencer, the two fields the
  landing deduplicates deliveries by: added here, the version id of the object written and a
  sequencer that grows with every event, as S3's does for the events of one key.
- SQS queues do not keep a RedriveAllowPolicy (the provider waits for it to read back until it
  times out): kept and returned here like the queue's other attributes. A queue's RedrivePolicy
  comes back re-serialized with spaces, which the provider shows as a change on every plan:
  returned compact here, as SQS returns it.
- An SQS event source mapping makes moto invoke the function itself (in Docker) for every message
  sent, receiving the messages on the function's behalf: the mapping is kept (Terraform reads it
  back) but does not consume the queue. The rehearsal receives from the queue as Lambda would and
  runs the handler in process.
"""

from __future__ import annotations

import itertools
import json
import sys
from typing import Any

from moto.awslambda.models import LambdaBackend
from moto.core.common_types import TYPE_RESPONSE
from moto.iam.access_control import IAMPolicy, PermissionResult
from moto.s3 import notifications
from moto.s3.models import FakeBucket
from moto.server import main
from moto.sqs.models import Queue, sqs_backends
from moto.stepfunctions.responses import StepFunctionResponse

ANSWERS = {
    "validate_state_machine_definition": {"result": "OK", "diagnostics": []},
    "list_state_machine_versions": {"stateMachineVersions": []},
}
_SEQUENCER = itertools.count(0x617F08299329D189)
TLS_ONLY = {"Bool": {"aws:SecureTransport": "false"}}


def _answer(body: dict[str, object]):
    def action(self: StepFunctionResponse) -> TYPE_RESPONSE:
        return 200, {"Content-Type": "application/x-amz-json-1.0"}, json.dumps(body)

    return action


def _with_identity(build_event):
    """S3's event, with the versionId of the object written and an ever-growing sequencer."""

    def event(event_name: str, bucket: Any, key: Any, notification_id: str) -> dict:
        body = build_event(event_name, bucket, key, notification_id)
        written = body["Records"][0]["s3"]["object"]
        written["sequencer"] = f"{next(_SEQUENCER):018X}"
        if key.version_id and key.version_id != "null":
            written["versionId"] = key.version_id
        return body

    return event


def _bucket_permission(self: FakeBucket, action: str, resource: str) -> PermissionResult:
    """The bucket policy's verdict on a TLS request: the TLS-only Deny does not apply to it."""
    if self.policy is None:
        return PermissionResult.NEUTRAL
    document = json.loads(self.policy)
    statements = document["Statement"]
    statements = statements if isinstance(statements, list) else [statements]
    kept = [s for s in statements if s.get("Condition") != TLS_ONLY]
    if not kept:
        return PermissionResult.NEUTRAL
    policy = IAMPolicy(json.dumps({**document, "Statement": kept}))
    return policy.is_action_permitted(action, resource)


def _compact_redrive_policy(attributes: property) -> property:
    """The queue's attributes as SQS returns them: RedrivePolicy compact, no empty RedriveAllowPolicy."""

    def read(self: Queue) -> dict[str, Any]:
        found = attributes.fget(self)
        if not found.get("RedriveAllowPolicy"):
            found.pop("RedriveAllowPolicy", None)  # removed: absent, as SQS reports it
        if found.get("RedrivePolicy"):
            found["RedrivePolicy"] = json.dumps(self.redrive_policy, separators=(",", ":"))
        return found

    return property(read)


def _recorded_not_polling(create):
    """Create the event source mapping, then detach it from the queue so moto never invokes."""

    def create_event_source_mapping(self: LambdaBackend, spec: dict[str, Any]):
        mapping = create(self, spec)
        for queue in sqs_backends[self.account_id][self.region_name].queues.values():
            queue.lambda_event_source_mappings.pop(mapping.function_arn, None)
        return mapping

    return create_event_source_mapping


if __name__ == "__main__":
    for name, body in ANSWERS.items():
        setattr(StepFunctionResponse, name, _answer(body))
    FakeBucket.get_permission = _bucket_permission
    notifications._get_s3_event = _with_identity(notifications._get_s3_event)
    Queue.BASE_ATTRIBUTES = [*Queue.BASE_ATTRIBUTES, "RedriveAllowPolicy"]
    Queue.redrive_allow_policy = None
    Queue.attributes = _compact_redrive_policy(Queue.attributes)
    LambdaBackend.create_event_source_mapping = _recorded_not_polling(
        LambdaBackend.create_event_source_mapping
    )
    sys.exit(main(sys.argv[1:]))
