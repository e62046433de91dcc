package dev.sim4j.cuda.cublas;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.sim4j.cuda.CudaException;
import dev.sim4j.cuda.lib.Downcalls;
import dev.sim4j.cuda.lib.NativeLibrary;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The cuBLAS functions sim4j calls ({@code libcublas.so}). cuBLAS is column-major; {@link CublasHandle} maps sim4j's
 * row-major products onto it.
 */
public final class Cublas {
    /** cublasMath_t: plain float32 (TF32 off) and float32 through the TF32 tensor cores. */
    public static final int PEDANTIC_MATH = 2;
    public static final int TF32_TENSOR_OP_MATH = 3;
    public static final int DEFAULT_MATH = 0;

    private final NativeLibrary library;
    private final MethodHandle cublasCreate;
    private final MethodHandle cublasDestroy;
    private final MethodHandle cublasGetVersion;
    private final MethodHandle cublasSetStream;
    private final MethodHandle cublasSetMathMode;
    private final MethodHandle cublasSetWorkspace;
    private final MethodHandle cublasSgemm;
    private final MethodHandle cublasSgemmStridedBatched;
    private final MethodHandle cublasGemmEx;
    private final MethodHandle cublasGetProperty;

    public Cublas(NativeLibrary library) {
        this.library = library;
        Downcalls d = new Downcalls(library);
        cublasCreate = d.find("cublasCreate_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        cublasDestroy = d.find("cublasDestroy_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        cublasGetVersion = d.find("cublasGetVersion_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        cublasSetStream = d.find("cublasSetStream_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        cublasSetMathMode = d.find("cublasSetMathMode", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        cublasSetWorkspace = d.find("cublasSetWorkspace_v2",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
        cublasSgemm = d.find("cublasSgemm_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
        cublasSgemmStridedBatched = d.find("cublasSgemmStridedBatched", FunctionDescriptor.of(JAVA_INT, ADDRESS,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG,
                JAVA_INT, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT));
        cublasGemmEx = d.find("cublasGemmEx", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT, ADDRESS,
                JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        cublasGetProperty = d.find("cublasGetProperty", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    }

    /** The library's version as "major.minor.patch", without a handle (so without a GPU context). */
    public String libraryVersion() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(JAVA_INT);
            StringBuilder v = new StringBuilder();
            for (int property = 0; property < 3; property++) {
                check((int) cublasGetProperty.invokeExact(property, out), "cublasGetProperty(" + property + ")");
                v.append(property > 0 ? "." : "").append(out.get(JAVA_INT, 0));
            }
            return v.toString();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public NativeLibrary library() {
        return library;
    }

    MemorySegment create() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            check((int) cublasCreate.invokeExact(out), "cublasCreate");
            return out.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void destroy(MemorySegment handle) {
        try {
            check((int) cublasDestroy.invokeExact(handle), "cublasDestroy");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The library version, e.g. 130100 for 13.1.0. */
    public int version(MemorySegment handle) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(JAVA_INT);
            check((int) cublasGetVersion.invokeExact(handle, out), "cublasGetVersion");
            return out.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void setStream(MemorySegment handle, MemorySegment stream) {
        try {
            check((int) cublasSetStream.invokeExact(handle, stream), "cublasSetStream");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void setMathMode(MemorySegment handle, int mode) {
        try {
            check((int) cublasSetMathMode.invokeExact(handle, mode), "cublasSetMathMode(" + mode + ")");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void setWorkspace(MemorySegment handle, long address, long bytes) {
        try {
            check((int) cublasSetWorkspace.invokeExact(handle, address, bytes), "cublasSetWorkspace(bytes=" + bytes + ")");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void sgemm(MemorySegment handle, int opA, int opB, int m, int n, int k, MemorySegment alpha, long a, int lda,
               long b, int ldb, MemorySegment beta, long c, int ldc) {
        try {
            int rc = (int) cublasSgemm.invokeExact(handle, opA, opB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            if (rc != 0) {
                check(rc, "cublasSgemm(op=" + opA + "," + opB + ", m=" + m + ", n=" + n + ", k=" + k + ", lda=" + lda
                        + ", ldb=" + ldb + ", ldc=" + ldc + ")");
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void sgemmStridedBatched(MemorySegment handle, int opA, int opB, int m, int n, int k, MemorySegment alpha, long a,
                             int lda, long strideA, long b, int ldb, long strideB, MemorySegment beta, long c, int ldc,
                             long strideC, int batch) {
        try {
            int rc = (int) cublasSgemmStridedBatched.invokeExact(handle, opA, opB, m, n, k, alpha, a, lda, strideA, b,
                    ldb, strideB, beta, c, ldc, strideC, batch);
            if (rc != 0) {
                check(rc, "cublasSgemmStridedBatched(op=" + opA + "," + opB + ", m=" + m + ", n=" + n + ", k=" + k
                        + ", batch=" + batch + ")");
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** cudaDataType_t values: CUDA_R_32F, CUDA_R_16F, CUDA_R_16BF. */
    public static final int R_32F = 0;
    public static final int R_16F = 2;
    public static final int R_16BF = 14;
    /** cublasComputeType_t CUBLAS_COMPUTE_32F: float accumulation whatever the inputs. */
    static final int COMPUTE_32F = 68;
    /** cublasGemmAlgo_t CUBLAS_GEMM_DEFAULT. */
    static final int GEMM_DEFAULT = -1;

    void gemmEx(MemorySegment handle, int opA, int opB, int m, int n, int k, MemorySegment alpha, long a, int aType,
                int lda, long b, int bType, int ldb, MemorySegment beta, long c, int cType, int ldc) {
        try {
            int rc = (int) cublasGemmEx.invokeExact(handle, opA, opB, m, n, k, alpha, a, aType, lda, b, bType, ldb,
                    beta, c, cType, ldc, COMPUTE_32F, GEMM_DEFAULT);
            if (rc != 0) {
                check(rc, "cublasGemmEx(op=" + opA + "," + opB + ", m=" + m + ", n=" + n + ", k=" + k + ", types="
                        + aType + "," + bType + "," + cType + ")");
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void check(int status, String call) {
        if (status != 0) {
            throw new CudaException(call, status, statusName(status));
        }
    }

    /** cublasStatus_t names (cublasGetStatusString needs a handle-free call that older versions lack). */
    static String statusName(int status) {
        return switch (status) {
            case 1 -> "CUBLAS_STATUS_NOT_INITIALIZED";
            case 3 -> "CUBLAS_STATUS_ALLOC_FAILED";
            case 7 -> "CUBLAS_STATUS_INVALID_VALUE";
            case 8 -> "CUBLAS_STATUS_ARCH_MISMATCH";
            case 11 -> "CUBLAS_STATUS_MAPPING_ERROR";
            case 13 -> "CUBLAS_STATUS_EXECUTION_FAILED";
            case 14 -> "CUBLAS_STATUS_INTERNAL_ERROR";
            case 15 -> "CUBLAS_STATUS_NOT_SUPPORTED";
            case 16 -> "CUBLAS_STATUS_LICENSE_ERROR";
            default -> "cublasStatus_t " + status;
        };
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(t);
    }
}
