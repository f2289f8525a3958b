"""The sample photos: shipped, described and credited; seeded only into an empty stack."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
from PIL import Image

from infra.local import resources, seed, template
from infra.local.clients import client
from tests.integration.local.conftest import ROOT, free_port, unique

SAMPLES = seed.load_manifest()
NOTICE = (ROOT / "NOTICE").read_text(encoding="utf-8")


def test_given_the_manifest_then_it_lists_every_photo_in_the_folder_and_nothing_else() -> None:
    listed = {sample.path.name for sample in SAMPLES}
    on_disk = {path.name for path in seed.SAMPLES_DIR.glob("*.jpg")}
    assert 5 <= len(SAMPLES) <= 8 and listed == on_disk and len(listed) == len(SAMPLES)


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.path.name for s in SAMPLES])
def test_given_a_sample_then_a_real_jpeg_with_a_title_hashtags_tags_and_a_credit(
    sample: seed.Sample,
) -> None:
    data = sample.path.read_bytes()
    assert data[:3] == b"\xff\xd8\xff"  # what ingest sniffs, whatever the file is called
    with Image.open(sample.path, formats=["JPEG"]) as image:
        image.verify()
        assert min(image.size) >= 256
    assert sample.title.strip() and len(sample.title) <= 200
    assert re.search(r"(^|\s)#[a-z]", sample.description), "a #hashtag in the description"
    assert 3 <= len(sample.tags) <= 6 and all(tag == tag.lower() for tag in sample.tags)
    # credited: the NOTICE names the file and gives its licence right below it
    entry = NOTICE.split(sample.path.name, 1)[1].split("\n\n", 1)[0]
    assert re.search(r"Licence: (public domain|CC0)", entry)


def test_given_all_samples_then_a_small_download() -> None:
    total = sum(sample.path.stat().st_size for sample in SAMPLES)
    assert total < 3 * 1024 * 1024


@pytest.fixture
def stack_env(moto_server: Any) -> dict[str, str]:
    endpoint = moto_server.endpoint_url
    created = resources.create_all(template.load(ROOT / "template.yaml"),
                                   resources.Clients(endpoint), resources.Options())
    table = unique("images")
    client("dynamodb", endpoint).create_table(
        TableName=table, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "image_id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "image_id", "KeyType": "HASH"}])
    return {"IMAGES_TABLE": table, "COGNITO_USER_POOL_ID": created["UserPool"].ref,
            "COGNITO_APP_CLIENT_IDS": created["UserPoolClient"].ref}


def test_given_images_already_stored_when_starting_then_nothing_is_seeded(
    moto_server: Any, stack_env: dict[str, str], caplog: pytest.LogCaptureFixture,
) -> None:
    dynamodb = client("dynamodb", moto_server.endpoint_url)
    assert seed.table_is_empty(dynamodb, stack_env["IMAGES_TABLE"])
    dynamodb.put_item(TableName=stack_env["IMAGES_TABLE"], Item={"image_id": {"S": "i-1"}})
    with caplog.at_level(logging.INFO, logger="infra.local.seed"):
        seeded = seed.seed_samples("http://127.0.0.1:9", moto_server.endpoint_url, stack_env)
    assert seeded == 0 and "already stored" in caplog.text
    assert "first run" not in caplog.text


def test_given_an_api_that_does_not_answer_when_seeding_then_logged_and_the_stack_goes_on(
    moto_server: Any, stack_env: dict[str, str], caplog: pytest.LogCaptureFixture,
) -> None:
    nobody = f"http://127.0.0.1:{free_port()}"
    with caplog.at_level(logging.INFO, logger="infra.local.seed"):
        seeded = seed.seed_samples(nobody, moto_server.endpoint_url, stack_env, timeout=1)
    assert seeded == 0 and "seeding the sample photos failed" in caplog.text
    # the sample contributor was made ready for next time, with a display name
    cognito = client("cognito-idp", moto_server.endpoint_url)
    user = cognito.admin_get_user(UserPoolId=stack_env["COGNITO_USER_POOL_ID"],
                                  Username=seed.SAMPLE_USER)
    attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert attributes["name"] == seed.SAMPLE_NAME and user["UserStatus"] == "CONFIRMED"
