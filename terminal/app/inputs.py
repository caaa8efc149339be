"""Code inputs of a kiosk (serial scanner, camera), built from config: see terminal/app/devices.py."""
from terminal.app.devices import start_code_inputs

__all__ = ["start_code_inputs"]
