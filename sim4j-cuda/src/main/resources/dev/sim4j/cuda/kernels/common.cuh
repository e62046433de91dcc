// Shared by every kernel family (prepended to each family's source by KernelLibrary).
// Conventions: row-major tensors; sizes as long long where a product of dimensions can pass 2^31; a 1-D launch covers
// n elements with grid-stride loops, so any grid size is correct. No float atomics anywhere: every reduction runs in
// a fixed order (a fixed tree inside a block, blocks combined in index order), so results are bit-identical from run
// to run.
typedef long long i64;

// ------------------------------------------------------------------------------------------------- activations
// Every family is compiled three times (KernelLibrary): as is, with activations in float32; with SIM4J_BF16 defined,
// with activations in bfloat16; and with SIM4J_F16 defined, with activations in IEEE float16 (both 16-bit builds also
// define SIM4J_HALF). Parameters, their gradients, optimizer state and losses stay float in every build.
// A kernel's activation pointers are `act*`; it reads them through ld() and writes through st(), and computes in
// float (or double) between: so a 16-bit build computes exactly what the float32 build computes from the same
// values and rounds each stored activation once more, to nearest even (the contract CudaMixedPrecisionTest checks).
// Both 16-bit types are kept as their 16 bits (no header needed): bfloat16 is the upper half of a float32; float16
// goes through the PTX conversions (cvt.rn.f16.f32 rounds to nearest even, overflows to infinity, keeps NaN).
#if defined(SIM4J_BF16)
typedef unsigned short act;
__device__ __forceinline__ float ld(act v) {
    return __uint_as_float(((unsigned) v) << 16);
}
__device__ __forceinline__ act st(float f) {
    unsigned u = __float_as_uint(f);
    if ((u & 0x7fffffffu) > 0x7f800000u) return (act) ((u >> 16) | 0x40u);  // NaN stays a (quiet) NaN
    u += 0x7fffu + ((u >> 16) & 1u);
    return (act) (u >> 16);
}
#elif defined(SIM4J_F16)
typedef unsigned short act;
__device__ __forceinline__ float ld(act v) {
    float f;
    asm("cvt.f32.f16 %0, %1;" : "=f"(f) : "h"(v));
    return f;
}
__device__ __forceinline__ act st(float f) {
    unsigned short h;
    asm("cvt.rn.f16.f32 %0, %1;" : "=h"(h) : "f"(f));
    return h;
}
#else
typedef float act;
__device__ __forceinline__ float ld(float v) {
    return v;
}
__device__ __forceinline__ float st(float f) {
    return f;
}
#endif

// The type of the element-wise math between loads and stores: double in the float32 build (the scalar reference's
// single rounding of a double result, bit for bit), float in the 16-bit builds, where the result keeps 8 (bfloat16)
// or 11 (float16) bits of significand and double arithmetic, not memory, was what bounded the element-wise kernels
// (docs/gpu.md). So a 16-bit build's transcendental kernels give the float32 build's results rounded to its type
// except where float math lands on the other side of a rounding boundary (then one ulp of the type apart;
// CudaMixedPrecision*Test).
#ifdef SIM4J_HALF
typedef float real;
#else
typedef double real;
#endif

// v as the activation type stores it: what a kernel that stands for a composition (ADR 0011) computes on where the
// composition would store an intermediate activation and read it back (identity in the float32 build).
__device__ __forceinline__ float rnd(float v) {
    return ld(st(v));
}

#define GRID_STRIDE(i, n) for (i64 i = (i64) blockIdx.x * blockDim.x + threadIdx.x; i < (n); \
                               i += (i64) blockDim.x * gridDim.x)

// ------------------------------------------------------------------------------------------------- eight at a time
// Element-wise kernels are bound by the number of memory instructions, not by bytes (docs/gpu.md): one 2-byte load
// per thread and element. So they take eight consecutive elements per thread with 16-byte accesses where every
// pointer is 16-byte aligned (a warp-uniform test: the pointers are the launch's), and the rest one by one. The math
// per element is the same code in both paths, so the results are the same bits.
struct __align__(16) act8 {
    act v[8];
};

