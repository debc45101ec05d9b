"""Types shared by ingestion, storage and the APIs: label sets, matchers and sample batches."""
