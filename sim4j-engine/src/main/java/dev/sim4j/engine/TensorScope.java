package dev.sim4j.engine;

/**
 * The lifetime of a step's temporaries: float tensors a backend allocates while a scope is open may have their memory
 * handed out again once the scope closes. A training or inference step runs inside one, so the next step reuses the
 * same buffers instead of allocating about a gigabyte afresh. Whatever must outlive the step (parameters, optimizer
 * state, tensors the caller keeps) is allocated before the scope opens, or copied to the host before it closes.
 * Scopes nest; closing is idempotent.
 */
public interface TensorScope extends AutoCloseable {
    /** A scope that recycles nothing (backends that allocate fresh memory every time). */
    TensorScope NONE = () -> { };

    @Override
    void close();
}
