package dev.sim4j.engine.reference;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.DType;
import dev.sim4j.engine.conformance.BackendConformanceSuite;
import java.util.List;

/** The conformance suite on the reference itself in F32: the float path of the oracle against its double path. */
class ScalarF32ConformanceTest extends BackendConformanceSuite {
    @Override
    protected List<Backend> candidates() {
        return List.of(new ScalarBackend(DType.F32));
    }

    @Override
    protected boolean checksIds() {
        return true;
    }
}
