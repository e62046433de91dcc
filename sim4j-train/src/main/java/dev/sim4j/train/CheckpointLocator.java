package dev.sim4j.train;

import dev.sim4j.data.DataException;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds the checkpoint a user's path stands for, so that every command that reads weights accepts the same paths:
 * <ol>
 *   <li>a weights file ({@code epoch_N/weights.safetensors} or any safetensors file);</li>
 *   <li>a checkpoint folder holding {@code weights.safetensors} (what {@link TrainingRun} writes as
 *       {@code epoch_N});</li>
 *   <li>a checkpoint folder ({@code train --checkpoint-dir}) holding {@code epoch_N} folders: the newest, by epoch
 *       number (epoch_10 after epoch_9), as the reference's {@code --load_checkpoint_path} restores the latest
 *       checkpoint;</li>
 *   <li>a results folder ({@code train --results-dir}) whose {@code checkpoints/} folder is such a folder.</li>
 * </ol>
 * An {@code epoch_N} folder without {@code weights.safetensors} is passed over and said so in the message; temporary
 * folders of a checkpoint being written ({@code .epoch_N.tmp}) are never taken.
 */
public final class CheckpointLocator {
    /** The weights file of a checkpoint folder. */
    public static final String WEIGHTS = "weights.safetensors";
    /** The model configuration and training provenance beside the weights. */
    public static final String PROVENANCE = "provenance.json";
    /** The checkpoint folder inside a results folder, as {@code train} names it by default. */
    public static final String CHECKPOINTS = "checkpoints";

    private static final Pattern EPOCH = Pattern.compile("epoch_(\\d+)");

    private CheckpointLocator() {
    }

    /**
     * A checkpoint found on disk.
     *
     * @param weights    the weights file
     * @param provenance {@code provenance.json} beside the weights, or null when there is none (a bare weights file)
     * @param message    one line for the user saying which checkpoint was taken and, for a folder of epochs, why
     */
    public record Checkpoint(Path weights, Path provenance, String message) {
        /** The folder the weights are in (the {@code epoch_N} folder for a checkpoint written by train). */
        public Path folder() {
            Path parent = weights.toAbsolutePath().getParent();
            return parent == null ? weights : parent;
        }
    }

    /** Resolves {@code path} as described in the class comment; DataException, listing what was looked for, if none. */
    public static Checkpoint locate(Path path) {
        if (Files.isRegularFile(path)) {
            return found(path, "checkpoint: " + path);
        }
        if (!Files.isDirectory(path)) {
            throw new DataException(path + ": no such file or folder; " + expected());
        }
        if (Files.isRegularFile(path.resolve(WEIGHTS))) {
            return found(path.resolve(WEIGHTS), "checkpoint: " + path);
        }
        List<String> skipped = new ArrayList<>();
        Checkpoint newest = newestEpoch(path, skipped);
        Path checkpoints = path.resolve(CHECKPOINTS);
        if (newest == null && Files.isDirectory(checkpoints)) {
            newest = newestEpoch(checkpoints, skipped);
        }
        if (newest != null) {
            return newest;
        }
        throw new DataException(path + ": no checkpoint here: looked for " + path.resolve(WEIGHTS) + ", "
                + path.resolve("epoch_N").resolve(WEIGHTS) + " and " + checkpoints.resolve("epoch_N").resolve(WEIGHTS)
                + (skipped.isEmpty() ? "" : " (" + String.join(", ", skipped) + ")") + "; " + expected());
    }

    private static String expected() {
        return "give a checkpoint folder (train's --checkpoint-dir/epoch_N), a --checkpoint-dir or --results-dir of "
                + "sim4j train (its newest epoch_N is taken) or a weights.safetensors file";
    }

    private static Checkpoint found(Path weights, String message) {
        Path provenance = weights.toAbsolutePath().resolveSibling(PROVENANCE);
        return new Checkpoint(weights, Files.isRegularFile(provenance) ? provenance : null, message);
    }

    /** The newest complete {@code epoch_N} in {@code dir}, or null; incomplete ones are added to {@code skipped}. */
    private static Checkpoint newestEpoch(Path dir, List<String> skipped) {
        List<Path> epochs;
        try (Stream<Path> s = Files.list(dir)) {
            epochs = s.filter(p -> EPOCH.matcher(p.getFileName().toString()).matches() && Files.isDirectory(p)).toList();
        } catch (IOException e) {
            throw new DataException(dir + ": cannot list the checkpoint folder: " + e.getMessage(), e);
        }
        Path best = null;
        BigInteger bestEpoch = null;
        int complete = 0;
        for (Path p : epochs) {
            if (!Files.isRegularFile(p.resolve(WEIGHTS))) {
                skipped.add(p + " (no " + WEIGHTS + ")");
                continue;
            }
            complete++;
            // BigInteger: a numeric order that no folder name can overflow.
            BigInteger n = new BigInteger(p.getFileName().toString().substring("epoch_".length()));
            if (bestEpoch == null || n.compareTo(bestEpoch) > 0) {
                best = p;
                bestEpoch = n;
            }
        }
        if (best == null) {
            return null;
        }
        String note = complete == 1 ? "the only epoch in " + dir : "the newest of " + complete + " epochs in " + dir;
        if (!skipped.isEmpty()) {
            note += "; passed over " + String.join(", ", skipped);
        }
        return found(best.resolve(WEIGHTS), "checkpoint: " + best + " (" + note + ")");
    }
}
