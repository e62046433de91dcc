package dev.sim4j.cuda.driver;

/**
 * Told around every kernel launch (and, by the backend, every library call) on a stream: how a profiler brackets
 * device work with events. Called on the launching thread; must not block.
 */
public interface LaunchListener {
    /** Does nothing. */
    LaunchListener NONE = new LaunchListener() {
        @Override
        public void before(String family, String kernel, Stream stream) {
        }

        @Override
        public void after(String family, String kernel, Stream stream) {
        }
    };

    /** Just before {@code kernel} of {@code family} is queued on {@code stream}. */
    void before(String family, String kernel, Stream stream);

    /** Just after it was queued. */
    void after(String family, String kernel, Stream stream);
}
