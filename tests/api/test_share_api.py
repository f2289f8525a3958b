"""GET /share/images/{id}: the link preview page CloudFront sends crawlers to in AWS."""

from __future__ import annotations

import json

from chalicelib.entrypoints.http.share_routes import site_origin
from tests.api.conftest import Api
from tests.api.test_api import ALICE, UPLOAD, _post, _ready


def test_a_ready_photo_previews_with_its_title_and_absolute_image(api: Api) -> None:
    image_id = _ready(api)
    response = api.client.http.get(f"/share/images/{image_id}")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    page = response.body.decode()
    assert '<meta property="og:title" content="Beach">' in page
    assert f'<meta property="og:image" content="https://cdn.test/r/{image_id}/thumb.webp">' in page
    assert "<title>Beach</title>" in page


def test_unready_or_unknown_photos_get_no_tags_and_a_404(api: Api) -> None:
    pending = json.loads(_post(api, {**UPLOAD, "title": "Secret"}, ALICE).body)["image_id"]
    for image_id in (pending, "0" * 32, "%3Cscript%3E"):
        response = api.client.http.get(f"/share/images/{image_id}")
        page = response.body.decode()
        assert response.status_code == 404 and "og:" not in page and "Secret" not in page
        assert "<script" not in page


def test_the_site_origin_comes_from_the_public_renditions_url() -> None:
    assert site_origin("https://d1.cloudfront.net/renditions") == "https://d1.cloudfront.net"
    assert site_origin("") == ""
