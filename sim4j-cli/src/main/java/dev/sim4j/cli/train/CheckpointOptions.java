package dev.sim4j.cli.train;

import dev.sim4j.data.DataException;
import dev.sim4j.data.dataset.Dataset;
import dev.sim4j.engine.Backend;
import dev.sim4j.model.sim.CtrModel;
import dev.sim4j.train.BatchTensors;
import dev.sim4j.train.CheckpointLocator;
import dev.sim4j.train.ModelEvaluation;
import dev.sim4j.train.TrainedModel;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** A dataset and a trained checkpoint to run on it: the options shared by evaluate and predict (a picocli mixin). */
public final class CheckpointOptions {
    @Option(names = {"--dataset", "--dataset_dir"}, required = true, paramLabel = "DIR", description = "Dataset folder.")
    Path dataset;

    @Option(names = {"--checkpoint", "--load_checkpoint_path"}, required = true, paramLabel = "PATH",
            description = "A checkpoint: an epoch_N folder, a train --checkpoint-dir or --results-dir (its newest "
                    + "epoch_N, by number, is taken) or a weights.safetensors file with provenance.json beside it.")
    Path checkpoint;

    @Option(names = "--allow-other-dataset", description = "Score a dataset other than the one the checkpoint was "
            + "trained on (another feature spec, or smaller cardinalities) when all its ids fit the model's tables; "
            + "only right when its ids mean the same users, items and categories.")
    boolean allowOtherDataset;

    /** The dataset, after checking that it has every mapping asked for and that none of them is empty. */
    Dataset open(Iterable<String> mappings, String purpose) {
        Dataset ds = Dataset.open(dataset);
        for (String m : mappings) {
            if (!ds.spec().sources().containsKey(m)) {
                throw new DataException(dataset + ": no mapping '" + m + "' (the spec has " + ds.spec().sources().keySet() + ")");
            }
        }
        for (String m : mappings) {
            ModelEvaluation.requireRows(ds, m, purpose);
        }
        return ds;
    }

    /**
     * The checkpoint {@code --checkpoint} stands for, said on {@code err}, and after checking that it was trained on
     * {@code ds} (or, with {@code --allow-other-dataset}, that {@code ds} fits it).
     */
    CheckpointLocator.Checkpoint locate(Dataset ds, PrintWriter err) {
        CheckpointLocator.Checkpoint ckpt = CheckpointLocator.locate(checkpoint);
        err.println(ckpt.message());
        TrainedModel.DatasetMatch match = TrainedModel.requireDataset(ckpt, ds, allowOtherDataset,
                "the checkpoint " + ckpt.folder());
        if (!match.same()) {
            err.println("note: --allow-other-dataset: " + dataset + " differs from the checkpoint's training data: "
                    + String.join("; ", match.differences()));
        }
        err.flush();
        return ckpt;
    }

    /** The checkpoint's model on {@code backend}, after checking that the dataset fits it. */
    CtrModel model(CheckpointLocator.Checkpoint ckpt, Dataset ds, Backend backend) {
        CtrModel model = TrainedModel.load(ckpt, backend);
        BatchTensors.requireCompatible(ds.channels(), model.config(), dataset.toString());
        return model;
    }
}
