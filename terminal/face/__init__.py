"""Face-pay without any face library: the engine's result types, the gallery matcher, the policy, liveness, image
limits, encrypted templates (vault) and the face-pay flow.
"""
