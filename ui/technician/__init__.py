"""The technician screen."""
