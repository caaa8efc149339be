"""The test broker is the package's own Mosquitto process wrapper (the bench uses it too)."""
from sync.broker_process import MosquittoBroker, find_mosquitto, free_port

__all__ = ["MosquittoBroker", "find_mosquitto", "free_port"]
