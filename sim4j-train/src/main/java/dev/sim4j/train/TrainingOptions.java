package dev.sim4j.train;

import dev.sim4j.data.spec.FeatureSpec;
import java.nio.file.Path;

/**
 * How to train: the reference's hyperparameters (sim-model.md section 6) and where results go.
 *
 * @param epochs          passes over the train mapping (reference: 3)
 * @param batchSize       rows per step (reference: 131,072, the global batch)
 * @param evalBatchSize   rows per evaluation batch
 * @param learningRate    constant learning rate (reference: 0.01)
 * @param optimizer       adam, lazy_adam or sgd
 * @param weightDecay     decoupled weight decay (reference: 0)
 * @param seed            model initialisation seed
 * @param resultsDir      metrics.jsonl and report.html
 * @param checkpointDir   one folder per epoch: weights, optimizer state, provenance
 * @param evaluateTrain   also evaluate on the whole train mapping after each epoch (the reference does)
 * @param resume          continue from the last complete checkpoint in {@code checkpointDir} (weights, optimizer
 *                        state and step count), with the next epoch
 * @param progress        show a progress bar per epoch on the terminal (standard error); never drawn when there is no
 *                        terminal, so this only matters interactively
 * @param microBatchSize  rows per forward/backward pass: a larger batch runs as several passes whose gradients are
 *                        averaged before the one optimizer update (memory, not the result, depends on it)
 * @param dropRemainder   drop the last incomplete batch of every epoch (the reference's training); false trains it as
 *                        a smaller step
 * @param overwrite       the results and checkpoint folders may hold another run: its files (metrics.jsonl,
 *                        report.html, checkpoints/epoch_N) are removed first; other files are kept
 * @param featureSpec     the feature spec file inside the dataset folder (reference: feature_spec.yaml); recorded in
 *                        the provenance and hashed, so a resume sees a changed spec
 */
public record TrainingOptions(int epochs, int batchSize, int evalBatchSize, double learningRate, String optimizer,
                              double weightDecay, long seed, Path resultsDir, Path checkpointDir,
                              boolean evaluateTrain, boolean resume, boolean progress, int microBatchSize,
                              boolean dropRemainder, boolean overwrite, String featureSpec) {
    public TrainingOptions {
        if (epochs < 1 || batchSize < 1 || evalBatchSize < 1 || microBatchSize < 1) {
            throw new IllegalArgumentException("epochs and batch sizes must be at least 1");
        }
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("the learning rate must be a finite number > 0, got " + learningRate);
        }
        if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
            throw new IllegalArgumentException("the weight decay must be a finite number >= 0, got " + weightDecay);
        }
        if (resume && overwrite) {
            throw new IllegalArgumentException("resume continues the run in the folders, overwrite replaces it: not both");
        }
    }

    /** The reference's spec file name and remainder handling, no overwriting. */
    public TrainingOptions(int epochs, int batchSize, int evalBatchSize, double learningRate, String optimizer,
                           double weightDecay, long seed, Path resultsDir, Path checkpointDir, boolean evaluateTrain,
                           boolean resume, boolean progress, int microBatchSize) {
        this(epochs, batchSize, evalBatchSize, learningRate, optimizer, weightDecay, seed, resultsDir, checkpointDir,
                evaluateTrain, resume, progress, microBatchSize, true, false, FeatureSpec.FILE_NAME);
    }

    /** Options with the progress bar on (drawn only on a terminal). */
    public TrainingOptions(int epochs, int batchSize, int evalBatchSize, double learningRate, String optimizer,
                           double weightDecay, long seed, Path resultsDir, Path checkpointDir, boolean evaluateTrain,
                           boolean resume) {
        this(epochs, batchSize, evalBatchSize, learningRate, optimizer, weightDecay, seed, resultsDir, checkpointDir,
                evaluateTrain, resume, true, Trainer.DEFAULT_MICRO_BATCH);
    }
}
