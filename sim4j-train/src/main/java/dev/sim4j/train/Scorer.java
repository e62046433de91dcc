package dev.sim4j.train;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.RecordedWork;
import dev.sim4j.engine.Tensor;
import dev.sim4j.engine.TensorScope;
import dev.sim4j.model.sim.CtrModel;
import dev.sim4j.model.sim.ModelInput;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A model's inference pass over batches already on its backend, recorded and replayed where the backend can (CUDA
 * graphs), as {@link Trainer} does for training steps: an input's second pass (the same {@link ModelInput} object, as
 * {@link BatchTensors} hands out its two sets in turn) is recorded, later passes on it replay the recording. The
 * logits land in a tensor of the scorer's own per input, valid until that input is scored again.
 */
public final class Scorer implements AutoCloseable {
    /** Recordings kept (they share their temporaries on the device). */
    private static final int MAX_RECORDINGS = 8;

    private final CtrModel model;
    private final Backend backend;
    private final List<ModelInput> seenOnce = new ArrayList<>();
    private final List<Recorded> recordings = new ArrayList<>();
    private Tensor eagerOut;
    private boolean record = true;

    private record Recorded(ModelInput input, RecordedWork work, Tensor logits) {
    }

    public Scorer(CtrModel model) {
        this.model = model;
        this.backend = model.parameters().all().getFirst().value().backend();
    }

    /** Turns recording off (or on again); off frees the recordings. */
    public Scorer record(boolean on) {
        record = on;
        if (!on) {
            recordings.forEach(r -> r.work().close());
            recordings.clear();
            seenOnce.clear();
        }
        return this;
    }

    /** The logits [B] of {@code input}, queued on the backend (nothing read back). */
    public Tensor score(ModelInput input) {
        if (record) {
            for (Recorded r : recordings) {
                if (r.input() == input) {
                    r.work().replay();
                    return r.logits();
                }
            }
            if (seenOnce.removeIf(seen -> seen == input)) {
                Tensor logits = backend.empty(backend.floatType(), input.batch());
                Optional<RecordedWork> work = backend.recordAndRun(() -> predictInto(input, logits));
                if (work.isPresent()) {
                    recordings.add(new Recorded(input, work.get(), logits));
                    if (recordings.size() > MAX_RECORDINGS) {
                        recordings.removeFirst().work().close();
                    }
                }
                return logits;
            }
            seenOnce.add(input);
            if (seenOnce.size() > MAX_RECORDINGS) {
                seenOnce.removeFirst();
            }
        }
        if (eagerOut == null || eagerOut.size() != input.batch()) {
            eagerOut = backend.empty(backend.floatType(), input.batch());
        }
        predictInto(input, eagerOut);
        return eagerOut;
    }

    /** Frees the recordings. */
    @Override
    public void close() {
        record(false);
    }

    private void predictInto(ModelInput input, Tensor logits) {
        try (TensorScope scope = backend.openScope()) {
            backend.copy(model.predict(input), logits);
        }
    }
}
