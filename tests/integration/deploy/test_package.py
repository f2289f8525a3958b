"""The packaged SAM template: functions, SQS mappings, layer, environment and IAM."""

from __future__ import annotations

import zipfile
from typing import Any

import pytest

from chalicelib import config
from infra.package import DEFAULT_ARCH, LAMBDA_RUNTIME, LAYER_ZIP, MACHINES
from tests.integration.deploy.conftest import Packaged
from tests.integration.deploy.sam_reading import allowed, functions, role_statements, target

EVENT_FUNCTIONS = {"Ingest": "IngestQueue", "Render": "RenderQueue"}
SIZES = {
    "APIHandler": (512, 10),
    "Ingest": (1769, 120),
    "Render": (1769, 120),
    "Indexer": (512, 60),
    "PostConfirmation": (256, 10),
    "Sweeper": (512, 300),
}
# Every variable chalicelib/config.py reads from the stack -> what CloudFormation fills in.
FROM_STACK = {
    "RESOURCE_PREFIX": "${Prefix}",
    "UPLOADS_BUCKET": "${UploadsBucket}",
    "ORIGINALS_BUCKET": "${OriginalsBucket}",
    "RENDITIONS_BUCKET": "${RenditionsBucket}",
    "IMAGES_TABLE": "${ImagesTable}",
    "IMAGES_STREAM_ARN": "${ImagesTable.StreamArn}",
    "QUOTAS_TABLE": "${QuotasTable}",
    "INSIGHTS_TABLE": "${InsightsTable}",
    "INGEST_QUEUE": "${IngestQueue.QueueName}",
    "RENDER_QUEUE": "${RenderQueue.QueueName}",
    "RENDER_QUEUE_URL": "${RenderQueue}",
    "COGNITO_USER_POOL_ID": "${UserPool}",
    "COGNITO_APP_CLIENT_IDS": "${UserPoolClient}",
    "SEARCH_BACKEND": "opensearch",
}
# OPENSEARCH_ENDPOINT / OPENSEARCH_SERVICE depend on SearchEngine: test_search_stack.py.
CDN_RENDITIONS = "https://${Distribution.DomainName}/renditions"
UPLOADS = "${UploadsBucket.Arn}/uploads/*"
MASTERS = "${UploadsBucket.Arn}/masters/*"
ORIGINALS = "${OriginalsBucket.Arn}/originals/*"
FULL = "${OriginalsBucket.Arn}/full/*"
RENDITIONS = "${RenditionsBucket.Arn}/*"
TABLE = "${ImagesTable.Arn}"
LOG_GROUPS = "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:"



def test_every_handler_is_packaged_with_its_size(template: dict[str, Any]) -> None:
    # GIVEN the packaged template WHEN reading each function THEN memory/timeout are ours
    deployed = functions(template)
    assert deployed.keys() == SIZES.keys()
    for name, (memory, timeout) in SIZES.items():
        assert (deployed[name]["MemorySize"], deployed[name]["Timeout"]) == (memory, timeout)


def test_every_function_runs_on_the_runtime_the_dependencies_were_built_for(
    template: dict[str, Any],
) -> None:
    for name, props in functions(template).items():
        assert props["Runtime"] == LAMBDA_RUNTIME, name
        assert props["Architectures"] == [{"Ref": "Architecture"}], name
    parameter = template["Parameters"]["Architecture"]
    assert parameter["Default"] == DEFAULT_ARCH
    assert set(parameter["AllowedValues"]) == set(MACHINES)
    layer = template["Resources"]["ImagingLayer"]["Properties"]
    assert layer["CompatibleArchitectures"] == [{"Ref": "Architecture"}]


