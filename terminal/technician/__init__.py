"""The technician's tools that need no device: the doctor's checks, the PIN lock (the screen's service, which wires
the running terminal, is terminal/app/technician.py).
"""
