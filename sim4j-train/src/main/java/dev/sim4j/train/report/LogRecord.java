package dev.sim4j.train.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * One line of the JSON-lines metrics log (spec section 8). The {@code "type"} key says which record a line holds:
 * {@code run}, {@code step}, {@code epoch}, {@code evaluation} or {@code summary}. Absent values (for example latency outside
 * benchmark mode, or the aux loss of a model without one) are left out of the line rather than written as null.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = RunRecord.class, name = "run"),
        @JsonSubTypes.Type(value = StepRecord.class, name = "step"),
        @JsonSubTypes.Type(value = EpochRecord.class, name = "epoch"),
        @JsonSubTypes.Type(value = EvaluationRecord.class, name = "evaluation"),
        @JsonSubTypes.Type(value = SummaryRecord.class, name = "summary")})
@JsonInclude(JsonInclude.Include.NON_NULL)
public sealed interface LogRecord permits RunRecord, StepRecord, EpochRecord, EvaluationRecord, SummaryRecord {
}
