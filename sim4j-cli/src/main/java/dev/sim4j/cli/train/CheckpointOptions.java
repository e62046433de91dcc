package dev.sim4j.cli.train;

import dev.sim4j.data.DataException;
import dev.sim4j.data.dataset.Dataset;
import dev.sim4j.engine.Backend;
import dev.sim4j.model.sim.CtrModel;
import dev.sim4j.train.BatchTensors;
import dev.sim4j.train.TrainedModel;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** A dataset and a trained checkpoint to run on it: the options shared by evaluate and predict (a picocli mixin). */
public final class CheckpointOptions {
    @Option(names = {"--dataset", "--dataset_dir"}, required = true, paramLabel = "DIR", description = "Dataset folder.")
    Path dataset;

    @Option(names = "--checkpoint", required = true, paramLabel = "DIR", description = "Checkpoint folder (epoch_N).")
    Path checkpoint;

    /** The dataset, after checking it has every mapping asked for. */
    Dataset open(Iterable<String> mappings) {
        Dataset ds = Dataset.open(dataset);
        for (String m : mappings) {
            if (!ds.spec().sources().containsKey(m)) {
                throw new DataException(dataset + ": no mapping '" + m + "' (the spec has " + ds.spec().sources().keySet() + ")");
            }
        }
        return ds;
    }

    /** The checkpoint's model on {@code backend}, after checking that the dataset fits it. */
    CtrModel model(Dataset ds, Backend backend) {
        CtrModel model = TrainedModel.load(checkpoint, backend);
        BatchTensors.requireCompatible(ds.channels(), model.config(), dataset.toString());
        return model;
    }
}
