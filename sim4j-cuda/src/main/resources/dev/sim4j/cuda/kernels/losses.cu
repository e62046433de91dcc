// The losses (written into device tensors, ADR 0006) and deterministic sums.
