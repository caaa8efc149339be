"""Real hardware behind the terminal ports (camera, code decoding, serial scanner, ESC/POS printer, face engine)."""
