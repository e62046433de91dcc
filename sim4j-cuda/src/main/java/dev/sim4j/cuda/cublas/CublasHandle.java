package dev.sim4j.cuda.cublas;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import dev.sim4j.cuda.driver.Stream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A cuBLAS handle bound to one stream, with its math mode (TF32 on or off) and a fixed workspace (so products are
 * reproducible and can be captured in a CUDA graph). Products are row-major: {@code C[M,N] = alpha op(A) op(B) + beta
 * C}, done as the column-major product {@code C^T = op(B)^T op(A)^T}, which needs no transposes of memory.
 */
public final class CublasHandle implements AutoCloseable {
    private final Cublas cublas;
    private final MemorySegment handle;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment alpha = arena.allocate(JAVA_FLOAT);
    private final MemorySegment beta = arena.allocate(JAVA_FLOAT);
    private boolean closed;

    /**
     * A handle on {@code stream}; {@code tf32} lets float32 products use the TF32 tensor cores; {@code workspace}
     * (device address, bytes) is the scratch cuBLAS may use (0, 0 for none).
     */
    public CublasHandle(Cublas cublas, Stream stream, boolean tf32, long workspace, long workspaceBytes) {
        this.cublas = cublas;
        this.handle = cublas.create();
        cublas.setStream(handle, stream.handle());
        cublas.setMathMode(handle, tf32 ? Cublas.TF32_TENSOR_OP_MATH : Cublas.PEDANTIC_MATH);
        if (workspaceBytes > 0) {
            cublas.setWorkspace(handle, workspace, workspaceBytes);
        }
    }

    /** cuBLAS's version number (e.g. 130100). */
    public int version() {
        return cublas.version(handle);
    }

    /**
     * Row-major {@code C[M,N] = alpha op(A) op(B) + beta C}: A is [M,K] ([K,M] when transposed), B [K,N] ([N,K] when
     * transposed), leading dimensions as stored (row lengths).
     */
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alphaValue, long a, int lda, long b,
                     int ldb, float betaValue, long c, int ldc) {
        alpha.set(JAVA_FLOAT, 0, alphaValue);
        beta.set(JAVA_FLOAT, 0, betaValue);
        cublas.sgemm(handle, transB ? 1 : 0, transA ? 1 : 0, n, m, k, alpha, b, ldb, a, lda, beta, c, ldc);
    }

    /**
     * {@link #gemm} with element types per operand ({@link Cublas#R_32F}, {@link Cublas#R_16BF}; A and B of one type),
     * accumulated in float32: bfloat16 inputs run on the tensor cores, a float32 C takes the exact float results.
     */
    public void gemmEx(boolean transA, boolean transB, int m, int n, int k, float alphaValue, long a, int lda, long b,
                       int ldb, int abType, float betaValue, long c, int ldc, int cType) {
        alpha.set(JAVA_FLOAT, 0, alphaValue);
        beta.set(JAVA_FLOAT, 0, betaValue);
        cublas.gemmEx(handle, transB ? 1 : 0, transA ? 1 : 0, n, m, k, alpha, b, abType, ldb, a, abType, lda, beta, c,
                cType, ldc);
    }

    /** {@link #gemm} over {@code batch} matrices at fixed element strides. */
    public void gemmBatched(boolean transA, boolean transB, int m, int n, int k, float alphaValue, long a, int lda,
                            long strideA, long b, int ldb, long strideB, float betaValue, long c, int ldc, long strideC,
                            int batch) {
        alpha.set(JAVA_FLOAT, 0, alphaValue);
        beta.set(JAVA_FLOAT, 0, betaValue);
        cublas.sgemmStridedBatched(handle, transB ? 1 : 0, transA ? 1 : 0, n, m, k, alpha, b, ldb, strideB, a, lda,
                strideA, beta, c, ldc, strideC, batch);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            cublas.destroy(handle);
            arena.close();
        }
    }
}