__device__ __forceinline__ bool aligned16(const void* p) {
    return (((unsigned long long) p) & 15ull) == 0;
}

template <class T>
__device__ __forceinline__ T load_vec(const void* p) {
    T r;
    const uint4* q = reinterpret_cast<const uint4*>(p);
    uint4* d = reinterpret_cast<uint4*>(&r);
#pragma unroll
    for (int k = 0; k < (int) (sizeof(T) / 16); k++) d[k] = q[k];
    return r;
}

template <class T>
__device__ __forceinline__ void store_vec(void* p, const T& v) {
    uint4* q = reinterpret_cast<uint4*>(p);
    const uint4* s = reinterpret_cast<const uint4*>(&v);
#pragma unroll
    for (int k = 0; k < (int) (sizeof(T) / 16); k++) q[k] = s[k];
}

// Four consecutive activations (8 bytes in the 16-bit builds, 16 in float32), for rows whose widths are multiples of
// four but not of eight; accessed as one aligned vector where aligned_to(p, sizeof(act4)).
struct alignas(4 * sizeof(act)) act4 {
    act v[4];
};

__device__ __forceinline__ bool aligned_to(const void* p, unsigned long long bytes) {
    return (((unsigned long long) p) & (bytes - 1)) == 0;
}

template <class T>
__device__ __forceinline__ T load_v(const act* p) {
    return load_vec<T>(p);
}

template <>
__device__ __forceinline__ act4 load_v<act4>(const act* p) {
    return *reinterpret_cast<const act4*>(p);
}

template <class T>
__device__ __forceinline__ void store_v(act* p, const T& v) {
    store_vec(p, v);
}

template <>
__device__ __forceinline__ void store_v<act4>(act* p, const act4& v) {
    *reinterpret_cast<act4*>(p) = v;
}

// f8(i) for i = 0, 8, 16, ... below n rounded down to eight when `vec`, then f1(i) for every element left (all of
// them when not `vec`), each loop with a grid stride over the launch's threads.
template <class F8, class F1>
__device__ __forceinline__ void for_each8(i64 n, bool vec, F8 f8, F1 f1) {
    i64 done = 0;
    if (vec) {
        i64 groups = n >> 3;
        GRID_STRIDE(g, groups) f8(g << 3);
        done = groups << 3;
    }
    for (i64 i = done + (i64) blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (i64) blockDim.x * gridDim.x) f1(i);
}

// out[i] = st(op(ld(a[i]))) over n elements; out may alias a.
template <class Op>
__device__ __forceinline__ void map1(const act* a, act* out, i64 n, Op op) {
    for_each8(n, aligned16(a) && aligned16(out),
        [&](i64 i) {
            act8 x = load_vec<act8>(a + i);
            act8 o;
#pragma unroll
            for (int k = 0; k < 8; k++) o.v[k] = st(op(ld(x.v[k])));
            store_vec(out + i, o);
        },
        [&](i64 i) { out[i] = st(op(ld(a[i]))); });
}

// out[i] = st(op(ld(a[i]), ld(b[i]))) over n elements; out may alias a or b.
template <class Op>
__device__ __forceinline__ void map2(const act* a, const act* b, act* out, i64 n, Op op) {
    for_each8(n, aligned16(a) && aligned16(b) && aligned16(out),
        [&](i64 i) {
            act8 x = load_vec<act8>(a + i);
            act8 y = load_vec<act8>(b + i);
            act8 o;
#pragma unroll
            for (int k = 0; k < 8; k++) o.v[k] = st(op(ld(x.v[k]), ld(y.v[k])));
            store_vec(out + i, o);
        },
        [&](i64 i) { out[i] = st(op(ld(a[i]), ld(b[i]))); });
}

// Sum of v over the 32 lanes of a warp in a fixed butterfly order; every lane gets the result.
__device__ __forceinline__ float warp_sum(float v) {
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}

