/**
 * The reference backend: {@link dev.sim4j.engine.reference.ScalarBackend}, plain loops in double over heap tensors,
 * one class per kernel family. The oracle every other backend is tested against.
 */
package dev.sim4j.engine.reference;
