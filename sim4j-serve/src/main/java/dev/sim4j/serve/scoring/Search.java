package dev.sim4j.serve.scoring;

/**
 * How the long part of a candidate's history (the L - S events before the S most recent) is picked from the user's
 * lifelong history. The S most recent events (DIEN's short history) are always the short part.
 */
public enum Search {
    /** The events just before the short part, as a training row holds them. */
    RECENT,
    /** Hard search: the most recent events of the candidate's category (the User Behavior Tree's branch). */
    HARD,
    /**
     * Soft search: the events of the whole history with the largest dot product between their vector and the
     * candidate's (the model's GSU score), kept in time order; the model's top-k then picks among them, so it picks
     * the top k of the whole history. A history that fits the window gives exactly the RECENT window.
     */
    SOFT
}
