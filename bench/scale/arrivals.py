"""When uploads arrive: a day's traffic peaks `peak_to_mean` times above its mean (a von Mises
bump over 24 hours), sampled by thinning a Poisson process, plus one contributor's burst."""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from functools import lru_cache

from bench.scale.params import DAY, Traffic


def bessel_i0(k: float) -> float:
    """The modified Bessel function I0 (the mean of exp(k cos t) over a period), by its series."""
    total, term, n = 1.0, 1.0, 1
    while term > 1e-12 * total:
        term *= (k / (2 * n)) ** 2
        total, n = total + term, n + 1
    return total


@lru_cache(maxsize=64)
def concentration(peak_to_mean: float) -> float:
    """The k whose exp(k) / I0(k) is `peak_to_mean` (1 is a flat day), by bisection."""
    if peak_to_mean <= 1.0:
        return 0.0
    low, high = 0.0, 50.0
    for _ in range(80):
        middle = (low + high) / 2
        if math.exp(middle) / bessel_i0(middle) < peak_to_mean:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def rate_at(traffic: Traffic, seconds_from_peak: float) -> float:
    """Uploads per second at a moment of the day, counted from its peak."""
    mean = traffic.uploads_per_day / DAY
    k = concentration(traffic.peak_to_mean)
    shape = math.exp(k * math.cos(2 * math.pi * seconds_from_peak / DAY)) / bessel_i0(k)
    return mean * shape


def peak_rate(traffic: Traffic) -> float:
    """Uploads per second at the top of the day."""
    return rate_at(traffic, 0.0)


def steady(traffic: Traffic, rng: random.Random) -> Iterator[float]:
    """Arrival times in [0, window): the window ends a quarter of it after the day's peak."""
    start = -0.75 * traffic.window_seconds
    top = max(rate_at(traffic, start), peak_rate(traffic))
    now = 0.0
    while True:
        now += rng.expovariate(top)
        if now >= traffic.window_seconds:
            return
        if rng.random() * top <= rate_at(traffic, start + now):
            yield now


def burst(traffic: Traffic, starts_at: float) -> list[float]:
    """One contributor's `burst_photos`, landing evenly over `burst_seconds` from `starts_at`."""
    step = traffic.burst_seconds / max(1, traffic.burst_photos)
    return [starts_at + i * step for i in range(traffic.burst_photos)]


def megapixels(traffic: Traffic, rng: random.Random) -> float:
    """A photo size drawn from the traffic's mix."""
    sizes = [size for size, _ in traffic.megapixels]
    weights = [weight for _, weight in traffic.megapixels]
    return float(rng.choices(sizes, weights)[0])
