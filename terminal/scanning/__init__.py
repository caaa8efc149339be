"""Scanning codes without any device library: decoded values, de-duplication across frames, routing of scanned
texts, the latest camera frame.
"""
