package dev.sim4j.model.checkpoint;

import java.nio.file.Path;

/**
 * A checkpoint file that cannot be read, written or loaded: a malformed safetensors file, or one whose tensors do not
 * match the model. It is a user error (the CLI maps it to an exit code); the message names the file and, where there is
 * one, the tensor, e.g. {@code model.safetensors: tensor 'embedding.user': expected shape [5, 16], found [4, 16]}.
 */
public final class CheckpointException extends RuntimeException {
    private final transient Path file;
    private final String tensor;

    /**
     * @param file    the checkpoint file
     * @param tensor  the tensor concerned, or null for the file as a whole
     * @param problem what is wrong, without the file and tensor names (they are prepended)
     */
    public CheckpointException(Path file, String tensor, String problem) {
        this(file, tensor, problem, null);
    }

    public CheckpointException(Path file, String tensor, String problem, Throwable cause) {
        super(format(file, tensor, problem), cause);
        this.file = file;
        this.tensor = tensor;
    }

    /** The checkpoint file. */
    public Path file() {
        return file;
    }

    /** The tensor concerned, or null when the problem is with the file as a whole. */
    public String tensor() {
        return tensor;
    }

    private static String format(Path file, String tensor, String problem) {
        StringBuilder b = new StringBuilder().append(file);
        if (tensor != null) {
            b.append(": tensor '").append(tensor).append('\'');
        }
        return b.append(": ").append(problem).toString();
    }
}
