package dev.sim4j.train.report;

import java.util.List;
import java.util.Optional;

/**
 * The records of a metrics log, in file order.
 *
 * @param records          every record read
 * @param truncatedTail    whether an unparseable last line (a run killed mid-write) was skipped
 * @param skippedUnknown   lines skipped because their {@code "type"} is unknown to this version, or absent
 */
public record LogContents(List<LogRecord> records, boolean truncatedTail, int skippedUnknown) {
    public LogContents {
        records = List.copyOf(records);
    }

    /**
     * The run records, in order: the first is the run's start, each later one a resumption (empty for logs written
     * before sim4j logged them).
     */
    public List<RunRecord> runs() {
        return ofType(RunRecord.class);
    }

    /** The step records, in order. */
    public List<StepRecord> steps() {
        return ofType(StepRecord.class);
    }

    /** The epoch records, in order. */
    public List<EpochRecord> epochs() {
        return ofType(EpochRecord.class);
    }

    /** The evaluation records, in order. */
    public List<EvaluationRecord> evaluations() {
        return ofType(EvaluationRecord.class);
    }

    /** The last summary record, absent for a run that did not finish. */
    public Optional<SummaryRecord> summary() {
        List<SummaryRecord> all = ofType(SummaryRecord.class);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.getLast());
    }

    private <T extends LogRecord> List<T> ofType(Class<T> type) {
        return records.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
