package dev.sim4j.data.spec;

/**
 * One thing wrong with a feature spec.
 *
 * @param section the spec section ({@code feature_spec}, {@code source_spec}, {@code channel_spec}) or a path in it
 * @param subject the feature, mapping or channel concerned
 * @param problem what is wrong and what to do
 */
public record SpecProblem(String section, String subject, String problem) {
    @Override
    public String toString() {
        return section + " / " + subject + ": " + problem;
    }
}
