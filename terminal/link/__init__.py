"""What the terminal knows of its link to the cloud: signed event envelopes, its signing keys, what a refusal
means, the offline banner.
"""
