package dev.sim4j.train;

import dev.sim4j.data.dataset.Batch;
import dev.sim4j.data.dataset.BatchOptions;
import dev.sim4j.data.dataset.BatchPipeline;
import dev.sim4j.data.dataset.Dataset;
import dev.sim4j.engine.Backend;
import dev.sim4j.engine.DType;
import dev.sim4j.engine.RecordedWork;
import dev.sim4j.engine.Tensor;
import dev.sim4j.engine.TensorScope;
import dev.sim4j.model.params.Parameter;
import dev.sim4j.model.sim.CtrModel;
import dev.sim4j.model.sim.ForwardPass;
import dev.sim4j.model.sim.ModelInput;
import dev.sim4j.model.sim.ModelOutput;
import dev.sim4j.model.sim.ModelType;
import dev.sim4j.train.optim.LazyAdam;
import dev.sim4j.train.optim.LossScaleOptimizer;
import dev.sim4j.train.optim.Optimizer;
import dev.sim4j.train.report.MetricsLog;
import dev.sim4j.train.report.StepRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Trains a model on a mapping's rows: per batch, zero the gradients, forward, backward, one optimizer update. Rows
 * are read in file order and, by default, the last incomplete batch is dropped, as in the reference's training; kept,
 * it is trained as one smaller step (the mean loss over its own rows). With the same seed, data and
 * thread-count-independent backend the weights come out bit-identical. A loss that is not finite stops the epoch at
 * once ({@link TrainingDivergedException}).
 */
public final class Trainer {
    /** Default rows per forward/backward pass: a step's temporaries take about 0.3 MB per row for SIM. */
    public static final int DEFAULT_MICRO_BATCH = 4096;

    private final CtrModel model;
    /** Dynamic loss scaling's scale (F32 [1]) when the optimizer scales the loss, else null. */
    private final Tensor lossScale;
    private final Optimizer optimizer;
    private final Backend backend;
    private final BatchTensors tensors;
    private final int microBatch;
    private final PhaseClock clock = new PhaseClock();
    /** Gradient sums over the micro-batches of a step; allocated (outside any scope) on the first split step. */
    private List<Tensor> gradientSums;
    /** Steps taken, I32 [1] on the device: dropout draws from it, and a replayed step advances it without the host. */
    private final Tensor stepCounter;
    /**
     * Record whole steps and replay them where the backend can (see {@link #recordSteps(boolean)}); on by default,
     * the backend deciding (the CUDA backend records unless {@code --no-cuda-graphs}, the others never).
     */
    private boolean recordSteps = true;
    /** Inputs stepped once (candidates for recording at their next step), newest last. */
    private final List<ModelInput> seenOnce = new ArrayList<>();
    /** Background threads reading host batches (BatchOptions.readers). */
    private int hostReaders = 1;
    /** The store batches are built from on the backend, when a mapping is rebuilt from it; else null. */
    private ResidentSequences resident;
    private ResidentSequences.Inputs residentInputs;
    /** Recorded steps by input, newest last; at most {@link #MAX_RECORDINGS}. */
    private final List<RecordedStep> recordings = new ArrayList<>();

    /** A step recorded on one input's tensors, and the output its replays fill. */
    private record RecordedStep(ModelInput input, RecordedWork work, ModelOutput output) {
    }

    /**
     * Recordings kept: the two input sets of double buffering, an epoch's last smaller batch, the benchmark's eight
     * preloaded batches. They share their temporaries on the device, so more recordings cost little memory.
     */
    private static final int MAX_RECORDINGS = 8;

    /**
     * Cumulative wall time of the phases of {@link #step}, in nanoseconds. The CPU backends run every kernel before
     * returning, so host timestamps around each phase measure it.
     *
     * @param forward   model forward passes (losses included)
     * @param backward  model backward passes, plus the micro-batch gradient sums
     * @param optimizer optimizer updates (gradient zeroing included)
     * @param steps     steps timed
     */
    public record PhaseTimes(long forward, long backward, long optimizer, long steps) {
    }

