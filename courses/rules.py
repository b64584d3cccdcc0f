"""Catalogue rules as plain functions."""
import math


def credit_tenths(total_seconds: float, minutes_per_hour: int) -> int:
    """A course's 学时 in tenths: floor(10 × duration / U), U = minutes_per_hour × 60 s."""
    unit = minutes_per_hour * 60
    return math.floor(10 * total_seconds / unit + 1e-9)
