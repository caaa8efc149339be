"""The Kivy kiosk: one screen.py + screen.kv pair per screen."""
