"""Which renditions ingest cuts itself and which it fans out to render invocations."""

from __future__ import annotations

from chalicelib.domain.renditions import INLINE_MAX_PIXELS, RenditionSpec, Size, split_inline


def test_split_inline_keeps_small_renditions_for_ingest_and_fans_out_big_ones() -> None:
    # GIVEN the default sizes planned from a 2048x1365 master
    specs = (RenditionSpec("thumb", 200), RenditionSpec("small", 400),
             RenditionSpec("regular", 1080), RenditionSpec("large", 2048))  # fmt: skip
    inline, fanned = split_inline(specs, Size(2048, 1365))
    # THEN ingest cuts up to 1080x720 (0.78 MP) itself and the 2.8 MP large fans out
    assert [s.name for s in inline] == ["thumb", "small", "regular"]
    assert [s.name for s in fanned] == ["large"]


def test_split_inline_judges_the_planned_size_not_the_asked_width() -> None:
    # GIVEN a small master: even "large" comes out at the master's own 900x600
    specs = (RenditionSpec("thumb", 200), RenditionSpec("large", 2048))
    inline, fanned = split_inline(specs, Size(900, 600))
    assert [s.name for s in inline] == ["thumb", "large"] and fanned == ()


def test_split_inline_limit_is_inclusive() -> None:
    side = 1000  # 1000x1000 is exactly INLINE_MAX_PIXELS
    assert side * side == INLINE_MAX_PIXELS
    inline, fanned = split_inline((RenditionSpec("square", side),), Size(side, side))
    assert len(inline) == 1 and fanned == ()
    inline, fanned = split_inline((RenditionSpec("square", side + 1),), Size(side + 1, side + 1))
    assert inline == () and len(fanned) == 1
