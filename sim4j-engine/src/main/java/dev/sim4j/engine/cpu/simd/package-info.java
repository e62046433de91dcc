/**
 * The only code of the CPU backend that touches the Vector API ({@code jdk.incubator.vector}): pure kernels over
 * {@code float[]} arrays with offsets, called by {@link dev.sim4j.engine.cpu.CpuBackend}, which owns validation,
 * views and threading. Every kernel is tested against {@link dev.sim4j.engine.reference.ScalarBackend}.
 */
package dev.sim4j.engine.cpu.simd;
