package dev.sim4j.train.report;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The one Jackson configuration the metrics log is written and read with. */
final class Json {
    private Json() {
    }

    /**
     * A new mapper: unknown keys and unknown record types are tolerated so that an older reader can open a newer
     * log. NaN (an AUC with one class absent) is written as the string "NaN", Jackson's default, which keeps every
     * line valid JSON and reads back as NaN.
     */
    static ObjectMapper mapper() {
        return new ObjectMapper()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.FAIL_ON_INVALID_SUBTYPE);
    }
}
