"""Simulated hardware that behaves like the real thing on the same ports."""
