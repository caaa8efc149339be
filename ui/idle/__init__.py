"""The idle screen."""
