"""Errors a sender causes; the API turns them into a 4xx answer and stores nothing."""


class IngestError(ValueError):
    """A request that cannot be decoded or violates a limit; nothing of it is stored."""

    status_code = 400


class UnsupportedMediaTypeError(IngestError):
    status_code = 415


class PayloadTooLargeError(IngestError):
    status_code = 413
