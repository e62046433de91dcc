package dev.sim4j.cli.spec;

import dev.sim4j.data.spec.ChunkType;
import java.util.Arrays;
import java.util.Iterator;
import picocli.CommandLine;

/**
 * The row-per-file formats {@code spec convert} and {@code data sample} write, by their {@code --format} names.
 * {@code sim4j} is also accepted for {@code sim4j-columnar}: it is that format's chunk {@code type} in
 * feature_spec.yaml and was its flag value before {@code preprocess amazon} gave {@code sim4j} to the compact store.
 */
public enum RowFormat {
    SIM4J_COLUMNAR("sim4j-columnar", ChunkType.SIM4J),
    TFRECORD("tfrecord", ChunkType.TFRECORD),
    CSV("csv", ChunkType.CSV);

    private final String label;
    private final ChunkType type;

    RowFormat(String label, ChunkType type) {
        this.label = label;
        this.type = type;
    }

    /** The chunk type this format writes. */
    public ChunkType type() {
        return type;
    }

    @Override
    public String toString() {
        return label;
    }

    /** Parses a {@code --format} value; picocli reports a bad one as a usage error naming the flag. */
    public static final class Converter implements CommandLine.ITypeConverter<RowFormat> {
        @Override
        public RowFormat convert(String value) {
            if (value.equals(ChunkType.SIM4J.specName())) {
                return SIM4J_COLUMNAR;
            }
            for (RowFormat f : values()) {
                if (f.label.equals(value)) {
                    return f;
                }
            }
            throw new CommandLine.TypeConversionException("expected one of " + new Names() + " but was '" + value + "'");
        }
    }

    /** The names, for the help's list and for completion. */
    public static final class Names implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(values()).map(f -> f.label).iterator();
        }

        @Override
        public String toString() {
            return String.join(", ", this);
        }
    }
}
