package dev.sim4j.serve.http;

/** A request the service refuses, with the one-line reason sent back as {@code {"error": ...}} and its 4xx status. */
final class BadRequest extends RuntimeException {
    private final int status;

    BadRequest(String reason) {
        this(400, reason);
    }

    BadRequest(int status, String reason) {
        super(reason, null, false, false);
        this.status = status;
    }

    int status() {
        return status;
    }
}
