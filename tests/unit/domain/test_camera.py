"""Camera facts from raw EXIF values: normalised, bounded, and nothing but the allow-list."""

from __future__ import annotations

import pytest

from chalicelib.domain.camera import TAGS, Camera, camera_from_exif, camera_name, taken_at

FULL = {"Make": "Canon", "Model": "Canon EOS 5D Mark IV", "LensModel": "EF24-70mm f/2.8L II USM",
        "FocalLength": "50/1", "FNumber": "28/10", "ExposureTime": "1/200",
        "ISOSpeedRatings": "400", "DateTimeOriginal": "2024:05:12 14:30:05"}


def test_given_a_full_block_then_every_fact_as_a_number_or_text() -> None:
    assert camera_from_exif(FULL) == Camera(
        "Canon", "Canon EOS 5D Mark IV", "EF24-70mm f/2.8L II USM", 50.0, 2.8, "1/200", 0.005,
        400, "2024-05-12T14:30:05")


def test_given_nothing_usable_then_no_camera_at_all() -> None:
    assert camera_from_exif({}) is None
    assert camera_from_exif({"Make": "  \x00 ", "FNumber": "0/0", "ISOSpeedRatings": "-3"}) is None


@pytest.mark.parametrize("make, model, name", [
    ("Canon", "Canon Canon EOS 5D", "Canon EOS 5D"),
    ("Canon", "Canon EOS 5D", "Canon EOS 5D"),
    ("Canon", "EOS R5", "Canon EOS R5"),
    ("NIKON CORPORATION", "NIKON D850", "NIKON D850"),
    ("SONY", "ILCE-7M3", "SONY ILCE-7M3"),
    ("", "iPhone 15", "iPhone 15"),
    ("Canon", "", ""),
])
def test_given_make_and_model_then_the_name_never_says_the_make_twice(
    make: str, model: str, name: str,
) -> None:
    assert camera_name(make, model) == name


def test_given_a_camera_without_a_model_then_its_name_is_the_make() -> None:
    found = camera_from_exif({"Make": "Leica"})
    assert found is not None and (found.model, found.name) == ("", "Leica")


def test_given_long_or_dirty_text_then_trimmed_cleaned_and_bounded() -> None:
    found = camera_from_exif({"Make": "  Canon\x00\x01 ", "Model": "EOS\t\n 5D" + "x" * 500,
                              "LensModel": "L" * 500}, max_chars=20)
    assert found is not None
    assert found.make == "Canon" and found.model == "Canon EOS 5Dxxxxxxxx"
    assert len(found.lens) == 20


@pytest.mark.parametrize("raw, shown, seconds", [
    ("1/200", "1/200", 0.005), ("10/2000", "1/200", 0.005), ("3/10", "3/10", 0.3),
    ("25/10", "2.5", 2.5), ("30/1", "30", 30.0), ("0.004", "1/250", 0.004),
])
def test_given_an_exposure_then_a_reduced_fraction_below_a_second_and_seconds(
    raw: str, shown: str, seconds: float,
) -> None:
    found = camera_from_exif({"ExposureTime": raw})
    assert found is not None and (found.exposure, found.exposure_s) == (shown, seconds)


@pytest.mark.parametrize("tags", [
    {"FNumber": "1/0"}, {"FNumber": "999/1"}, {"FocalLength": "0/1"},
    {"FocalLength": "99999/1"}, {"ExposureTime": "0/1"}, {"ExposureTime": "99999/1"},
    {"ISOSpeedRatings": "0"}, {"ISOSpeedRatings": "12.5"}, {"ISOSpeedRatings": "many"},
    {"FNumber": "nan"}, {"FNumber": "1e400"}, {"FocalLength": "9" * 5000},
])
def test_given_implausible_or_broken_numbers_then_they_are_dropped(tags: dict[str, str]) -> None:
    assert camera_from_exif(tags) is None


def test_given_iso_as_a_list_then_the_first_value() -> None:
    found = camera_from_exif({"PhotographicSensitivity": "800 800"})
    assert found is not None and found.iso == 800


@pytest.mark.parametrize("raw, offset, iso", [
    ("2024:05:12 14:30:05", "", "2024-05-12T14:30:05"),
    ("2024:05:12 14:30:05", "+02:00", "2024-05-12T14:30:05+02:00"),
    ("2024:05:12 14:30:05", "   :  ", "2024-05-12T14:30:05"),  # an unset offset: none invented
    ("0000:00:00 00:00:00", "", ""),
    ("2024:02:30 10:00:00", "", ""),
    ("1800:01:01 10:00:00", "", ""),
    ("    :  :     :  :  ", "", ""),
    ("yesterday", "", ""),
])
def test_given_a_date_taken_then_iso_8601_without_an_invented_timezone(
    raw: str, offset: str, iso: str,
) -> None:
    assert taken_at(raw, offset) == iso


def test_the_allow_list_never_names_gps_serials_or_people() -> None:
    banned = ("GPS", "Serial", "Owner", "Artist", "Copyright", "MakerNote", "UserComment")
    assert not [tag for tag in TAGS for word in banned if word.lower() in tag.lower()]


def test_stored_form_round_trips_and_drops_unknowns() -> None:
    camera = camera_from_exif(FULL)
    assert camera is not None
    stored = {k: str(v) for k, v in camera.as_json().items()}  # DynamoDB may give back text
    assert Camera.from_json(stored) == camera
    assert Camera.from_json({"serial": "x"}) is None
    assert Camera.from_json(None) is None
