// Dense algebra, activations, shape ops and the small device-side helpers of ADR 0006 (dropout mask, masked-mean weights, broadcast over time).
