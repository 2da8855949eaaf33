"""Lint every IAM and resource policy a Terraform plan renders with parliament; exit 1 on a finding.

moto does not evaluate IAM conditions, so the policies are checked statically: `terraform test`
asserts what each grants (tests/main.tftest.hcl) and parliament checks they are well formed (known
actions, resources that fit the actions, condition keys and operators that fit the types). The plan
comes from infrastructure/check.sh (a plan against a local moto server, where every policy renders
because it is built from names). Usage: python infrastructure/lint_policies.py plan.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from parliament import analyze_policy_string

# Resource type -> the attribute holding a policy document. Trust policies (assume_role_policy) are
# not linted: parliament reads every document as a permission policy, and a trust policy has no
# Resource by design.
POLICY_ATTRIBUTES = {
    "aws_iam_role_policy": "policy",
    "aws_sqs_queue_policy": "policy",
    "aws_s3_bucket_policy": "policy",
}
# Findings that are parliament's limits, not the policy's: (issue, text in the detail) -> why.
ACCEPTED = {
    ("RESOURCE_MISMATCH", "states:DescribeExecution"): (
        "parliament's IAM definitions mark both the execution and the express ARN formats required; "
        "AWS accepts either, and a standard state machine's executions have execution ARNs"
    ),
    ("PERMISSIONS_MANAGEMENT_ACTIONS", "logs:putresourcepolicy"): (
        "Step Functions log delivery needs logs:PutResourcePolicy on the state machine's role "
        "(AWS documents it with Resource *); it grants no IAM or data access"
    ),
}


def rendered_policies(plan: dict) -> dict[str, str]:
    """Address -> policy JSON of every policy document in the plan's planned values."""
    resources = plan["planned_values"]["root_module"].get("resources", [])
    return {
        resource["address"]: resource["values"][POLICY_ATTRIBUTES[resource["type"]]]
        for resource in resources
        if resource["type"] in POLICY_ATTRIBUTES
    }


def findings(policy: str) -> tuple[list[str], list[str]]:
    """parliament's findings on one policy, as `SEVERITY ISSUE: detail` lines: (failing, accepted)."""
    analyzed = analyze_policy_string(policy, include_community_auditors=True)
    failing, accepted = [], []
    for finding in analyzed.findings:
        line = f"{finding.severity} {finding.issue}: {finding.detail or finding.location}"
        reason = next(
            (why for (issue, text), why in ACCEPTED.items()
             if finding.issue == issue and text in f"{finding.detail} {finding.location}"),
            None,
        )  # fmt: skip
        if reason:
            accepted.append(f"{line} (accepted: {reason})")
        else:
            failing.append(line)
    return failing, accepted


def main(argv: list[str]) -> int:
    policies = rendered_policies(json.loads(Path(argv[0]).read_text()))
    failed = 0
    for address, policy in sorted(policies.items()):
        failing, accepted = findings(policy)
        print(f"{'FAIL' if failing else 'ok  '} {address}")
        for line in failing + accepted:
            print(f"       {line}")
        failed += bool(failing)
    if not policies:
        print("FAIL the plan rendered no policies to lint")
        return 1
    print(f"{len(policies) - failed} of {len(policies)} policies pass parliament")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
