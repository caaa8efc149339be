"""Staff on the kiosk: the PIN pad, signing in and a manager's approval."""
