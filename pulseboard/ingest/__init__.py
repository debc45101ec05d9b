"""Ingestion: decoders for every wire format, all producing a SampleBatch, and the scrape manager."""
