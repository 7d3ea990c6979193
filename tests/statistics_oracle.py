"""The data contract's statistics in plain Python, written from their published definitions and independent of the
pipeline: the oracle the property tests compare the marts with."""

import math

Z = 1.959964


def wilson(k: int, n: int) -> tuple[float, float]:
    """The 95 % Wilson score interval, rounded to 12 decimals as published; exactly 0 and 1 at k = 0 and k = n."""
    p = k / n
    centre, half = p + Z * Z / (2 * n), Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    low = 0.0 if k == 0 else round((centre - half) / (1 + Z * Z / n), 12)
    high = 1.0 if k == n else round((centre + half) / (1 + Z * Z / n), 12)
    return low, high


def newcombe(k1: int, n1: int, k0: int, n0: int) -> tuple[float, float, float]:
    """The change from k0/n0 to k1/n1 and Newcombe's hybrid score interval (1998, method 10), to 12 decimals."""
    p1, p0 = k1 / n1, k0 / n0
    (l1, u1), (l0, u0) = wilson(k1, n1), wilson(k0, n0)
    low = p1 - p0 - math.sqrt((p1 - l1) ** 2 + (u0 - p0) ** 2)
    high = p1 - p0 + math.sqrt((u1 - p1) ** 2 + (p0 - l0) ** 2)
    return round(p1 - p0, 12), round(low, 12), round(high, 12)


def direction(low: float, high: float) -> str:
    return "up" if low > 0 else "down" if high < 0 else "not_different"
