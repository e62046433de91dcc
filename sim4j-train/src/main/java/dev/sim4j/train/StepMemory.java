package dev.sim4j.train;

import dev.sim4j.data.dataset.Dataset;
import dev.sim4j.model.sim.ModelConfig;
import dev.sim4j.model.sim.ModelType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The heap a training, evaluation or benchmark run needs, estimated from the model's configuration before anything
 * is allocated, so that a run too large for the heap stops at once with the figures and the fix instead of with an
 * {@link OutOfMemoryError} minutes in. {@link #requireFits()} compares the estimate with the JVM's maximum heap.
 *
 * <p>What is live at the peak: the parameters, their gradients (plus the micro-batch gradient sums), the optimizer's
 * moments (Adam and lazy Adam two per parameter, SGD none), the batches held as int columns (the data pipeline's
 * buffers and the copy on the backend), and the temporaries of one forward/backward pass, which the CPU backend keeps
 * for reuse after the pass (ADR 0005): a training pass's stay in the pool while the evaluation after the epoch
 * allocates its own (of its own batch size), so the two add up. The temporaries are listed array by array from the
 * model code, as floats per batch row ({@link Temporaries}); on G1 an array of half a region or more takes whole
 * regions, which is counted too (6 to 15 % more at 4,096 rows). StepMemoryTest checks the result against the heap a
 * step really leaves live for SIM, DIEN and DIN at two batch sizes. The total is then scaled by {@link #HEAP_FACTOR}
 * for the collector's room beyond the live data, calibrated against the smallest {@code -Xmx} real runs survived
 * (docs/training.md).
 *
 * <p>Counts are doubles: a configuration large enough to overflow a long must still compare as too large.
 */
public final class StepMemory {
    /**
     * Heap over live data, for the collector's room: G1 with a live set close to the heap collects in full again and
     * again. In five calibration runs (docs/training.md) the smallest -Xmx that ran was 84 to 97 % of the live
     * estimate, so the estimated heap is 1.2 to 1.4 times what those runs needed.
     */
    static final double HEAP_FACTOR = 1.15;
    /** Over the counted temporaries: the small objects around the arrays, and layer changes not yet counted here. */
    static final double ACTIVATION_MARGIN = 1.1;
    /** The JVM's and the CLI's own heap before the model: picocli, Jackson, the dataset's spec and index. */
    static final long BASE_BYTES = 64L << 20;
    /** Batch buffers of a data pipeline: its prefetch (2) plus the one handed out and the one being filled. */
    static final int PIPELINE_BUFFERS = 4;
    /** Exact AUC keeps a long per scored row in an array that grows by doubling, and sorts a copy: 3 longs a row. */
    static final int EVALUATOR_BYTES_PER_ROW = 24;
    /** Hidden sizes of DIEN's attention MLP, fixed in the reference (DienAttention). */
    private static final int ATTENTION_1 = 80;
    private static final int ATTENTION_2 = 40;
    private static final long GIB = 1L << 30;

    /**
     * The heap a run needs, by part, in bytes, at the run's peak (for training, the larger of the training step and
     * the evaluation after it).
     *
     * @param parameters     model weights
     * @param gradients      their gradients, and the sums over micro-batches when a step runs in several passes
     * @param optimizerState the optimizer's moments
     * @param batches        the batches held as int columns: pipeline buffers and copies on the backend
     * @param activations    the temporaries of the passes whose memory the backend keeps for reuse
     * @param other          scratch arrays of the kernels, lookup indices, the evaluator's scores
     */
    public record Breakdown(double parameters, double gradients, double optimizerState, double batches,
                            double activations, double other) {
        /** Live bytes at the peak. */
        public double total() {
            return parameters + gradients + optimizerState + batches + activations + other;
        }

        /** The heap that holds them, with the collector's share and the JVM's own. */
        public double heap() {
            return total() * HEAP_FACTOR + BASE_BYTES;
        }
    }

    private final String task;
    private final String knob;
    private final ModelConfig config;
    private final String optimizer;
    private final boolean train;
    private final int batch;
    private final int rowsPerPass;
    private final int batchCopies;
    private final int evalBatch;
    private final long[] scoredRows;
    private final boolean keepsScores;

    private StepMemory(String task, String knob, ModelConfig config, String optimizer, boolean train, int batch,
                       int rowsPerPass, int batchCopies, int evalBatch, long[] scoredRows, boolean keepsScores) {
        if (batch < 1 || rowsPerPass < 1 || evalBatch < 0 || Arrays.stream(scoredRows).anyMatch(r -> r < 0)) {
            throw new IllegalArgumentException("batch sizes must be positive: batch " + batch + ", pass "
                    + rowsPerPass + ", evaluation " + evalBatch + ", rows " + Arrays.toString(scoredRows));
        }
        this.task = task;
        this.knob = knob;
        this.config = config;
        this.optimizer = optimizer;
        this.train = train;
        this.batch = batch;
        this.rowsPerPass = Math.min(rowsPerPass, batch);
        this.batchCopies = batchCopies;
        this.evalBatch = evalBatch;
        this.scoredRows = scoredRows.clone();
        this.keepsScores = keepsScores;
    }

    /**
     * A training run ({@link TrainingRun}): steps of {@code globalBatch} rows in passes of {@code microBatch}, then
     * after each epoch evaluations in batches of {@code evalBatch} of mappings of {@code evaluatedRows} rows each
     * (train and test, or test alone with {@code --no-train-eval}; none: no evaluation).
     */
    public static StepMemory training(ModelConfig config, String optimizer, int globalBatch, int microBatch,
                                      int evalBatch, long... evaluatedRows) {
        return new StepMemory("training", "--micro-batch-size", config, optimizer, true, globalBatch, microBatch,
                PIPELINE_BUFFERS + 1, evaluatedRows.length == 0 ? 0 : evalBatch, evaluatedRows, true);
    }

    /**
     * The training run {@code options} describe on {@code dataset}: its train mapping evaluated after each epoch
     * unless {@code options.evaluateTrain()} is off, its test mapping always (as {@link TrainingRun} does).
     */
    public static StepMemory training(ModelConfig config, TrainingOptions options, Dataset dataset) {
        long trainRows = dataset.countRows("train");
        long[] evaluated = options.evaluateTrain()
                ? new long[] {trainRows, dataset.countRows("test")}
                : new long[] {dataset.countRows("test")};
        // A batch never holds more rows than the mapping has (with --no-drop-remainder a larger batch is one step of
        // every row).
        int batch = (int) Math.min(options.batchSize(), Math.max(1, trainRows));
        return training(config, options.optimizer(), batch, Math.min(batch, options.microBatchSize()),
                options.evalBatchSize(), evaluated);
    }

    /**
     * {@code sim4j evaluate}: scoring mappings of {@code rows} rows each in batches of {@code batch}, every score kept
     * for the exact AUC.
     */
    public static StepMemory evaluation(ModelConfig config, int batch, long... rows) {
        return new StepMemory("evaluation", "--batch-size", config, null, false, batch, batch, PIPELINE_BUFFERS + 1,
                0, rows, true);
    }

    /** {@code sim4j predict}: scoring a mapping of {@code rows} rows in batches of {@code batch}, written out. */
    public static StepMemory prediction(ModelConfig config, int batch, long rows) {
        return new StepMemory("prediction", "--batch-size", config, null, false, batch, batch, PIPELINE_BUFFERS + 1,
                0, new long[] {rows}, false);
    }

    /**
     * {@code sim4j benchmark}: training ({@code train}, passes of {@code microBatch}) or inference steps of
     * {@code batch} rows over {@code heldBatches} batches kept on the backend (loaded through a pipeline first).
     */
    public static StepMemory benchmark(ModelConfig config, String optimizer, boolean train, int batch, int microBatch,
                                       int heldBatches) {
        return new StepMemory(train ? "a training benchmark" : "an inference benchmark",
                train ? "--micro-batch-size" : "--batch-size", config, train ? optimizer : null, train, batch,
                train ? microBatch : batch, heldBatches + PIPELINE_BUFFERS, 0, new long[0], false);
    }

    /** This run with passes of {@code pass} rows and evaluation batches of {@code eval} (inference: batches). */
    private StepMemory resized(int pass, int eval) {
        return train
                ? new StepMemory(task, knob, config, optimizer, true, batch, pass, batchCopies, eval, scoredRows,
                        keepsScores)
                : new StepMemory(task, knob, config, optimizer, false, pass, pass, batchCopies, evalBatch,
                        scoredRows, keepsScores);
    }

    /** The parts of the peak on a heap of {@code maxHeap} bytes (its G1 region size matters for large arrays). */
    public Breakdown breakdown(long maxHeap) {
        long region = g1Region(maxHeap);
        double p = parameterFloats(config) * 4;
        double opt = optimizer == null || optimizer.equals("sgd") ? 0 : 2 * p;
        double rowBytes = batchRowBytes(config);
        Temporaries inference = inference(config);
        double scores = keepsScores ? (double) EVALUATOR_BYTES_PER_ROW * Arrays.stream(scoredRows).max().orElse(0)
                : 0;
        if (!train) {
            double activations = 0;
            for (int size : batchSizes(batch, scoredRows)) {
                activations += inference.bytes(size, region);
            }
            return new Breakdown(p, p, opt, batchCopies * rowBytes * batch, activations,
                    kernelScratchFloats(config) * 4 + scores);
        }
        int parts = (batch + rowsPerPass - 1) / rowsPerPass;
        int small = batch / parts;
        int big = (batch + parts - 1) / parts;
        double sums = parts > 1 ? p : 0;
        Temporaries training = training(config);
        // Recycled arrays match by exact length: passes of two sizes keep two sets.
        double trainPool = training.bytes(big, region) + (small != big ? training.bytes(small, region) : 0);
        double lookups = optimizer != null && optimizer.equals("lazy_adam")
                ? 4 * (3 + 4.0 * config.historyLength()) * batch : 0;
        Breakdown step = new Breakdown(p, p + sums, opt, batchCopies * rowBytes * batch, trainPool,
                kernelScratchFloats(config) * 4 + lookups);
        if (evalBatch == 0) {
            return step;
        }
        // After the epoch: the training pipeline is closed, the last batch's copy on the backend and the training
        // pass's pooled temporaries stay; evaluation adds its pipeline, its copies and its own temporaries, a set
        // per batch size (the full one, and each mapping's last, smaller batch).
        double evalPool = 0;
        for (int size : batchSizes(evalBatch, scoredRows)) {
            evalPool += inference.bytes(size, region);
        }
        Breakdown evaluation = new Breakdown(p, p + sums, opt,
                rowBytes * batch + (PIPELINE_BUFFERS + 1) * rowBytes * evalBatch, trainPool + evalPool,
                kernelScratchFloats(config) * 4 + scores);
        return evaluation.total() > step.total() ? evaluation : step;
    }

    /** The heap this run needs, in bytes: the smallest that holds {@link Breakdown#heap()} at its own region size. */
    public long heapBytes() {
        double heap = breakdown(BASE_BYTES).heap();
        for (int i = 0; i < 8; i++) { // larger heaps have larger regions: settle the size (a few rounds at most)
            double next = breakdown((long) Math.min(Long.MAX_VALUE, heap)).heap();
            if (next <= heap) {
                break;
            }
            heap = next;
        }
        return (long) Math.min(Long.MAX_VALUE, Math.ceil(heap));
    }

    /** Throws {@link InsufficientMemoryException} when the run needs more heap than this JVM may use. */
    public void requireFits() {
        requireFits(Runtime.getRuntime().maxMemory());
    }

    /** Throws {@link InsufficientMemoryException} when the run needs more than {@code maxHeap} bytes of heap. */
    public void requireFits(long maxHeap) {
        Breakdown b = breakdown(maxHeap);
        if (b.heap() <= maxHeap) {
            return;
        }
        StringBuilder m = new StringBuilder(String.format(Locale.ROOT,
                "%s needs about %s of heap and this JVM may use %s (%s: parameters %s, gradients %s, optimizer "
                        + "state %s, batches %s, activations %s, other %s, plus %.0f%% for the garbage collector). "
                        + "Give the JVM more heap, e.g. SIM4J_JAVA_OPTS=-Xmx%dg",
                capitalised(task), gib(b.heap()), gib(maxHeap), describe(), gib(b.parameters()), gib(b.gradients()),
                gib(b.optimizerState()), gib(b.batches()), gib(b.activations()), gib(b.other()),
                (HEAP_FACTOR - 1) * 100, (long) Math.ceil((double) heapBytes() / GIB)));
        int fitting = largestFitting(maxHeap);
        if (fitting > 0) {
            m.append(String.format(Locale.ROOT, ", or lower %s to %d", knob, fitting));
        } else if (train && evalBatch > 0 && (fitting = largestFittingWithEvaluation(maxHeap)) > 0) {
            m.append(String.format(Locale.ROOT, ", or lower %s and --eval-batch-size to %d", knob, fitting));
        }
        throw new InsufficientMemoryException(m.append('.').toString());
    }

    /**
     * The largest power of two below the pass size (inference: the batch size) with which the run fits
     * {@code maxHeap}; 0 if none does. Powers of two split the reference's batches into equal passes.
     */
    int largestFitting(long maxHeap) {
        int current = rowsPerPass;
        for (int v = Integer.highestOneBit(Math.max(1, current - 1)); v >= 1 && v < current; v >>= 1) {
            if (resized(v, evalBatch).breakdown(maxHeap).heap() <= maxHeap) {
                return v;
            }
        }
        return 0;
    }

    /**
     * For training whose evaluation is what does not fit: the largest power of two below the larger of the pass and
     * the evaluation batch that, as the limit of both, fits {@code maxHeap}; 0 if none does.
     */
    int largestFittingWithEvaluation(long maxHeap) {
        int current = Math.max(rowsPerPass, evalBatch);
        for (int v = Integer.highestOneBit(Math.max(1, current - 1)); v >= 1; v >>= 1) {
            if (resized(Math.min(v, rowsPerPass), Math.min(v, evalBatch)).breakdown(maxHeap).heap() <= maxHeap) {
                return v;
            }
        }
        return 0;
    }

    private String describe() {
        String model = config.type().name().toLowerCase(Locale.ROOT);
        if (!train) {
            return String.format(Locale.ROOT, "%s, batches of %,d rows", model, batch);
        }
        return String.format(Locale.ROOT, "%s, %s, batch %,d in passes of %,d rows%s", model, optimizer, batch,
                rowsPerPass, evalBatch > 0 ? String.format(Locale.ROOT, ", evaluation batch %,d", evalBatch) : "");
    }

    private static String capitalised(String s) {
        return s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
    }

    private static String gib(double bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / GIB);
    }

    /**
     * The distinct sizes of the batches that scoring mappings of {@code rows} rows each in batches of {@code batch}
     * produces (the backend keeps a set of temporaries per size); just {@code batch} when no rows are given.
     */
    static SortedSet<Integer> batchSizes(int batch, long[] rows) {
        SortedSet<Integer> sizes = new TreeSet<>();
        if (rows.length == 0) {
            sizes.add(batch);
        }
        for (long r : rows) {
            if (r >= batch) {
                sizes.add(batch);
            }
            if (r % batch != 0) {
                sizes.add((int) (r % batch));
            }
        }
        return sizes;
    }

    /**
     * G1's region size for a heap of {@code maxHeap} bytes, as HotSpot picks it: the heap over 2,048 regions, rounded
     * up to a power of two, between 1 and 32 MiB.
     */
    static long g1Region(long maxHeap) {
        long target = Math.max(1L << 20, Math.min(32L << 20, maxHeap / 2048));
        return Long.highestOneBit(target) == target ? target : Long.highestOneBit(target) << 1;
    }

    /** Bytes of one batch row as the pipeline and the backend hold it: label, user, item, category, 4 histories. */
    static double batchRowBytes(ModelConfig c) {
        return 4 * (5 + 4.0 * c.historyLength());
    }

    // ------------------------------------------------------------------ parameters

    /** Every parameter's floats: the embedding tables and the layers of {@code c.type()}. */
    static double parameterFloats(ModelConfig c) {
        double e = c.embeddingDim();
        double d = 2 * e;
        double h = 6 * e;
        double tables = ((double) c.users() + 1 + c.items() + 1 + c.categories() + 1) * e;
        return tables + switch (c.type()) {
            case SIM -> mlpParams(5 * e, c.stageOneMlp()) + mlpParams(3 * d + h + e, c.stageTwoMlp())
                    + dienParams(d, h) + auxParams(h + d, c.auxMlp());
            case DIEN -> mlpParams(d + h + e, c.stageTwoMlp()) + dienParams(d, h) + auxParams(h + d, c.auxMlp());
            case DIN -> mlpParams(5 * e, c.stageTwoMlp());
        };
    }

    /** PReluMlp: per hidden layer a kernel, a bias and PReLU alphas; the output layer to one logit. */
    private static double mlpParams(double in, List<Integer> sizes) {
        double n = 0;
        double width = in;
        for (int s : sizes) {
            n += width * s + 2.0 * s;
            width = s;
        }
        return n + width + 1;
    }

    /** GRU, DIEN attention and AUGRU of the DIEN block. */
    private static double dienParams(double d, double h) {
        double gru = d * 3 * h + h * 3 * h + 2 * 3 * h;
        double attention = d * h + h + h + 4 * h * ATTENTION_1 + ATTENTION_1 + ATTENTION_1 * ATTENTION_2
                + ATTENTION_2 + ATTENTION_2 + 1;
        double augru = 2 * h * 2 * h + 2 * h + 2 * h * h + h;
        return gru + attention + augru;
    }

    /** AuxMlp: sigmoid layers with kernel and bias, then the logit. */
    private static double auxParams(double in, List<Integer> sizes) {
        double n = 0;
        double width = in;
        for (int s : sizes) {
            n += width * s + s;
            width = s;
        }
        return n + width + 1;
    }

    // ------------------------------------------------------------------ temporaries of one pass

    /**
     * The arrays one pass allocates: their widths in floats (or ints) per batch row, and the arrays whose size does
     * not depend on the rows. Built by walking the layers the model runs, in the order they allocate.
     */
    static final class Temporaries {
        private final List<Double> widths = new ArrayList<>();
        private double fixed;

        /** Arrays of {@code widths[i]} floats per row. */
        Temporaries add(double... perRow) {
            for (double w : perRow) {
                widths.add(w);
            }
            return this;
        }

        /** An array of {@code floats} whatever the rows. */
        Temporaries fixed(double floats) {
            fixed += floats;
            return this;
        }

        /** Floats per row over all arrays. */
        double floatsPerRow() {
            return widths.stream().mapToDouble(Double::doubleValue).sum();
        }

        /** Floats that do not scale with the rows. */
        double fixedFloats() {
            return fixed;
        }

        /**
         * Heap bytes at {@code rows} rows with G1 regions of {@code region} bytes: an array of half a region or more
         * is humongous and takes whole regions; every array has a 16-byte header.
         */
        double bytes(int rows, long region) {
            double total = 0;
            for (double w : widths) {
                double b = w * rows * 4 + 16;
                total += b >= region / 2.0 ? Math.ceil(b / region) * region : b;
            }
            return (total + fixed * 4) * ACTIVATION_MARGIN;
        }
    }

    /** A training pass: forward, losses and backward, as {@code CtrModel.forward} and {@code backward} allocate. */
    static Temporaries training(ModelConfig c) {
        double e = c.embeddingDim();
        double d = 2 * e;
        double h = 6 * e;
        double l = c.longLength();
        double t = c.shortLength();
        double k = c.topK();
        boolean dropout = c.dropout() > 0;
        Temporaries a = new Temporaries();
        switch (c.type()) {
            case SIM -> {
                inputs(a, e, d).add(l * d, l, t * d, t); // the long and the short part
                dotForward(a, l, d);
                a.add(5 * e); // stage one's input
                mlpForward(a, 5 * e, c.stageOneMlp(), true, dropout);
                topK(a, k, d);
                dotForward(a, k, d);
                meanForward(a, k, d);
                dienForward(a, t, d, h);
                a.add(13 * e); // stage two's input
                mlpForward(a, 13 * e, c.stageTwoMlp(), true, dropout);
                a.add(1, 1, t * d, t); // the two stages' dLogit; the negatives' short part
                auxForward(a, t, d, h, c.auxMlp());
                a.add(e, d, l * d, t * d); // dUser, dTarget, dLong, dShort
                mlpBackward(a, 13 * e, c.stageTwoMlp(), dropout);
                a.add(d, d, d, h, e); // stage two's input gradient split
                mlpBackward(a, 5 * e, c.stageOneMlp(), dropout);
                a.add(d, d, e, k * d); // stage one's split; dSelected
                dotBackward(a, k);
                a.add(k); // the masked mean's weight gradient
                auxBackward(a, t, d, h, c.auxMlp());
                dienBackward(a, t, d, h);
                dotBackward(a, l);
                a.add(e, e); // the target gradient split into item and category
            }
            case DIEN -> {
                inputs(a, e, d).add(t * d, t);
                dienForward(a, t, d, h);
                a.add(9 * e);
                mlpForward(a, 9 * e, c.stageTwoMlp(), true, dropout);
                a.add(1, t * d, t); // dLogit; the negatives' short part
                auxForward(a, t, d, h, c.auxMlp());
                mlpBackward(a, 9 * e, c.stageTwoMlp(), dropout);
                a.add(d, h, e, t * d); // the input gradient split; dShort
                auxBackward(a, t, d, h, c.auxMlp());
                dienBackward(a, t, d, h);
                a.add(e, e);
            }
            case DIN -> {
                double n = l + t;
                inputs(a, e, d).add(n * d, n);
                dotForward(a, n, d);
                a.add(5 * e);
                mlpForward(a, 5 * e, c.stageTwoMlp(), true, dropout);
                a.add(1);
                mlpBackward(a, 5 * e, c.stageTwoMlp(), dropout);
                a.add(d, d, e, n * d); // the input gradient split; dHistory
                dotBackward(a, n);
                a.add(e, e);
            }
        }
        // Ints next to the floats: the sequence-embedding backward's position lists (4 per position of the longest
        // part, briefly), SIM's top-K indices and DIEN attention's repeat index (kept by their layers).
        double longest = switch (c.type()) {
            case SIM -> l;
            case DIEN -> t;
            case DIN -> l + t;
        };
        a.add(4 * longest);
        if (c.type() == ModelType.SIM) {
            a.add(k);
        }
        if (c.type() != ModelType.DIN) {
            a.add(t);
        }
        return a;
    }

    /** An inference pass ({@code predict}: no dropout, no losses, no backward). */
    static Temporaries inference(ModelConfig c) {
        double e = c.embeddingDim();
        double d = 2 * e;
        double h = 6 * e;
        double l = c.longLength();
        double t = c.shortLength();
        double k = c.topK();
        Temporaries a = new Temporaries();
        switch (c.type()) {
            case SIM -> {
                inputs(a, e, d).add(l * d, l, t * d, t);
                dotForward(a, l, d);
                a.add(5 * e);
                mlpForward(a, 5 * e, c.stageOneMlp(), false, false);
                topK(a, k, d);
                dotForward(a, k, d);
                meanForward(a, k, d);
                dienForward(a, t, d, h);
                a.add(13 * e);
                mlpForward(a, 13 * e, c.stageTwoMlp(), false, false);
                a.add(k, t); // top-K indices, attention's repeat index (ints)
            }
            case DIEN -> {
                inputs(a, e, d).add(t * d, t);
                dienForward(a, t, d, h);
                a.add(9 * e);
                mlpForward(a, 9 * e, c.stageTwoMlp(), false, false);
                a.add(t);
            }
            case DIN -> {
                inputs(a, e, d).add((l + t) * d, l + t);
                dotForward(a, l + t, d);
                a.add(5 * e);
                mlpForward(a, 5 * e, c.stageTwoMlp(), false, false);
            }
        }
        return a;
    }

    /**
     * The kernels' own short-lived arrays: a transposed copy of a weight matrix, and the partial products of a
     * long reduction split in up to 8 parts (weight gradients over many rows): 9 of the model's largest dense kernel.
     */
    private static double kernelScratchFloats(ModelConfig c) {
        double e = c.embeddingDim();
        double d = 2 * e;
        double h = 6 * e;
        double largest = switch (c.type()) {
            case SIM -> Math.max(mlpLargestKernel(5 * e, c.stageOneMlp()), mlpLargestKernel(13 * e, c.stageTwoMlp()));
            case DIEN -> mlpLargestKernel(9 * e, c.stageTwoMlp());
            case DIN -> mlpLargestKernel(5 * e, c.stageTwoMlp());
        };
        if (c.type() != ModelType.DIN) {
            // GRU input and recurrent kernels, attention's first layer, AUGRU gates, the aux MLP's layers
            largest = Math.max(largest, Math.max(Math.max(d * 3 * h, h * 3 * h), Math.max(4 * h * ATTENTION_1,
                    4 * h * h)));
            largest = Math.max(largest, mlpLargestKernel(h + d, c.auxMlp()));
        }
        return 9 * largest;
    }

    private static double mlpLargestKernel(double in, List<Integer> sizes) {
        double largest = 0;
        double width = in;
        for (int s : sizes) {
            largest = Math.max(largest, width * s);
            width = s;
        }
        return Math.max(largest, width);
    }

    /** The user vector, the target's item and category vectors and their concatenation (InputEmbedding). */
    private static Temporaries inputs(Temporaries a, double e, double d) {
        return a.add(e, e, e, d);
    }

    /** DotAttention forward over {@code len} positions of width {@code d}: scores, weights, output. */
    private static void dotForward(Temporaries a, double len, double d) {
        a.add(len, len, d);
    }

    /** DotAttention backward: the weights' and the scores' gradients. */
    private static void dotBackward(Temporaries a, double len) {
        a.add(len, len);
    }

    /** TopKSelection: the selected vectors, their weights and mask. */
    private static void topK(Temporaries a, double k, double d) {
        a.add(k * d, k, k);
    }

    /** MaskedMean forward: ones, count, ones per row, reciprocal, weights, output. */
    private static void meanForward(Temporaries a, double k, double d) {
        a.fixed(k).add(1, k, 1, k, d);
    }

    /**
     * PReluMlp forward: pre-activation and activation per hidden layer; dropout's mask on the backend, its output
     * and the mask drawn on the host first as a double[] (two floats' worth, garbage once uploaded, counted anyway);
     * the logit.
     */
    private static void mlpForward(Temporaries a, double in, List<Integer> sizes, boolean training, boolean dropout) {
        for (int s : sizes) {
            a.add(s, s);
        }
        if (training && dropout) {
            double last = sizes.isEmpty() ? in : sizes.getLast();
            a.add(last, last, 2 * last);
        }
        a.add(1);
    }

    /** PReluMlp backward: the output layer's input gradient, dropout's, per hidden layer dPre and its input's. */
    private static void mlpBackward(Temporaries a, double in, List<Integer> sizes, boolean dropout) {
        double last = sizes.isEmpty() ? in : sizes.getLast();
        a.add(last);
        if (dropout) {
            a.add(last);
        }
        for (int i = sizes.size() - 1; i >= 0; i--) {
            a.add(sizes.get(i), i == 0 ? in : sizes.get(i - 1));
        }
    }

    /** GRU, DIEN attention and AUGRU forward over {@code t} positions (H = {@code h}). */
    private static void dienForward(Temporaries a, double t, double d, double h) {
        // GRU: time-major input, input products, states, recurrent products, gate cache, output states
        a.add(t * d, 3 * t * h, (t + 1) * h, 3 * t * h, 3 * t * h, t * h);
        // attention: query pre-activation and activation, the folded first-layer blocks, the layers over T
        a.add(h, h).fixed(2 * h * ATTENTION_1)
                .add(ATTENTION_1, ATTENTION_1 * t, t * h, ATTENTION_1 * t, ATTENTION_2 * t, ATTENTION_2 * t, t, t);
        // AUGRU: inputs, attention, gate and candidate pre-activations, states, gates, r, u, r*s, c, final state
        a.add(t * h, t, 2 * t * h, t * h, (t + 1) * h, 2 * t * h, t * h, t * h, t * h, t * h, h);
    }

    private static void dienBackward(Temporaries a, double t, double d, double h) {
        // AUGRU: pre-activation gradients, attention gradient, the per-step state gradients, inputs' gradient
        a.add(2 * t * h, t * h, t, h, h, h, h, h, h, h, 2 * h, t * h, t * h, t);
        // attention: logits', the layers' gradients over T, the q term's, the folded block's, q's, the target's
        a.add(t, ATTENTION_2 * t, ATTENTION_2 * t, ATTENTION_1 * t, ATTENTION_1 * t, ATTENTION_1).fixed(h * ATTENTION_1)
                .add(t * h, h, h, d);
        // GRU: time-major output gradient, input and recurrent product gradients, the carries, inputs' gradient
        a.add(t * h, 3 * t * h, 3 * t * h, h, h, h, t * d, t * d);
    }

    /** AuxiliaryLoss forward over the T - 1 click and no-click pairs, through the aux MLP {@code sizes}. */
    private static void auxForward(Temporaries a, double t, double d, double h, List<Integer> sizes) {
        double n = t - 1;
        // the states, click, no-click and mask split at T - 1 / 1; the shared h_t term; the stacked pre-activations
        a.add(n * h, h, d, n * d, d, n * d, 1, n, n * sizes.getFirst(), 2 * n * sizes.getFirst());
        for (int i = 0; i < sizes.size(); i++) {
            if (i > 0) {
                a.add(2 * n * sizes.get(i));
            }
            a.add(2 * n * sizes.get(i));
        }
        a.add(2 * n, 2 * n); // logits and their gradient
    }

    private static void auxBackward(Temporaries a, double t, double d, double h, List<Integer> sizes) {
        double n = t - 1;
        a.add(2 * n * sizes.getLast());
        for (int i = sizes.size() - 1; i >= 0; i--) {
            a.add(2 * n * sizes.get(i));
            if (i > 0) {
                a.add(2 * n * sizes.get(i - 1));
            }
        }
        // the shared gradient, dH and the two item gradients, each padded back to T positions
        a.add(n * sizes.getFirst(), n * h, n * d, n * d, h, t * h, d, t * d, d, t * d);
    }
}
