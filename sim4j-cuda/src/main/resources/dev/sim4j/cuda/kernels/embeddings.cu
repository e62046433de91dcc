// Embedding gathers and their deterministic gradient reductions (ids sorted, segments reduced in a fixed order), and the distinct rows a batch touched.
