"""The technician's tools: the doctor's checks, the technician screen's service, the PIN lock."""
