package dev.sim4j.preprocess.synth;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.PrettyPrinter;
import java.io.IOException;

/**
 * Jackson layout matching Python's {@code json.dumps} defaults, as in the real review file: one line per object,
 * {@code ", "} between entries and {@code ": "} after keys; nothing between root values (the caller writes the
 * newline).
 */
final class PythonJsonSpacing implements PrettyPrinter {
    @Override
    public void writeRootValueSeparator(JsonGenerator g) {
    }

    @Override
    public void writeStartObject(JsonGenerator g) throws IOException {
        g.writeRaw('{');
    }

    @Override
    public void writeEndObject(JsonGenerator g, int nrOfEntries) throws IOException {
        g.writeRaw('}');
    }

    @Override
    public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
        g.writeRaw(", ");
    }

    @Override
    public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
        g.writeRaw(": ");
    }

    @Override
    public void writeStartArray(JsonGenerator g) throws IOException {
        g.writeRaw('[');
    }

    @Override
    public void writeEndArray(JsonGenerator g, int nrOfValues) throws IOException {
        g.writeRaw(']');
    }

    @Override
    public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
        g.writeRaw(", ");
    }

    @Override
    public void beforeArrayValues(JsonGenerator g) {
    }

    @Override
    public void beforeObjectEntries(JsonGenerator g) {
    }
}
