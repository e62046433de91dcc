package dev.sim4j.model.sim;

/** The three models of the reference: SIM (default), DIEN and DIN. */
public enum ModelType {
    SIM, DIEN, DIN
}
