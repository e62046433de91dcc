package dev.sim4j.data.spec;

import java.util.Locale;
import java.util.Optional;

/**
 * Element types a feature spec may name. The reference writes numpy names ({@code int64}, {@code bool}); the
 * model card's example uses framework-prefixed names ({@code torch.int32}), which are accepted too.
 */
public enum Dtype {
    BOOL(true), UINT8(true), INT8(true), INT16(true), INT32(true), INT64(true),
    FLOAT16(false), FLOAT32(false), FLOAT64(false);

    private final boolean integral;

    Dtype(boolean integral) {
        this.integral = integral;
    }

    /** True for bool and integer types: the ones sim4j's datasets carry. */
    public boolean integral() {
        return integral;
    }

    /** Parses a spec dtype string, ignoring a {@code torch.}, {@code tf.}, {@code np.} or {@code numpy.} prefix. */
    public static Optional<Dtype> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String name = text.trim().toLowerCase(Locale.ROOT);
        for (String prefix : new String[] {"torch.", "tf.", "np.", "numpy."}) {
            if (name.startsWith(prefix)) {
                name = name.substring(prefix.length());
                break;
            }
        }
        return switch (name) {
            case "bool", "bool_", "bool8" -> Optional.of(BOOL);
            case "uint8" -> Optional.of(UINT8);
            case "int8" -> Optional.of(INT8);
            case "int16", "short" -> Optional.of(INT16);
            case "int32", "int" -> Optional.of(INT32);
            case "int64", "long" -> Optional.of(INT64);
            case "float16", "half" -> Optional.of(FLOAT16);
            case "float32", "float" -> Optional.of(FLOAT32);
            case "float64", "double" -> Optional.of(FLOAT64);
            default -> Optional.empty();
        };
    }
}
