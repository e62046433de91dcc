package dev.sim4j.cuda;

/**
 * A CUDA, NVRTC or cuBLAS call failed: the message names the call, its arguments (sizes, shapes) and the library's
 * own error name and text, e.g. {@code cuMemAlloc(bytes=17179869184): CUDA_ERROR_OUT_OF_MEMORY (out of memory)}.
 */
public final class CudaException extends RuntimeException {
    private final String call;
    private final int status;

    public CudaException(String call, int status, String detail) {
        super(call + ": " + detail);
        this.call = call;
        this.status = status;
    }

    /** The call with its arguments, as in the message. */
    public String call() {
        return call;
    }

    /** The library's status code (CUresult, nvrtcResult or cublasStatus_t). */
    public int status() {
        return status;
    }
}
