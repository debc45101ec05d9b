"""Ingestion: decoders for every wire format (each makes a SampleBatch) and the scrape manager."""
