"""The application layer: the composition root (bootstrap), the device factories (devices), the CLI and its
commands, the demo. The only part of terminal/ that may import drivers/, sync/, simulators/, ui/ or bench/."""
