"""Ingest keeps the camera facts the engine read from EXIF, and only those; a photo without
EXIF (or with EXIF nobody can read) simply has none."""

from __future__ import annotations

from dataclasses import replace

from chalicelib.domain.camera import Camera
from chalicelib.domain.limits import Limits
from chalicelib.domain.model import Status
from chalicelib.domain.outcomes import Outcome
from chalicelib.services.indexing import to_doc
from tests.fakes import FakeProcessor, make_deps
from tests.images import factory
from tests.unit.services.test_ingest import _ingest, _uploaded

RAW = {"Make": "Canon", "Model": "Canon Canon EOS 5D", "FNumber": "28/10", "ISOSpeedRatings": "400",
       "ExposureTime": "1/200", "DateTimeOriginal": "2024:05:12 14:30:05"}


def test_given_exif_then_the_normalised_camera_is_recorded_with_the_facts() -> None:
    processor = FakeProcessor(size=(640, 480))
    deps = make_deps(processor)
    data = factory.photo(640, 480)
    processor.exif[data] = RAW
    image_id = _uploaded(deps, data)
    assert _ingest(deps, f"uploads/{image_id}").outcome is not Outcome.REJECTED
    image = deps.repo.get(image_id)
    assert image is not None and image.facts is not None
    assert image.facts.camera == Camera(make="Canon", model="Canon EOS 5D", f_number=2.8,
                                        exposure="1/200", exposure_s=0.005, iso=400,
                                        taken_at="2024-05-12T14:30:05")
    # AND its search document names the camera
    ready = replace(image, status=Status.READY)
    assert to_doc(ready).camera == "Canon EOS 5D"


def test_given_no_exif_then_no_camera_and_the_upload_goes_on() -> None:
    deps = make_deps(FakeProcessor(size=(640, 480)))
    image_id = _uploaded(deps, factory.photo(640, 480))
    _ingest(deps, f"uploads/{image_id}")
    image = deps.repo.get(image_id)
    assert image is not None and image.facts is not None and image.facts.camera is None
    assert to_doc(replace(image, status=Status.READY)).camera == ""


def test_given_unreadable_exif_values_then_no_camera_and_the_upload_goes_on() -> None:
    processor = FakeProcessor(size=(640, 480))
    deps = make_deps(processor)
    data = factory.photo(640, 480)
    processor.exif[data] = {"FNumber": "1/0", "ISOSpeedRatings": "\x00\x00", "Make": "\x01"}
    image_id = _uploaded(deps, data)
    _ingest(deps, f"uploads/{image_id}")
    image = deps.repo.get(image_id)
    assert image is not None and image.status is not Status.REJECTED
    assert image.facts is not None and image.facts.camera is None


def test_given_a_configured_text_bound_then_names_are_cut_to_it() -> None:
    processor = FakeProcessor(size=(640, 480))
    deps = make_deps(processor, Limits(camera_text_chars=8))
    data = factory.photo(640, 480)
    processor.exif[data] = {"Make": "Hasselblad", "LensModel": "XCD 4/45P"}
    image_id = _uploaded(deps, data)
    _ingest(deps, f"uploads/{image_id}")
    image = deps.repo.get(image_id)
    assert image is not None and image.facts is not None and image.facts.camera is not None
    assert (image.facts.camera.make, image.facts.camera.lens) == ("Hasselbl", "XCD 4/45")


def test_the_text_bound_is_a_setting() -> None:
    from chalicelib.config import _limits

    assert _limits({"CAMERA_TEXT_CHARS": "40"}).camera_text_chars == 40
    assert Limits().camera_text_chars == 64
