"""Run moto's server for `make deploy-local`, with the Step Functions calls it lacks filled in.

Gaps (moto 5.2): the aws provider calls two Step Functions actions moto does not implement and
retries their errors until it times out.
- ValidateStateMachineDefinition, before creating a state machine: answered "OK" here, because
  infrastructure/check.sh validates the same rendered definition with asl-validator.
- ListStateMachineVersions, when reading a state machine back: answered with no versions, which is
  the truth, since the configuration does not publish state machine versions.
"""

from __future__ import annotations

import json
import sys

from moto.core.common_types import TYPE_RESPONSE
from moto.server import main
from moto.stepfunctions.responses import StepFunctionResponse

ANSWERS = {
    "validate_state_machine_definition": {"result": "OK", "diagnostics": []},
    "list_state_machine_versions": {"stateMachineVersions": []},
}


def _answer(body: dict[str, object]):
    def action(self: StepFunctionResponse) -> TYPE_RESPONSE:
        return 200, {"Content-Type": "application/x-amz-json-1.0"}, json.dumps(body)

    return action


if __name__ == "__main__":
    for name, body in ANSWERS.items():
        setattr(StepFunctionResponse, name, _answer(body))
    sys.exit(main(sys.argv[1:]))
