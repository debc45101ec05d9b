"""LLM usage: calls, tokens and list-price cost by provider, model and product feature.

Spend is ~$60 on a weekday and ~$35 on a weekend day across all projects, so "cost today" and
"projected month" (~$1,400) are worth a panel and the $50/day warning fires on busy days; a
runaway agent now and then drives a day past the $100 critical threshold.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pulseboard.demo import catalogue as c
from pulseboard.demo.distributions import amounts, observe
from pulseboard.demo.emit import Emitter, LabelValues
from pulseboard.demo.frame import Frame
from pulseboard.demo.incidents import Kind
from pulseboard.demo.projects import PROJECTS, WEIGHTS

CALLS_PER_SECOND = 0.024  # at the largest project's weekday peak
# Agents and scheduled jobs call models round the clock, not only while people work.
BACKGROUND = 0.25
ERROR_SHARE = 0.015


@dataclass(frozen=True)
class Model:
    provider: str
    name: str
    input_price: float  # USD per million tokens
    output_price: float
    median: float  # seconds per call
    sigma: float


@dataclass(frozen=True)
class Feature:
    name: str
    share: float  # of all calls
    input_tokens: float  # mean per call
    output_tokens: float
    models: tuple[tuple[int, float], ...]  # (index into MODELS, share of the feature's calls)


MODELS = (
    Model("anthropic", "claude-sonnet-4", 3.0, 15.0, 6.0, 0.6),
    Model("anthropic", "claude-haiku-3.5", 0.8, 4.0, 2.0, 0.6),
    Model("openai", "gpt-4o", 2.5, 10.0, 5.0, 0.6),
    Model("openai", "gpt-4o-mini", 0.15, 0.6, 1.5, 0.6),
    Model("google", "gemini-1.5-pro", 1.25, 5.0, 5.0, 0.7),
)
FEATURES = (
    Feature("session_agent", 0.5, 6000, 800, ((0, 0.7), (2, 0.3))),
    Feature("test_generation", 0.2, 2500, 1200, ((1, 0.6), (3, 0.4))),
    Feature("code_review", 0.1, 8000, 600, ((0, 0.5), (4, 0.5))),
    Feature("summarization", 0.2, 4000, 300, ((3, 0.7), (1, 0.3))),
)
_RUNAWAY_FEATURE = 0  # a looping agent is a session agent

# One column per (project, feature, model) that is used, and per (project, model) for latency.
_ROWS = [
    (p, f, m, share * FEATURES[f].share)
    for p in range(len(PROJECTS))
    for f, feature in enumerate(FEATURES)
    for m, share in feature.models
]
_ROW_PROJECT = np.array([r[0] for r in _ROWS])
_ROW_FEATURE = np.array([r[1] for r in _ROWS])
_ROW_MODEL = np.array([r[2] for r in _ROWS])
_ROW_SHARE = np.array([r[3] for r in _ROWS])
_ROW_LABELS: list[LabelValues] = [
    (PROJECTS[p].name, MODELS[m].provider, MODELS[m].name, FEATURES[f].name) for p, f, m, _ in _ROWS
]
_INPUT = np.array([f.input_tokens for f in FEATURES])[_ROW_FEATURE]
_OUTPUT = np.array([f.output_tokens for f in FEATURES])[_ROW_FEATURE]
_INPUT_PRICE = np.array([m.input_price for m in MODELS])[_ROW_MODEL] / 1e6
_OUTPUT_PRICE = np.array([m.output_price for m in MODELS])[_ROW_MODEL] / 1e6

_LATENCY_PAIRS = sorted({(p, m) for p, _, m, _ in _ROWS})
_LATENCY_LABELS: list[LabelValues] = [
    (PROJECTS[p].name, MODELS[m].provider, MODELS[m].name) for p, m in _LATENCY_PAIRS
]
# rows -> latency pairs, to add up each model's calls per project
_ROW_TO_PAIR = np.zeros((len(_ROWS), len(_LATENCY_PAIRS)))
for _row, (_project, _feature, _model, _share) in enumerate(_ROWS):
    _ROW_TO_PAIR[_row, _LATENCY_PAIRS.index((_project, _model))] = 1.0
_PAIR_MEDIAN = np.array([MODELS[m].median for _, m in _LATENCY_PAIRS])
_PAIR_SIGMA = np.array([MODELS[m].sigma for _, m in _LATENCY_PAIRS])


def generate(f: Frame, out: Emitter) -> None:
    errors = f.level(Kind.ERROR_BURST)[:, _ROW_PROJECT]
    runaway = f.level(Kind.LLM_RUNAWAY)[:, _ROW_PROJECT]
    level = f.activity + BACKGROUND * WEIGHTS * f.trend
    rate = CALLS_PER_SECOND * level[:, _ROW_PROJECT] * _ROW_SHARE
    rate = rate * np.where(_ROW_FEATURE == _RUNAWAY_FEATURE, runaway, 1.0)

    error_share = np.minimum(ERROR_SHARE * (1.0 + 0.2 * (errors - 1.0)), 0.5)
    succeeded = f.counts(rate * (1.0 - error_share))
    failed = f.counts(rate * error_share)
    calls = np.stack([succeeded, failed], axis=2).reshape(f.steps, -1)
    statuses = [(*v, status) for v in _ROW_LABELS for status in ("success", "error")]
    out.counter(c.LLM_REQUESTS, statuses, calls)

    # Cost is priced from the very tokens written, so cost and token panels always agree.
    input_tokens = amounts(f.rng, succeeded, _INPUT)
    output_tokens = amounts(f.rng, succeeded, _OUTPUT)
    tokens = np.stack([input_tokens, output_tokens], axis=2).reshape(f.steps, -1)
    directions = [(*v, kind) for v in _ROW_LABELS for kind in ("input", "output")]
    out.counter(c.LLM_TOKENS, directions, tokens)
    cost = input_tokens * _INPUT_PRICE + output_tokens * _OUTPUT_PRICE
    out.counter(c.LLM_COST, _ROW_LABELS, cost)

    buckets, sums = observe(
        f.rng,
        (rate @ _ROW_TO_PAIR) * f.dt[:, None],
        np.broadcast_to(_PAIR_MEDIAN, (f.steps, len(_LATENCY_PAIRS))),
        _PAIR_SIGMA,
        c.LLM_LATENCY_BUCKETS,
    )
    out.histogram(c.LLM_DURATION, _LATENCY_LABELS, buckets, sums)
