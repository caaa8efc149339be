"""The shift screen: open, cash in/out, X report, close with a count (Z report)."""
