"""Face-pay without any face library: the engine's result types, the gallery matcher, the policy, liveness."""
