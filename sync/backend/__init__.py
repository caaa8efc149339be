"""The reference cloud backend: the event store, ingest workers on a shared subscription, and the service."""