    /** Accumulates {@link PhaseTimes}. */
    private static final class PhaseClock {
        long forward;
        long backward;
        long optimizer;
        long steps;
    }

    /**
     * What one epoch did.
     *
     * @param steps                  optimizer steps taken
     * @param samples                rows trained on
     * @param seconds                wall time
     * @param meanTotalLoss          mean of the per-batch total losses (the reference's reported loss)
     * @param meanClassificationLoss mean of the per-batch classification losses
     * @param meanAuxLoss            mean of the per-batch auxiliary losses (0 for DIN)
     * @param stepMillis             wall time of each step, in order
     */
    public record EpochResult(long steps, long samples, double seconds, double meanTotalLoss,
                              double meanClassificationLoss, double meanAuxLoss, double[] stepMillis) {
        public double samplesPerSecond() {
            return seconds > 0 ? samples / seconds : 0;
        }
    }

    /**
     * Told after each training step of an epoch, on the training thread (keep it cheap: it runs inside the timed
     * epoch). Used for the terminal progress bar ({@link EpochProgress}); the Trainer itself writes nothing.
     */
    @FunctionalInterface
    public interface StepListener {
        /** Does nothing. */
        StepListener NONE = (steps, samples, meanTotalLoss, samplesPerSecond) -> { };

        /**
         * @param steps            optimizer steps done so far in this epoch (1, 2, ...)
         * @param samples          rows trained on so far in this epoch
         * @param meanTotalLoss    mean of the per-batch total losses so far in this epoch
         * @param samplesPerSecond {@code samples} over the wall time since the epoch started (data loading included)
         */
        void stepDone(long steps, long samples, double meanTotalLoss, double samplesPerSecond);
    }

    public Trainer(CtrModel model, Optimizer optimizer) {
        this(model, optimizer, DEFAULT_MICRO_BATCH);
    }

    /**
     * A trainer that runs each step's batch through the model in micro-batches of at most {@code microBatch} rows and
     * averages their gradients weighted by their row counts: the gradient of the whole batch's mean loss, up to float
     * summation order. This is how the reference's global batch of 131,072 rows fits in memory on one machine.
     */
    public Trainer(CtrModel model, Optimizer optimizer, int microBatch) {
        if (microBatch < 1) {
            throw new IllegalArgumentException("the micro-batch size must be at least 1, not " + microBatch);
        }
        this.model = model;
        this.optimizer = optimizer;
        this.microBatch = microBatch;
        this.backend = model.parameters().all().getFirst().value().backend();
        this.tensors = new BatchTensors(backend, model.config().historyLength());
        this.stepCounter = backend.zeros(DType.I32, 1);
        if (backend.activationType() == DType.F16 && !(optimizer instanceof LossScaleOptimizer)) {
            throw new IllegalArgumentException("float16 activations need dynamic loss scaling: wrap the optimizer "
                    + "in LossScaleOptimizer (LossScaleOptimizer.whereNeeded does)");
        }
        // The optimizer's moments must exist before the first step's scope opens, or they would be recycled with it.
        optimizer.state(model.parameters());
        this.lossScale = optimizer instanceof LossScaleOptimizer scaled ? scaled.scale(model.parameters()) : null;
    }

    /**
     * One training step on a batch already on the backend. The step's temporaries live in one {@link TensorScope}, so
     * the returned output's losses tensor is valid (the model's own, until its next forward) but its logit tensors
     * are not (they may be reused by the next step; they are null when the batch ran in several micro-batches).
     * Nothing is read back from the device: the losses stay there until the caller reads them.
     */
    public ModelOutput step(ModelInput input) {
        boolean whole = input.batch() <= microBatch;
        if (recordSteps && whole && optimizer.replayable()) {
            for (RecordedStep r : recordings) {
                if (r.input() == input) {
                    r.work().replay();
                    clock.steps++;
                    return r.output();
                }
            }
            if (seenOnce.removeIf(seen -> seen == input)) {
                ModelOutput[] out = new ModelOutput[1];
                Optional<RecordedWork> work = backend.recordAndRun(() -> out[0] = eagerStep(input));
                if (work.isPresent()) {
                    recordings.add(new RecordedStep(input, work.get(), out[0]));
                    if (recordings.size() > MAX_RECORDINGS) {
                        recordings.removeFirst().work().close();
                    }
                }
                return out[0];
            }
            seenOnce.add(input);
            if (seenOnce.size() > MAX_RECORDINGS) {
                seenOnce.removeFirst();
            }
        }
        return eagerStep(input);
    }

