"""The customer's face-pay screen."""
