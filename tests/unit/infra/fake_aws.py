"""A scripted stand-in for the AWS CLI: records every command, answers from a script."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from infra.deploy_aws import Completed

Answer = Completed | Callable[[list[str]], Completed]

ACCOUNT = "123456789012"
OUTPUTS = {
    "WebBucketName": "stock-images-prod-web-123456789012",
    "DistributionDomain": "d111abc.cloudfront.net",
    "DistributionId": "E2EXAMPLE",
    "UserPoolId": "eu-west-1_Pool",
    "UserPoolClientId": "client123",
}
MISSING_STACK = Completed(254, "", "An error occurred (ValidationError) when calling the "
                          "DescribeStacks operation: Stack with id stock-images-prod "
                          "does not exist")


def outputs_json(outputs: dict[str, str]) -> Completed:
    """describe-stacks' answer for these outputs."""
    listed = [{"OutputKey": key, "OutputValue": value} for key, value in outputs.items()]
    return Completed(0, json.dumps(listed))


class FakeAws:
    """Answers `aws <service> <operation>` from queued replies (default: success, no output)."""

    def __init__(self) -> None:
        self.commands: list[list[str]] = []
        self.replies: dict[tuple[str, str], list[Answer]] = {}

    def reply(self, service: str, operation: str, *answers: Answer) -> None:
        """Queue answers for the next calls of one operation, in order."""
        self.replies.setdefault((service, operation), []).extend(answers)

    def __call__(self, argv: Sequence[str]) -> Completed:
        command = list(argv)
        self.commands.append(command)
        if command[0] != "aws":
            return Completed(0)
        queued = self.replies.get((command[1], command[2]), [])
        answer = queued.pop(0) if queued else Completed(0)
        return answer(command) if callable(answer) else answer

    def operations(self) -> list[str]:
        """Each command as `service operation` (the packaging step as `package`)."""
        return [" ".join(c[1:3]) if c[0] == "aws" else "package" for c in self.commands]

    def named(self, service: str, operation: str) -> list[list[str]]:
        """The commands of one operation, in order."""
        return [c for c in self.commands if c[:3] == ["aws", service, operation]]
