"""What every libvips call here shares: the hardened module, the time budget, error text.

pyvips is imported lazily: the API Lambda imports chalicelib without the imaging layer.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any, TypeVar

from chalicelib.domain.errors import ProcessingTimeout

T = TypeVar("T")


@lru_cache(maxsize=1)
def pyvips_module() -> Any:
    """Import and harden pyvips once per process."""
    import pyvips

    pyvips.block_untrusted_set(True)
    # One image per invocation: the operation cache would only pin 50 MB inputs in memory.
    pyvips.cache_set_max(0)
    return pyvips


class Budget:
    """A wall-clock deadline that kills a libvips computation through its eval signal.

    Checked once per computed tile, so one tile's work can overshoot it."""

    def __init__(self, seconds: float, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._deadline = clock() + seconds
        self.expired = False

    def check(self) -> None:
        """Raise ProcessingTimeout if the deadline has already passed."""
        if self._clock() >= self._deadline:
            raise ProcessingTimeout("processing budget spent before pixel work")

    def run(self, image: Any, sink: Callable[[Any], T]) -> T:
        """Compute `sink(image)`, killing it once the deadline passes."""
        self.check()
        # Watch a throwaway view, never `image` itself: an image that outlives this call
        # (a master reused for several renditions) must not carry a stale deadline.
        watched = image.copy()
        watched.set_progress(True)
        watched.signal_connect("eval", self._on_eval)
        try:
            return sink(watched)
        except pyvips_module().Error as exc:
            if self.expired:
                raise ProcessingTimeout("processing budget exceeded") from exc
            raise

    def materialize(self, image: Any) -> Any:
        """Compute `image` into a fresh in-memory image with nothing upstream.

        copy_memory() would do the work too, but its result keeps pointing at the image whose
        eval signal the budget connected, and libvips emits that signal again whenever the
        copy feeds a later pipeline: by then the Python callback may be gone (a hard crash,
        "ffi.from_handle() ... points to garbage"). A plain buffer has no such past."""
        pixels = self.run(image, lambda im: im.write_to_memory())
        clean = pyvips_module().Image.new_from_memory(
            pixels, image.width, image.height, image.bands, image.format
        )
        return clean.copy(interpretation=image.interpretation)

    def _on_eval(self, image: Any, _progress: Any) -> None:
        if not self.expired and self._clock() >= self._deadline:
            self.expired = True
            image.set_kill(True)


def error_summary(exc: Exception) -> str:
    """The libvips error on one short line, for the rejection detail."""
    return " | ".join(line.strip() for line in str(exc).splitlines() if line.strip())[:300]
