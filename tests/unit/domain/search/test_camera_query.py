"""`camera:` in the query and `camera=` (the facet's value): words of the camera's name."""

from __future__ import annotations

import pytest

from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.search.limits import SearchLimits
from chalicelib.domain.search.operators import camera_words
from chalicelib.domain.search.query import parse_search


@pytest.mark.parametrize("q, camera, plain", [
    ('camera:"eos 5d"', ("eos", "5d"), ()),
    ("camera:Nikon harbour", ("nikon",), ("harbour",)),
    ('harbour CAMERA:"EOS  5D" camera:eos', ("eos", "5d"), ("harbour",)),
    ('camera:"sony', ("sony",), ()),  # an unclosed quote runs to the end
    ("camera:", (), ("camera",)),  # no value: a plain word
])
def test_given_camera_operators_then_their_words_and_the_rest_as_text(
    q: str, camera: tuple[str, ...], plain: tuple[str, ...],
) -> None:
    query = parse_search({"q": q})
    assert (query.camera_words, query.words) == (camera, plain)


def test_given_the_camera_parameter_then_its_words_join_the_operators() -> None:
    query = parse_search({"q": "camera:canon", "camera": "Canon EOS 5D Mark IV"})
    assert query.camera_words == ("canon", "eos", "5d", "mark", "iv")


def test_given_too_many_camera_words_then_400_invalid_camera() -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_search({"camera": "a b c d"}, SearchLimits(max_words=3))
    assert refused.value.code == "invalid_camera"


def test_camera_words_are_what_both_engines_index() -> None:
    assert camera_words("Canon EOS-1D X Mark III") == ("canon", "eos", "1d", "x", "mark", "iii")
    assert camera_words("NIKON Z 6_2") == ("nikon", "z", "6", "2")
