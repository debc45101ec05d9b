"""The JSON samples format, for scripts: {"samples": [{"metric", "labels", "value", "timestamp"}]}.

`timestamp` is Unix seconds (a number) or RFC 3339 text; without it the sample is stamped with the
time of the request.
"""

from __future__ import annotations

import math
from datetime import datetime

from pydantic import BaseModel, Field, ValidationError, field_validator

from pulseboard.ingest.errors import IngestError
from pulseboard.model.samples import BatchBuilder, SampleBatch


class JSONSample(BaseModel):
    model_config = {"extra": "forbid"}

    metric: str = Field(min_length=1)
    labels: dict[str, str] = Field(default_factory=dict)
    value: float
    timestamp: float | datetime | None = None

    @field_validator("value", mode="before")
    @classmethod
    def _special_values(cls, value: object) -> object:
        # JSON has no NaN or infinities; accept them spelled as Prometheus spells them.
        if isinstance(value, str) and value in ("NaN", "+Inf", "-Inf", "Inf"):
            return float(value.replace("Inf", "inf").replace("NaN", "nan"))
        return value

    def timestamp_ms(self, default_ms: int) -> int:
        if self.timestamp is None:
            return default_ms
        if isinstance(self.timestamp, datetime):
            return round(self.timestamp.timestamp() * 1000)
        if not math.isfinite(self.timestamp):
            raise IngestError(f"timestamp {self.timestamp} is not a finite number")
        return round(self.timestamp * 1000)


class JSONSamples(BaseModel):
    model_config = {"extra": "forbid"}

    samples: list[JSONSample]


def decode_json_samples(body: bytes, default_timestamp_ms: int) -> SampleBatch:
    try:
        request = JSONSamples.model_validate_json(body)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}" for error in exc.errors()
        )
        raise IngestError(f"invalid JSON samples: {problems}") from exc
    builder = BatchBuilder()
    for sample in request.samples:
        if "__name__" in sample.labels:
            raise IngestError("give the metric name as 'metric', not as a __name__ label")
        labels = (("__name__", sample.metric), *sorted(sample.labels.items()))
        builder.add(labels, sample.timestamp_ms(default_timestamp_ms), sample.value)
    return builder.build()
