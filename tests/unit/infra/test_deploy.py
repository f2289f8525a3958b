"""The deploy plan: which AWS CLI commands, in which order, with which arguments (no AWS)."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from infra import deploy, deploy_aws
from infra.deploy_aws import Completed, DeployError, run_command
from tests.unit.infra.fake_aws import ACCOUNT, MISSING_STACK, OUTPUTS, FakeAws, outputs_json

ARTIFACTS = f"stock-images-pkg-{ACCOUNT}-eu-west-1-prod"
PARAMS = ("AlarmEmail=ops@example.com",)


def _target(tmp_path: Path, **changes: object) -> deploy.Target:
    fields: dict[str, object] = {"stage": "prod", "region": "eu-west-1", "parameters": PARAMS,
                                 "build": tmp_path}
    return deploy.Target(**{**fields, **changes})  # type: ignore[arg-type]


def _first_deploy() -> FakeAws:
    aws = FakeAws()
    aws.reply("sts", "get-caller-identity", Completed(0, f"{ACCOUNT}\n"))
    aws.reply("s3api", "head-bucket", Completed(254, "", "Not Found"))
    aws.reply("cloudformation", "describe-stacks", MISSING_STACK, outputs_json(OUTPUTS))
    return aws


def _value(command: list[str], flag: str) -> str:
    return command[command.index(flag) + 1]


def test_given_a_new_stage_when_deployed_then_the_commands_run_in_order(tmp_path: Path) -> None:
    # GIVEN no artefact bucket and no stack yet WHEN prod is deployed
    aws = _first_deploy()
    outputs = deploy.deploy(_target(tmp_path), aws)
    # THEN package, bucket, upload, deploy, read outputs, deploy again with the origin, web app
    web_uploads = aws.operations().count("s3 cp")
    assert aws.operations() == [
        "package", "sts get-caller-identity", "s3api head-bucket", "s3api create-bucket",
        "s3api put-public-access-block", "s3api put-bucket-policy", "cloudformation package",
        "cloudformation describe-stacks", "cloudformation deploy",
        "cloudformation describe-stacks", "cloudformation deploy", *["s3 cp"] * web_uploads,
        "cloudfront create-invalidation",
    ]
    assert web_uploads >= 3 and outputs == OUTPUTS
    script = str(deploy.ROOT / "infra" / "package.py")
    assert aws.commands[0] == [sys.executable, script, "--out", str(tmp_path), "--arch", "arm64"]
    # every AWS call is pinned to the target's region
    assert all(c[-2:] == ["--region", "eu-west-1"] for c in aws.commands[1:])
    # AND the edge drops the web app's cached paths, not the (immutable) renditions
    invalidation = aws.named("cloudfront", "create-invalidation")[0]
    assert _value(invalidation, "--distribution-id") == "E2EXAMPLE"
    paths = invalidation[invalidation.index("--paths") + 1:-2]
    assert paths == ["/", "/config.json", "/index.html", "/js/*", "/styles.css"]


def test_given_a_region_other_than_us_east_1_then_the_bucket_names_its_location(
    tmp_path: Path,
) -> None:
    aws = _first_deploy()
    deploy.deploy(_target(tmp_path), aws)
    create = aws.named("s3api", "create-bucket")[0]
    assert _value(create, "--bucket") == ARTIFACTS
    assert _value(create, "--create-bucket-configuration") == "LocationConstraint=eu-west-1"
    policy = json.loads(_value(aws.named("s3api", "put-bucket-policy")[0], "--policy"))
    assert policy["Statement"][0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert policy["Statement"][0]["Effect"] == "Deny"
    block = _value(aws.named("s3api", "put-public-access-block")[0],
                   "--public-access-block-configuration")
    assert block.count("=true") == 4


def test_given_us_east_1_then_no_location_constraint(tmp_path: Path) -> None:
    aws = _first_deploy()
    deploy.deploy(_target(tmp_path, region="us-east-1"), aws)
    assert "--create-bucket-configuration" not in aws.named("s3api", "create-bucket")[0]


def test_given_an_artifact_bucket_then_nothing_is_created(tmp_path: Path) -> None:
    aws = FakeAws()
    aws.reply("cloudformation", "describe-stacks", outputs_json(OUTPUTS), outputs_json(OUTPUTS))
    deploy.deploy(_target(tmp_path, artifact_bucket="my-artifacts"), aws)
    assert not aws.named("s3api", "create-bucket") and not aws.named("sts", "get-caller-identity")
    package = aws.named("cloudformation", "package")[0]
    assert _value(package, "--s3-bucket") == "my-artifacts"
    assert _value(package, "--template-file") == str(tmp_path / "sam.yaml")
    assert _value(package, "--output-template-file") == str(tmp_path / "packaged.yaml")
    # AND the origin is already known: one deploy pass is enough
    assert len(aws.named("cloudformation", "deploy")) == 1


def test_the_stack_deploy_names_stage_prefix_arch_capabilities_and_origin(tmp_path: Path) -> None:
    aws = _first_deploy()
    deploy.deploy(_target(tmp_path, arch="x86_64"), aws)
    first, second = aws.named("cloudformation", "deploy")
    assert _value(first, "--stack-name") == "stock-images-prod"
    assert _value(first, "--template-file") == str(tmp_path / "packaged.yaml")
    assert _value(first, "--s3-bucket") == ARTIFACTS
    capabilities = first[first.index("--capabilities") + 1:first.index("--capabilities") + 3]
    assert capabilities == ["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"]
    overrides = first[first.index("--parameter-overrides") + 1:-2]
    assert overrides == ["Prefix=stock-images-prod", "Stage=prod", "Architecture=x86_64",
                         "WebOrigin=", "DistributionId=", *PARAMS]
    assert aws.commands[0][-2:] == ["--arch", "x86_64"]
    # AND the second pass gives the new distribution's origin to CORS and its id to the API
    assert "WebOrigin=https://d111abc.cloudfront.net" in second
    assert "DistributionId=E2EXAMPLE" in second


def test_given_a_deployed_stack_then_its_distribution_id_is_passed_at_once(
    tmp_path: Path,
) -> None:
    # GIVEN a stack whose outputs name its distribution WHEN deployed again
    aws = FakeAws()
    aws.reply("cloudformation", "describe-stacks", outputs_json(OUTPUTS), outputs_json(OUTPUTS))
    deploy.deploy(_target(tmp_path, artifact_bucket="my-artifacts"), aws)
    # THEN the one pass already carries the id (a stack from before the parameter gets it too)
    (only,) = aws.named("cloudformation", "deploy")
    assert "DistributionId=E2EXAMPLE" in only and "WebOrigin=https://d111abc.cloudfront.net" in only


def test_given_an_output_missing_then_a_clear_error_and_no_upload(tmp_path: Path) -> None:
    aws = _first_deploy()
    partial = {k: v for k, v in OUTPUTS.items() if k != "UserPoolClientId"}
    aws.replies[("cloudformation", "describe-stacks")][1] = outputs_json(partial)
    with pytest.raises(DeployError, match="UserPoolClientId"):
        deploy.deploy(_target(tmp_path), aws)
    assert not aws.named("s3", "cp")


def test_given_a_failing_command_then_the_deploy_stops_naming_it(tmp_path: Path) -> None:
    aws = _first_deploy()
    aws.reply("cloudformation", "deploy", Completed(255, "", "Template format error"))
    with pytest.raises(DeployError, match=r"cloudformation deploy.*Template format error"):
        deploy.deploy(_target(tmp_path), aws)
    assert aws.operations()[-1] == "cloudformation deploy"


def test_given_packaging_fails_then_nothing_reaches_aws(tmp_path: Path) -> None:
    def runner(argv: Sequence[str]) -> Completed:
        calls.append(list(argv))
        return Completed(1, "", "cfn-lint found errors")

    calls: list[list[str]] = []
    with pytest.raises(DeployError, match="packaging failed"):
        deploy.deploy(_target(tmp_path), runner)
    assert len(calls) == 1 and calls[0][0] == sys.executable


def test_given_prod_without_confirm_then_destroy_refuses(tmp_path: Path) -> None:
    aws = FakeAws()
    with pytest.raises(DeployError, match="CONFIRM=yes"):
        deploy.destroy(_target(tmp_path), confirm=False, run=aws)
    assert aws.commands == []


def _resources(*pairs: tuple[str, str]) -> Completed:
    return Completed(0, json.dumps([list(pair) for pair in pairs]))


BUCKETS = _resources(("UploadsBucket", "b-uploads"), ("RenditionsBucket", "b-renditions"),
                     ("WebBucket", "b-web"))
WITH_ORIGINALS = _resources(("UploadsBucket", "b-uploads"), ("OriginalsBucket", "b-originals"),
                            ("RenditionsBucket", "b-renditions"), ("WebBucket", "b-web"))


def _listed_buckets(aws: FakeAws) -> list[str]:
    return [_value(c, "--bucket") for c in aws.named("s3api", "list-object-versions")]


def test_destroying_dev_empties_every_bucket_then_deletes_and_waits(tmp_path: Path) -> None:
    # GIVEN a dev stack with three (already empty) buckets WHEN destroyed (no confirmation)
    aws = FakeAws()
    aws.reply("cloudformation", "describe-stack-resources", BUCKETS)
    kept = deploy.destroy(_target(tmp_path, stage="dev"), confirm=False, run=aws)
    # THEN each bucket is emptied first (CloudFormation can't delete a full one)
    assert aws.operations() == [
        "cloudformation describe-stack-resources", *["s3api list-object-versions"] * 3,
        "cloudformation delete-stack", "cloudformation wait",
    ]
    assert _listed_buckets(aws) == ["b-uploads", "b-renditions", "b-web"]
    assert aws.commands[-1][3:6] == ["stack-delete-complete", "--stack-name", "stock-images-dev"]
    assert kept == []


def _versions(*pairs: tuple[str, str], markers: tuple[tuple[str, str], ...] = ()) -> Completed:
    def listed(items: tuple[tuple[str, str], ...]) -> list[dict[str, str]]:
        return [{"Key": key, "VersionId": version} for key, version in items]

    return Completed(0, json.dumps({"Versions": listed(pairs), "DeleteMarkers": listed(markers)}))


def test_emptying_a_versioned_bucket_deletes_every_version_and_marker() -> None:
    # GIVEN a bucket holding two versions of one key and a delete marker of another
    aws = FakeAws()
    aws.reply("s3api", "list-object-versions",
              _versions(("uploads/a", "v2"), ("uploads/a", "v1"), markers=(("masters/b", "m1"),)),
              _versions())
    # WHEN it is emptied
    deploy_aws.empty_bucket(deploy_aws.Aws(aws, "eu-west-1"), "b-uploads")
    # THEN all three go by version id (a plain delete would only add markers), then it looks again
    (delete,) = aws.named("s3api", "delete-objects")
    request = json.loads(_value(delete, "--delete"))
    assert request["Objects"] == [{"Key": "uploads/a", "VersionId": "v2"},
                                  {"Key": "uploads/a", "VersionId": "v1"},
                                  {"Key": "masters/b", "VersionId": "m1"}]
    assert request["Quiet"] is True
    assert aws.operations() == ["s3api list-object-versions", "s3api delete-objects",
                                "s3api list-object-versions"]
    listing = aws.named("s3api", "list-object-versions")[0]
    assert _value(listing, "--max-items") == str(deploy_aws.EMPTY_BATCH)


def test_a_version_s3_refuses_to_delete_stops_the_teardown() -> None:
    aws = FakeAws()
    aws.reply("s3api", "list-object-versions", _versions(("k", "v1")))
    refused = {"Errors": [{"Key": "k", "VersionId": "v1", "Code": "AccessDenied"}]}
    aws.reply("s3api", "delete-objects", Completed(0, json.dumps(refused)))
    with pytest.raises(DeployError, match="1 not deleted"):
        deploy_aws.empty_bucket(deploy_aws.Aws(aws, "eu-west-1"), "b")
    assert len(aws.named("s3api", "list-object-versions")) == 1  # no endless retry


def test_destroying_prod_keeps_its_data_and_says_so(tmp_path: Path) -> None:
    # GIVEN prod (uploads, originals, renditions and table are retained) WHEN confirmed
    aws = FakeAws()
    aws.reply("cloudformation", "describe-stack-resources", WITH_ORIGINALS,
              _resources(("ImagesTable", "stock-images-prod-images")))
    kept = deploy.destroy(_target(tmp_path), confirm=True, run=aws)
    # THEN only the web bucket is emptied, the stack goes, and the kept data is named
    assert _listed_buckets(aws) == ["b-web"]
    assert aws.operations()[-2:] == ["cloudformation delete-stack", "cloudformation wait"]
    assert kept == ["b-uploads", "b-originals", "b-renditions", "stock-images-prod-images"]


def test_region_comes_from_the_flag_then_env_then_the_cli_profile() -> None:
    aws = FakeAws()
    aws.reply("configure", "get", Completed(0, "ap-south-1\n"))
    assert deploy.resolve_region(aws, "eu-north-1", {"AWS_REGION": "x"}) == "eu-north-1"
    assert deploy.resolve_region(aws, "", {"AWS_DEFAULT_REGION": "eu-west-3"}) == "eu-west-3"
    assert deploy.resolve_region(aws, "", {}) == "ap-south-1"
    with pytest.raises(DeployError, match="region"):
        deploy.resolve_region(FakeAws(), "", {})


def test_main_passes_extra_parameters_and_rejects_a_bad_stage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    aws = _first_deploy()
    argv = ["deploy", "--stage", "prod", "--region", "eu-west-1", "--out", str(tmp_path),
            *PARAMS, "Extra=1"]
    assert deploy.main(argv, aws) == 0
    assert "Extra=1" in aws.named("cloudformation", "deploy")[0]
    assert "https://d111abc.cloudfront.net/" in capsys.readouterr().out
    assert deploy.main(["deploy", "--stage", "Prod!", "--region", "eu-west-1"], FakeAws()) == 1
    assert "stage" in capsys.readouterr().err


def test_the_real_runner_returns_output_and_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    # GIVEN a command writing to both streams WHEN run THEN both are kept apart, code returned
    script = "import sys; print('out'); print('err' * 30000, file=sys.stderr); sys.exit(3)"
    done = run_command([sys.executable, "-c", script])
    assert (done.returncode, done.stdout) == (3, "out\n")
    assert done.stderr.startswith("errerr") and len(done.stderr) > 65536
    # AND the command and its (non-query) output are shown as they come
    assert "+ " in capsys.readouterr().err


def test_the_artifact_bucket_name_fits_s3_for_the_longest_region_and_stage() -> None:
    name = deploy_aws.artifact_bucket_name(ACCOUNT, "ap-southeast-3", "s" * 16)
    assert len(name) <= 63 and name.startswith("stock-images-pkg-123456789012-")
    with pytest.raises(DeployError, match="ARTIFACT_BUCKET"):
        deploy_aws.artifact_bucket_name(ACCOUNT, "x" * 30, "s" * 16)