    /**
     * Records whole steps and replays them where the backend can (CUDA graphs; ignored elsewhere): an input's second
     * step (the same {@link ModelInput} object, as {@link BatchTensors} hands out its two sets in turn) is recorded,
     * later steps on it replay the recording, which reads whatever the input tensors then hold. Only for steps of one
     * micro-batch and an optimizer whose state lives on the device ({@link Optimizer#replayable()}); replayed steps
     * do not add to {@link #phaseTimes()}' forward, backward and optimizer clocks. On by default (a backend that does
     * not record just runs the step); off turns recording off and frees the recordings.
     */
    public Trainer recordSteps(boolean on) {
        recordSteps = on;
        if (!on) {
            recordings.forEach(r -> r.work().close());
            recordings.clear();
            seenOnce.clear();
        }
        return this;
    }

    /**
     * Reads host batches (mappings the resident store does not hold) on {@code threads} background threads instead of
     * one (the same batches; see {@link BatchOptions#readers()}): for a GPU, which consumes rows faster than one thread
     * decodes them.
     */
    public Trainer hostReaders(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("reader threads must be at least 1, not " + threads);
        }
        hostReaders = threads;
        return this;
    }

    /**
     * Builds the batches of the mappings {@code store} holds on the backend, from row numbers
     * ({@link ResidentSequences}), instead of reading them on the host and uploading them: the same rows, so the same
     * weights, without the host's per-row work. Null goes back to the host pipeline. The store must outlive this
     * trainer's epochs.
     */
    public Trainer residentInput(ResidentSequences store) {
        if (residentInputs != null) {
            residentInputs.close();
        }
        resident = store;
        residentInputs = store == null ? null : store.inputs();
        return this;
    }

    private ModelOutput eagerStep(ModelInput input) {
        int rows = input.batch();
        int parts = (rows + microBatch - 1) / microBatch;
        List<Parameter> params = model.parameters().all();
        if (parts > 1 && gradientSums == null) {
            gradientSums = new ArrayList<>();
            for (Parameter p : params) {
                gradientSums.add(backend.zeros(p.grad().dtype(), p.grad().shape()));
            }
        }
        try (TensorScope scope = backend.openScope()) {
            long t0 = System.nanoTime();
            zeroGradients(params);
            backend.increment(stepCounter);
            clock.optimizer += System.nanoTime() - t0;
            ModelOutput out;
            if (parts == 1) {
                out = forwardBackward(input, ForwardPass.whole(stepCounter, lossScale));
            } else {
                Tensor losses = null;
                for (Tensor sum : gradientSums) {
                    backend.fill(sum, 0);
                }
                for (int i = 0; i < parts; i++) {
                    int from = (int) ((long) i * rows / parts);
                    int to = (int) ((long) (i + 1) * rows / parts);
                    double weight = (double) (to - from) / rows;
                    if (i > 0) {
                        zeroGradients(params);
                    }
                    ModelOutput o;
                    // Each micro-batch's temporaries are freed for the next one.
                    // Each micro-batch adds its weighted losses into the model's losses tensor, on the device.
                    try (TensorScope micro = backend.openScope()) {
                        o = forwardBackward(input.rows(from, to), new ForwardPass(stepCounter, i, weight, i > 0,
                                lossScale));
                    }
                    long t1 = System.nanoTime();
                    for (int k = 0; k < params.size(); k++) {
                        backend.axpy(weight, params.get(k).grad(), gradientSums.get(k));
                    }
                    clock.backward += System.nanoTime() - t1;
                    losses = o.losses();
                }
                for (int k = 0; k < params.size(); k++) {
                    backend.copy(gradientSums.get(k), params.get(k).grad());
                }
                out = new ModelOutput(null, null, losses);
            }
            long t2 = System.nanoTime();
            Optimizer updates = optimizer instanceof LossScaleOptimizer scaled ? scaled.inner() : optimizer;
            if (updates instanceof LazyAdam lazy) {
                lazy.setTouchedRows(touchedRows(input));
            }
            optimizer.step(model.parameters());
            clock.optimizer += System.nanoTime() - t2;
            clock.steps++;
            return out;
        }
    }

    private void zeroGradients(List<Parameter> params) {
        for (Parameter p : params) {
            backend.fill(p.grad(), 0);
        }
    }

    private ModelOutput forwardBackward(ModelInput input, ForwardPass pass) {
        long t0 = System.nanoTime();
        ModelOutput out = model.forward(input, pass);
        long t1 = System.nanoTime();
        model.backward();
        clock.forward += t1 - t0;
        clock.backward += System.nanoTime() - t1;
        return out;
    }

    /** The wall time spent in each phase of every step since this trainer was made. */
    public PhaseTimes phaseTimes() {
        return new PhaseTimes(clock.forward, clock.backward, clock.optimizer, clock.steps);
    }

    /** The rows of each embedding table this batch looked up (lazy Adam updates only those). */
    private Map<String, LazyAdam.TouchedRows> touchedRows(ModelInput in) {
        var params = model.parameters();
        return Map.of(
                "embedding.user", LazyAdam.touchedRows(params.get("embedding.user").value(), List.of(in.uid())),
                "embedding.item", LazyAdam.touchedRows(params.get("embedding.item").value(),
                        List.of(in.targetItem(), in.historyItems(), in.negativeItems())),
                "embedding.category", LazyAdam.touchedRows(params.get("embedding.category").value(),
                        List.of(in.targetCategory(), in.historyCategories(), in.negativeCategories())));
    }

    /**
     * Trains one epoch over {@code mapping} in batches of {@code batchSize} (the last incomplete one dropped), logging
     * every {@code logEvery}-th step to {@code log} (may be null). {@code firstStep} numbers the steps globally.
     */
    public EpochResult trainEpoch(Dataset dataset, String mapping, int batchSize, int epoch, long firstStep,
                                  MetricsLog log, int logEvery) {
        return trainEpoch(dataset, mapping, batchSize, epoch, firstStep, log, logEvery, StepListener.NONE);
    }

    /**
     * As {@link #trainEpoch(Dataset, String, int, int, long, MetricsLog, int)}, telling {@code listener} (may be null)
     * after every step how far the epoch has got.
     */
    public EpochResult trainEpoch(Dataset dataset, String mapping, int batchSize, int epoch, long firstStep,
                                  MetricsLog log, int logEvery, StepListener listener) {
        return trainEpoch(dataset, mapping, batchSize, true, epoch, firstStep, log, logEvery, listener);
    }

    /**
     * As {@link #trainEpoch(Dataset, String, int, int, long, MetricsLog, int, StepListener)}; with
     * {@code dropRemainder} false the last incomplete batch is trained too, as a smaller step.
     *
     * <p>The loss of every {@code logEvery}-th step, the value read for the log, is checked: NaN or infinite throws
     * {@link TrainingDivergedException} before that step is logged, so the log and the checkpoints hold only finite
     * losses. Checking only the logged value keeps the check free where reading a loss costs a device round trip.
     */
    public EpochResult trainEpoch(Dataset dataset, String mapping, int batchSize, boolean dropRemainder, int epoch,
                                  long firstStep, MetricsLog log, int logEvery, StepListener listener) {
        StepListener progress = listener != null ? listener : StepListener.NONE;
        long start = System.nanoTime();
        long steps = 0;
        long samples = 0;
        double total = 0;
        double classification = 0;
        double aux = 0;
        double[] millis = new double[16];
        boolean hasAux = model.config().type() != ModelType.DIN;
        // The losses stay on the device: [0, 2) the last step's, [2, 4) their sums since the last read. They are read
        // once per logged step, after it, in one transfer; the sums since then are added on the host in double.
        Tensor unread = backend.zeros(backend.floatType(), 4);
        Tensor lastLosses = unread.rows(0, 2);
        Tensor sums = unread.rows(2, 4);
        long unreadSteps = 0;
        long readSteps = 0;
        try (EpochInputs batches = epochInputs(dataset, mapping, batchSize, dropRemainder)) {
            while (batches.hasNext()) {
                batches.advance();
                // Timed from the batch's arrival: its upload (or building on the device) and the step.
                long t0 = System.nanoTime();
                ModelInput input = batches.input();
                int size = input.batch();
                ModelOutput out = step(input);
                double ms = (System.nanoTime() - t0) / 1e6;
                if (steps == millis.length) {
                    millis = Arrays.copyOf(millis, millis.length * 2);
                }
                millis[(int) steps] = ms;
                steps++;
                samples += size;
                backend.copy(out.losses(), lastLosses);
                backend.axpy(1, out.losses(), sums);
                unreadSteps++;
                if (steps % logEvery == 0) {
                    float[] l = backend.toFloats(unread);
                    // The loss read for the log is the divergence check: no extra device round trip.
                    if (!Double.isFinite(ModelOutput.total(l))) {
                        throw new TrainingDivergedException(firstStep + steps, epoch, ModelOutput.total(l));
                    }
                    classification += l[2];
                    aux += l[3];
                    total += (double) l[2] + l[3];
                    readSteps += unreadSteps;
                    unreadSteps = 0;
                    backend.fill(sums, 0);
                    if (log != null) {
                        log.write(new StepRecord(firstStep + steps, epoch, l[0], hasAux ? (double) l[1] : null,
                                ModelOutput.total(l), size / (ms / 1000)));
                    }
                }
                double elapsed = (System.nanoTime() - start) / 1e9;
                progress.stepDone(steps, samples, total / Math.max(1, readSteps),
                        elapsed > 0 ? samples / elapsed : 0);
            }
        }
        if (unreadSteps > 0) {
            float[] l = backend.toFloats(unread);
            classification += l[2];
            aux += l[3];
            total += (double) l[2] + l[3];
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double n = Math.max(1, steps);
        return new EpochResult(steps, samples, seconds, total / n, classification / n, aux / n,
                Arrays.copyOf(millis, (int) steps));
    }

    /** An epoch's batches, on the backend. */
    private interface EpochInputs extends AutoCloseable {
        boolean hasNext();

        /** Moves to the next batch (waiting for the data pipeline where there is one). */
        void advance();

        /** The current batch's input (built or uploaded, queued). */
        ModelInput input();

        @Override
        void close();
    }

    /**
     * Rows [k B, (k + 1) B) per batch k, in mapping order, the last incomplete batch dropped or kept: built on the
     * backend when the resident store holds the mapping, else read by the data pipeline and uploaded.
     */
    private EpochInputs epochInputs(Dataset dataset, String mapping, int batchSize, boolean dropRemainder) {
        if (resident != null && resident.holds(mapping)) {
            int rows = resident.rows(mapping);
            int batches = dropRemainder ? rows / batchSize : (rows + batchSize - 1) / batchSize;
            return new EpochInputs() {
                private int k = -1;

                @Override
                public boolean hasNext() {
                    return k + 1 < batches;
                }

                @Override
                public void advance() {
                    k++;
                }

                @Override
                public ModelInput input() {
                    long first = (long) k * batchSize;
                    int size = (int) Math.min(batchSize, rows - first);
                    return residentInputs.batch(mapping, first, 1, size);
                }

                @Override
                public void close() {
                }
            };
        }
        BatchPipeline pipeline = dataset.batches(mapping,
                BatchOptions.of(batchSize).dropRemainder(dropRemainder).readers(hostReaders));
        return new EpochInputs() {
            private Batch batch;

            @Override
            public boolean hasNext() {
                return pipeline.hasNext();
            }

            @Override
            public void advance() {
                batch = pipeline.next();
            }

            @Override
            public ModelInput input() {
                return tensors.upload(batch);
            }

            @Override
            public void close() {
                pipeline.close();
            }
        };
    }
}