__device__ __forceinline__ double warp_sum_d(double v) {
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}

__device__ __forceinline__ float warp_max(float v) {
    for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
    return v;
}

// Sum over a block of blockDim.x threads (a multiple of 32, at most 1024) in a fixed order; the result is valid in
// thread 0. `scratch` holds 32 floats of shared memory.
__device__ __forceinline__ float block_sum(float v, float* scratch) {
    int lane = threadIdx.x & 31;
    int warp = threadIdx.x >> 5;
    v = warp_sum(v);
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    int warps = blockDim.x >> 5;
    v = threadIdx.x < warps ? scratch[threadIdx.x] : 0.0f;
    if (warp == 0) v = warp_sum(v);
    __syncthreads();
    return v;
}

__device__ __forceinline__ double block_sum_d(double v, double* scratch) {
    int lane = threadIdx.x & 31;
    int warp = threadIdx.x >> 5;
    v = warp_sum_d(v);
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    int warps = blockDim.x >> 5;
    v = threadIdx.x < warps ? scratch[threadIdx.x] : 0.0;
    if (warp == 0) v = warp_sum_d(v);
    __syncthreads();
    return v;
}

// ------------------------------------------------------------------------------------------------- element helpers
// Shared by the dense kernels and the fused recurrent steps, so a fused kernel rounds exactly as the separate ones.

// A flat index's column and row in rows of n. 64-bit division costs several times a 32-bit one on the GPU, so
// kernels take the 32-bit path when every index fits in 31 bits (`small`, a launch-wide and so warp-uniform flag);
// indices are never negative, so both paths give the same values.
__device__ __forceinline__ bool fits_31_bits(i64 total) {
    return total <= 0x7fffffffLL;
}

__device__ __forceinline__ int column_of(i64 i, int n, bool small) {
    return small ? (int) ((unsigned) i % (unsigned) n) : (int) (i % n);
}

__device__ __forceinline__ i64 row_of(i64 i, int n, bool small) {
    return small ? (i64) ((unsigned) i / (unsigned) n) : i / n;
}

#ifndef SIM4J_HALF
// The reference's sigmoid in double (the branch keeps exp from overflowing), rounded once.
__device__ __forceinline__ float sigmoid_of(float x) {
    double v = (double) x;
    double s = v >= 0 ? 1.0 / (1.0 + exp(-v)) : exp(v) / (1.0 + exp(v));
    return __double2float_rn(s);
}

// The reference's tanh in double, rounded once.
__device__ __forceinline__ float tanh_of(float x) {
    return __double2float_rn(tanh((double) x));
}

// The reference's sigmoid backward dy * y * (1 - y) in double, rounded once (shared with column_partials' mode 2).
__device__ __forceinline__ float sigmoid_backward_of(float y, float dy) {
    double s = (double) y;
    return __double2float_rn(__dmul_rn(__dmul_rn((double) dy, s), __dsub_rn(1.0, s)));
}

// The reference's tanh backward dy * (1 - y^2) in double, rounded once.
__device__ __forceinline__ float tanh_backward_of(float y, float dy) {
    double s = (double) y;
    return __double2float_rn(__dmul_rn((double) dy, __dsub_rn(1.0, __dmul_rn(s, s))));
}
#else
// The 16-bit builds' versions: the same formulas in float (CUDA's expf and tanhf, a few ulps of float).
__device__ __forceinline__ float sigmoid_of(float v) {
    return v >= 0 ? 1.0f / (1.0f + expf(-v)) : expf(v) / (1.0f + expf(v));
}

__device__ __forceinline__ float tanh_of(float x) {
    return tanhf(x);
}

__device__ __forceinline__ float sigmoid_backward_of(float y, float dy) {
    return __fmul_rn(__fmul_rn(dy, y), __fsub_rn(1.0f, y));
}

__device__ __forceinline__ float tanh_backward_of(float y, float dy) {
    return __fmul_rn(dy, __fsub_rn(1.0f, __fmul_rn(y, y)));
}
#endif
