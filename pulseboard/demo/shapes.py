"""Load over time: working-day and weekly rhythm, slow trends and smooth drift.

Every shape is a pure function of wall-clock time, so a restarted workload continues the same
curves without having to remember anything, and a backfilled week looks like a lived one.
Times are seconds since the epoch as a (steps,) array; results are (steps, projects).
"""

from __future__ import annotations

import numpy as np

from pulseboard.model.samples import Float64Array

HOUR = 3600.0
DAY = 86400.0
YEAR = 365.25 * DAY

# Monday first. The epoch (1970-01-01) was a Thursday, hence the offset of 3 days below.
_WEEKDAY_FACTOR = np.array([0.95, 1.0, 1.0, 0.97, 0.85, 0.35, 0.3])
_EPOCH_WEEKDAY = 3
_NIGHT = 0.1


def local_hours(t: Float64Array, tz_hours: Float64Array) -> Float64Array:
    return np.asarray(np.mod(t[:, None] / HOUR + tz_hours[None, :], 24.0))


def diurnal(t: Float64Array, tz_hours: Float64Array) -> Float64Array:
    """A working day: quiet nights, a morning ramp, a lunch dip, an evening tail; peak ~1."""
    h = local_hours(t, tz_hours)
    rise = 1.0 / (1.0 + np.exp(-(h - 8.5) / 0.9))
    fall = 1.0 / (1.0 + np.exp((h - 18.5) / 1.3))
    lunch = 1.0 - 0.15 * np.exp(-(((h - 12.75) / 0.6) ** 2))
    evening = 0.12 * np.exp(-(((h - 21.0) / 1.5) ** 2))
    return np.asarray(_NIGHT + (1.0 - _NIGHT) * rise * fall * lunch + evening)


def weekly(t: Float64Array, tz_hours: Float64Array) -> Float64Array:
    days = np.floor(t[:, None] / DAY + tz_hours[None, :] / 24.0).astype(np.int64)
    return np.asarray(_WEEKDAY_FACTOR[(days + _EPOCH_WEEKDAY) % 7])


def trend(t: Float64Array, amplitude: Float64Array, phase: Float64Array) -> Float64Array:
    """A slow yearly swing: up to ~amplitude*50% a month of growth or decline."""
    angle = 2.0 * np.pi * t[:, None] / YEAR + phase[None, :]
    return np.asarray(1.0 + amplitude[None, :] * np.sin(angle))


# Periods chosen not to divide each other, so the drift never visibly repeats.
_WOBBLE_PERIODS = np.array([41 * 60.0, 2.7 * HOUR, 9.3 * HOUR, 3.1 * DAY])
_WOBBLE_AMPLITUDES = np.array([0.05, 0.07, 0.08, 0.06])


def wobble(t: Float64Array, phases: Float64Array) -> Float64Array:
    """Smooth multiplicative drift around 1; `phases` is (projects, 4), fixed per series group."""
    angles = 2.0 * np.pi * t[:, None, None] / _WOBBLE_PERIODS[None, None, :] + phases[None, :, :]
    return np.asarray(np.exp((_WOBBLE_AMPLITUDES * np.sin(angles)).sum(axis=2)))


def trailing_day(t: Float64Array, tz_hours: Float64Array) -> Float64Array:
    """The weekly factor averaged over the trailing 24 hours, as a rolling daily count sees it."""
    today = local_hours(t, tz_hours) / 24.0
    return np.asarray(today * weekly(t, tz_hours) + (1.0 - today) * weekly(t - DAY, tz_hours))


# What a day of `diurnal` averages to: turns a daily total into a peak rate.
DIURNAL_MEAN = float(diurnal(np.arange(0.0, DAY, 60.0), np.zeros(1)).mean())
