package dev.sim4j.data.spec;

import dev.sim4j.data.DataException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** A feature spec that cannot be used; carries every problem found, each naming section, feature and fix. */
public final class InvalidSpecException extends DataException {
    private final transient List<SpecProblem> problems;

    public InvalidSpecException(Path specFile, List<SpecProblem> problems) {
        super(format(specFile, problems));
        this.problems = List.copyOf(problems);
    }

    public List<SpecProblem> problems() {
        return problems;
    }

    private static String format(Path specFile, List<SpecProblem> problems) {
        String head = specFile + ": " + (problems.size() == 1 ? "1 problem" : problems.size() + " problems");
        return head + "\n" + problems.stream().map(p -> "  - " + p).collect(Collectors.joining("\n"));
    }
}
