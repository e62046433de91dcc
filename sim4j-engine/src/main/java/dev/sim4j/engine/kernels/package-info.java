/**
 * The kernel set of {@link dev.sim4j.engine.Backend}, split by family (dense algebra, embeddings, attention and
 * selection, recurrent cells, losses, optimizers), plus what every backend shares: the shape checks
 * ({@link dev.sim4j.engine.kernels.Shapes}) and the counter-based generator dropout draws from
 * ({@link dev.sim4j.engine.kernels.CounterRandom}). See docs/adr/0006-device-ready-backend.md.
 */
package dev.sim4j.engine.kernels;