def test_sqs_mappings_report_batch_item_failures_on_the_template_queues(
    template: dict[str, Any],
) -> None:
    # GIVEN Chalice's SQS events merged with ours WHEN reading them THEN partial batches are on
    deployed = functions(template)
    for name, queue in EVENT_FUNCTIONS.items():
        (event,) = deployed[name]["Events"].values()
        props = event["Properties"]
        assert event["Type"] == "SQS"
        assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        assert target(props["Queue"]) == "${" + queue + ".Arn}"
        assert props["BatchSize"] == 1  # as app.py declares it
    every_sqs_event = [
        e for p in deployed.values() for e in p.get("Events", {}).values() if e["Type"] == "SQS"
    ]
    assert all(
        e["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        for e in every_sqs_event
    )


def test_queue_visibility_is_at_least_six_function_timeouts(template: dict[str, Any]) -> None:
    deployed = functions(template)
    for name, queue in EVENT_FUNCTIONS.items():
        visibility = template["Resources"][queue]["Properties"]["VisibilityTimeout"]
        assert visibility >= 6 * deployed[name]["Timeout"]


def test_imaging_layer_is_attached_to_ingest_and_render_only(template: dict[str, Any]) -> None:
    deployed = functions(template)
    layered = {name for name, props in deployed.items() if props.get("Layers")}
    assert layered == {"Ingest", "Render"}
    assert deployed["Ingest"]["Layers"] == deployed["Render"]["Layers"] == [{"Ref": "ImagingLayer"}]
    layer = template["Resources"]["ImagingLayer"]
    assert layer["Type"] == "AWS::Serverless::LayerVersion"
    assert layer["Properties"]["ContentUri"] == f"./{LAYER_ZIP.as_posix()}"
    assert layer["Properties"]["CompatibleRuntimes"] == [LAMBDA_RUNTIME]


def test_every_function_gets_the_stack_in_its_environment(template: dict[str, Any]) -> None:
    # GIVEN Globals + each function's own variables WHEN merged as SAM does THEN all are set
    for name, props in functions(template).items():
        env = props["Environment"]["Variables"]
        assert {key: target(env[key]) for key in FROM_STACK} == FROM_STACK, name
        assert env["POWERTOOLS_SERVICE_NAME"] == "stock-images"
        assert env["LOG_LEVEL"] == "INFO"
        # Traced (below), but responses stay out of traces: they carry presigned upload forms.
        assert env["POWERTOOLS_TRACER_CAPTURE_RESPONSE"] == "false"
        expected_base = "/renditions" if name == "APIHandler" else CDN_RENDITIONS
        assert target(env["RENDITIONS_BASE_URL"]) == expected_base, name


def test_the_variable_names_are_the_ones_config_reads(template: dict[str, Any]) -> None:
    # GIVEN one distinct value per packaged variable WHEN config loads them THEN each is used
    names = functions(template)["Ingest"]["Environment"]["Variables"]
    env = {name: f"value-of-{name}" for name in names}
    env["MODERATION"] = names["MODERATION"]  # an enumerated setting: the template's own value
    settings = config.load(env)
    assert settings.limits.moderation.mode.value == names["MODERATION"] == "new_contributors"
    assert settings.uploads_bucket == env["UPLOADS_BUCKET"]
    assert settings.originals_bucket == env["ORIGINALS_BUCKET"]
    assert settings.renditions_bucket == env["RENDITIONS_BUCKET"]
    assert settings.images_table == env["IMAGES_TABLE"]
    assert settings.images_stream_arn == env["IMAGES_STREAM_ARN"]
    assert (settings.ingest_queue, settings.render_queue) == config.queue_names(env)
    assert settings.render_queue == env["RENDER_QUEUE"]
    assert settings.render_queue_url == env["RENDER_QUEUE_URL"]
    assert settings.user_pool_id == env["COGNITO_USER_POOL_ID"]
    assert settings.app_client_ids == (env["COGNITO_APP_CLIENT_IDS"],)
    assert settings.renditions_base_url == env["RENDITIONS_BASE_URL"]
    assert settings.search_backend == env["SEARCH_BACKEND"]
    assert settings.opensearch_endpoint == env["OPENSEARCH_ENDPOINT"]
    assert settings.opensearch_service == env["OPENSEARCH_SERVICE"]
    api_names = functions(template)["APIHandler"]["Environment"]["Variables"]
    api_env = {name: f"value-of-{name}" for name in api_names}
    api_settings = config.load({**api_env, "MODERATION": api_names["MODERATION"]})
    assert api_settings.cdn_distribution_id == "value-of-CDN_DISTRIBUTION_ID"


# X-Ray's write actions support no resource-level permissions: AWS requires Resource "*"
# for them. This is the one grant allowed to name every resource, and it can only send traces.
XRAY_WRITE = {"xray:PutTraceSegments", "xray:PutTelemetryRecords"}


def _is_xray_write(statement: dict[str, Any]) -> bool:
    actions = statement["Action"]
    return set(actions if isinstance(actions, list) else [actions]) <= XRAY_WRITE


@pytest.mark.parametrize("search_engine", ["domain", "serverless"])
def test_each_function_has_its_own_role_with_no_wildcard_grant(
    template: dict[str, Any], search_engine: str
) -> None:
    deployed = functions(template)
    roles = [props["Role"]["Fn::GetAtt"][0] for props in deployed.values()]
    assert len(set(roles)) == len(roles)
    stack = {"SearchEngine": search_engine}
    for name in deployed:
        for statement in role_statements(template, name, stack):
            assert "NotAction" not in statement and "NotResource" not in statement, name
            if _is_xray_write(statement):
                assert statement["Resource"] == "*", name
                continue
            resources = statement["Resource"]
            resources = resources if isinstance(resources, list) else [resources]
            assert "*" not in resources and "NotResource" not in statement, name
            assert "*" not in str(statement["Action"]) and "NotAction" not in statement, name


def test_every_function_is_traced_and_may_send_its_traces(template: dict[str, Any]) -> None:
    for name, props in functions(template).items():
        assert props["Tracing"] == "Active", name
        statements = role_statements(template, name)
        assert all(allowed(statements, action, "*") for action in XRAY_WRITE), name
        assert not allowed(statements, "xray:GetTraceSummaries", "*"), name  # send, never read
    assert template["Resources"]["RestAPI"]["Properties"]["TracingEnabled"] is True


def _log_group(template: dict[str, Any], function: str) -> dict[str, Any]:
    """The log group a function waits for (DependsOn may also name its search rights)."""
    depends_on = template["Resources"][function]["DependsOn"]
    names = [depends_on] if isinstance(depends_on, str) else depends_on
    resources = template["Resources"]
    (group,) = [resources[n] for n in names if resources[n]["Type"] == "AWS::Logs::LogGroup"]
    return group


def test_each_function_logs_only_to_its_own_group(template: dict[str, Any]) -> None:
    for name, props in functions(template).items():
        function_name = target(props["FunctionName"])
        group = _log_group(template, name)
        assert target(group["Properties"]["LogGroupName"]) == f"/aws/lambda/{function_name}"
        own_streams = f"{LOG_GROUPS}/aws/lambda/{function_name}:*"
        assert allowed(role_statements(template, name), "logs:PutLogEvents", own_streams)


API_GRANTS = [
    ("dynamodb:GetItem", TABLE),
    ("dynamodb:PutItem", TABLE),
    ("dynamodb:UpdateItem", TABLE),
    ("dynamodb:DeleteItem", TABLE),
    ("dynamodb:Query", "${ImagesTable.Arn}/index/by_owner"),
    ("s3:PutObject", UPLOADS),  # what S3 checks when the browser posts a presigned form
    ("s3:DeleteObject", UPLOADS),
    ("s3:DeleteObject", MASTERS),
    ("s3:DeleteObject", RENDITIONS),
    ("s3:GetObject", RENDITIONS),  # presigned downloads of the public sizes
]
INGEST_GRANTS = [
    ("sqs:ReceiveMessage", "${IngestQueue.Arn}"),
    ("sqs:DeleteMessage", "${IngestQueue.Arn}"),
    ("sqs:GetQueueAttributes", "${IngestQueue.Arn}"),
    ("sqs:SendMessage", "${RenderQueue.Arn}"),
    ("dynamodb:GetItem", TABLE),
    ("dynamodb:UpdateItem", TABLE),
    ("s3:GetObject", UPLOADS),
    ("s3:DeleteObject", UPLOADS),
    ("s3:GetObject", MASTERS),
    ("s3:DeleteObject", MASTERS),
    ("s3:PutObject", MASTERS),
    ("s3:PutObject", RENDITIONS),  # renditions up to 1 MP are cut and published by ingest
    ("s3:DeleteObject", RENDITIONS),  # ... and withdrawn if the image went meanwhile
    ("s3:ListBucket", "${UploadsBucket.Arn}"),  # HEAD on a missing key: 404, not 403
]
RENDER_GRANTS = [
    ("sqs:ReceiveMessage", "${RenderQueue.Arn}"),
    ("sqs:DeleteMessage", "${RenderQueue.Arn}"),
    ("sqs:GetQueueAttributes", "${RenderQueue.Arn}"),
    ("dynamodb:GetItem", TABLE),
    ("dynamodb:UpdateItem", TABLE),
    ("s3:GetObject", MASTERS),
    ("s3:DeleteObject", MASTERS),  # the image has ended: its master goes
    ("s3:PutObject", RENDITIONS),
    ("s3:DeleteObject", RENDITIONS),
    ("s3:ListBucket", "${UploadsBucket.Arn}"),  # HEAD on a missing master: 404, not 403
]
SWEEPER_GRANTS = [
    ("dynamodb:Query", "${ImagesTable.Arn}/index/by_stage"),  # open images, never a scan
    ("dynamodb:Scan", TABLE),  # one segment per run
    ("dynamodb:GetItem", TABLE),
    ("dynamodb:UpdateItem", TABLE),  # a repair counted
    ("dynamodb:DeleteItem", TABLE),  # a pending record expired
    ("s3:ListBucket", "${UploadsBucket.Arn}"),
    ("s3:ListBucket", "${OriginalsBucket.Arn}"),
    ("s3:ListBucket", "${RenditionsBucket.Arn}"),
    ("s3:GetObject", UPLOADS),  # HEAD: is the upload there?
    ("s3:DeleteObject", UPLOADS),
    ("s3:DeleteObject", MASTERS),
    ("s3:DeleteObject", RENDITIONS),
    ("sqs:SendMessage", "${IngestQueue.Arn}"),
    ("sqs:SendMessage", "${RenderQueue.Arn}"),
]
DENIED = [
    ("APIHandler", "s3:GetObject", UPLOADS),  # it presigns the POST; ingest reads the bytes
    ("APIHandler", "s3:GetObject", MASTERS),
    ("APIHandler", "s3:PutObject", RENDITIONS),
    ("APIHandler", "s3:PutObject", ORIGINALS),  # the API presigns downloads, never writes them
    ("APIHandler", "s3:PutObject", FULL),
    ("Ingest", "s3:GetObject", ORIGINALS),  # it copies in and tidies up, never reads back
    ("Ingest", "s3:PutObject", FULL),
    ("Render", "s3:PutObject", ORIGINALS),  # what was uploaded is never rewritten
    ("Render", "s3:DeleteObject", ORIGINALS),
    ("Indexer", "s3:GetObject", ORIGINALS),
    ("PostConfirmation", "s3:GetObject", FULL),
    ("APIHandler", "sqs:SendMessage", "${RenderQueue.Arn}"),
    ("Ingest", "s3:PutObject", "${WebBucket.Arn}/*"),
    ("Ingest", "dynamodb:DeleteItem", TABLE),
    ("Render", "s3:DeleteObject", UPLOADS),
    ("Render", "s3:PutObject", MASTERS),
    ("Sweeper", "s3:PutObject", RENDITIONS),  # it deletes and re-sends, never writes pixels
    ("Sweeper", "s3:PutObject", UPLOADS),
    ("Sweeper", "s3:GetObject", ORIGINALS),
    ("Sweeper", "dynamodb:PutItem", TABLE),
]


@pytest.mark.parametrize(
    ("function", "grants"),
    [("APIHandler", API_GRANTS), ("Ingest", INGEST_GRANTS), ("Render", RENDER_GRANTS),
     ("Sweeper", SWEEPER_GRANTS)],
)
def test_each_role_grants_what_its_code_uses(
    template: dict[str, Any], function: str, grants: list[tuple[str, str]]
) -> None:
    statements = role_statements(template, function)
    missing = [grant for grant in grants if not allowed(statements, *grant)]
    assert missing == []


# Everything issue 13 added, by role, each action on exactly these resources: any grant on the
# originals bucket, any version-level action, any CloudFront action. Pairs are (action, target).
VERSION_ACTIONS = {"s3:GetObjectVersion", "s3:DeleteObjectVersion", "s3:ListBucketVersions"}
ISSUE_13_SURFACE = {
    "APIHandler": {
        ("s3:DeleteObjectVersion", UPLOADS),
        ("s3:DeleteObjectVersion", MASTERS),
        ("s3:ListBucketVersions", "${UploadsBucket.Arn}"),
        *((action, resource) for resource in (ORIGINALS, FULL)
          for action in ("s3:GetObject", "s3:GetObjectVersion", "s3:DeleteObject",
                         "s3:DeleteObjectVersion")),
        ("s3:ListBucketVersions", "${OriginalsBucket.Arn}"),
        ("cloudfront:CreateInvalidation",
         "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${Distribution}"),
    },
    "Ingest": {
        ("s3:GetObjectVersion", UPLOADS),
        ("s3:DeleteObjectVersion", UPLOADS),
        ("s3:ListBucketVersions", "${UploadsBucket.Arn}"),
        ("s3:PutObject", ORIGINALS),
        ("s3:DeleteObject", ORIGINALS),
        ("s3:DeleteObjectVersion", ORIGINALS),
        ("s3:DeleteObjectVersion", MASTERS),  # a master goes with every version of it
        ("s3:ListBucketVersions", "${OriginalsBucket.Arn}"),  # an original a retry kept before
    },
    "Render": {
        ("s3:GetObject", ORIGINALS),
        ("s3:GetObjectVersion", ORIGINALS),
        ("s3:PutObject", FULL),
        ("s3:DeleteObject", FULL),
        ("s3:DeleteObjectVersion", FULL),  # a download made for a deleted image goes for good
        ("s3:DeleteObjectVersion", MASTERS),
        ("s3:ListBucketVersions", "${UploadsBucket.Arn}"),
        ("s3:ListBucketVersions", "${OriginalsBucket.Arn}"),
    },
    # issue 16: the indexer finishes a moderator's reject, the withdrawn renditions included
    "Indexer": {
        ("cloudfront:CreateInvalidation",
         "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${Distribution}"),
    },
    "PostConfirmation": set(),
    # issue 14: orphans in the versioned buckets go with every version
    "Sweeper": {
        ("s3:ListBucket", "${OriginalsBucket.Arn}"),
        ("s3:ListBucketVersions", "${UploadsBucket.Arn}"),
        ("s3:ListBucketVersions", "${OriginalsBucket.Arn}"),
        ("s3:GetObjectVersion", UPLOADS),
        ("s3:DeleteObjectVersion", UPLOADS),
        ("s3:DeleteObjectVersion", MASTERS),
        ("s3:DeleteObject", ORIGINALS),
        ("s3:DeleteObjectVersion", ORIGINALS),
        ("s3:DeleteObject", FULL),
        ("s3:DeleteObjectVersion", FULL),
    },
}  # fmt: skip


def _pairs(statements: list[dict[str, Any]]) -> set[tuple[str, str]]:
    """Each (action, resource) an Allow statement grants, one pair per combination."""
    def as_list(value: Any) -> list[Any]:
        return value if isinstance(value, list) else [value]

    return {
        (action, target(resource))
        for s in statements if s["Effect"] == "Allow"
        for action in as_list(s["Action"]) for resource in as_list(s["Resource"])
    }  # fmt: skip


def _issue_13(pair: tuple[str, str]) -> bool:
    action, resource = pair
    return (
        "OriginalsBucket" in resource or action in VERSION_ACTIONS
        or action.startswith("cloudfront:")
    )  # fmt: skip


@pytest.mark.parametrize("function", sorted(ISSUE_13_SURFACE))
def test_originals_version_and_cdn_grants_are_exactly_the_ones_each_role_needs(
    template: dict[str, Any], function: str
) -> None:
    # GIVEN the role's statements WHEN keeping the grants issue 13 is about
    granted = {pair for pair in _pairs(role_statements(template, function)) if _issue_13(pair)}
    # THEN nothing is missing and nothing more is there (no bucket-wide or wider resource)
    assert granted == ISSUE_13_SURFACE[function]


@pytest.mark.parametrize(("function", "action", "resource"), DENIED)
def test_roles_do_not_reach_into_other_stages_of_the_pipeline(
    template: dict[str, Any], function: str, action: str, resource: str
) -> None:
    assert not allowed(role_statements(template, function), action, resource)


def test_the_function_zip_carries_python_only_and_no_web_app(packaged: Packaged) -> None:
    # GIVEN the deployment zip every function ships WHEN listing it
    with zipfile.ZipFile(packaged.out / "deployment.zip") as bundle:
        names = bundle.namelist()
    # THEN app.py and chalicelib are there, and nothing of the web app (its own bucket)
    assert "app.py" in names and any(n.startswith("chalicelib/") for n in names)
    assert not [n for n in names if n.startswith("web/") or "/web/" in n]
    assert not [n for n in names if n.endswith((".js", ".css", ".html"))]
