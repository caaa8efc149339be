"""Helpers shared by tests: a real Mosquitto broker process on a free loopback port."""
