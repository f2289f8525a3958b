"""What every libvips call here shares: the hardened module, the time budget, error text.

pyvips is imported lazily: the API Lambda imports chalicelib without the imaging layer.
"""

from __future__ import annotations

import threading
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
    """A wall-clock deadline that kills a libvips computation from a watchdog timer.

    `clock` decides whether the budget is already spent before a computation starts; once one
    runs, a timer sets libvips' kill flag on it when the time left is up, and the sink stops
    at its next tile. A timer rather than libvips' eval signal: that signal calls back into
    Python from libvips' threads on every tile, and a copy_memory() result kept emitting it
    after the callback was gone (a hard crash). Speed is the same either way (a 24 MP
    rendition set: about 305 ms of CPU both ways, within the noise)."""

    def __init__(self, seconds: float, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._deadline = clock() + seconds
        self.expired = False

    def check(self) -> float:
        """Seconds left; raise ProcessingTimeout if the deadline has already passed."""
        left = self._deadline - self._clock()
        if left <= 0:
            raise ProcessingTimeout("processing budget spent before pixel work")
        return left

    def run(self, image: Any, sink: Callable[[Any], T]) -> T:
        """Compute `sink(image)`, killing it once the deadline passes."""
        left = self.check()
        # Kill a throwaway view, never `image` itself: an image that outlives this call (a
        # master reused for several renditions) must not stay killed.
        watched = image.copy()
        watchdog = threading.Timer(left, self._kill, (watched,))
        watchdog.daemon = True
        watchdog.start()
        try:
            return sink(watched)
        except pyvips_module().Error as exc:
            if self.expired:
                raise ProcessingTimeout("processing budget exceeded") from exc
            raise
        finally:
            watchdog.cancel()

    def materialize(self, image: Any) -> Any:
        """Compute `image` into memory, within the budget."""
        return self.run(image, lambda im: im.copy_memory())

    def _kill(self, image: Any) -> None:
        self.expired = True
        image.set_kill(True)


def error_summary(exc: Exception) -> str:
    """The libvips error on one short line, for the rejection detail."""
    return " | ".join(line.strip() for line in str(exc).splitlines() if line.strip())[:300]
