package dev.sim4j.model.layers;

/** Which AUGRU state update: the original authors' code (the reference default) or the DIEN paper's equations. */
public enum AugruForm {
    /** u' = (1 - a) u, s' = u' s + (1 - u') c. */
    CODE,
    /** u' = a u, s' = (1 - u') s + u' c. */
    PAPER;

    public boolean paper() {
        return this == PAPER;
    }
}
