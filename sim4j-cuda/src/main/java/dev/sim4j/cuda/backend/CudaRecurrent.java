package dev.sim4j.cuda.backend;

import dev.sim4j.cuda.driver.Kernel;
import dev.sim4j.engine.DType;
import dev.sim4j.engine.Tensor;
import dev.sim4j.engine.kernels.RecurrentKernels;
import java.util.Arrays;

/**
 * The GRU cell and the AUGRU update, forward and backward: element-wise over [B, H] (gates of [B, 3H] in the
 * reference's layout z, r, n), intermediates in double as the reference. Kernels in {@code kernels/recurrent.cu}.
 * Every tensor but the GRU's recurrent bias is an activation (the gate caches included): all F32 or all BF16, which
 * picks the kernels' build; the bias is an F32 parameter.
 */
public final class CudaRecurrent implements RecurrentKernels {
    /** Set once by the backend right after construction (the families exist before the backend that owns them). */
    private CudaBackend be;

    CudaRecurrent() {
    }

    void bind(CudaBackend backend) {
        this.be = backend;
    }

    /** Kernel {@code name} of the build for activations of type {@code act}. */
    private Kernel kernel(String name, DType act) {
        return be.kernels().kernel("recurrent", name, act).begin();
    }

    private static long addr(Tensor t) {
        return CudaBackend.cuda(t).address();
    }

    private static void require(boolean ok, String what, Tensor... ts) {
        if (!ok) {
            StringBuilder b = new StringBuilder(what).append(": shapes");
            for (Tensor t : ts) {
                b.append(' ').append(Arrays.toString(t.shape()));
            }
            throw new IllegalArgumentException(b.toString());
        }
    }

    private static long rowsOf(Tensor x) {
        return x.rank() == 0 || x.dim(-1) == 0 ? 0 : x.size() / x.dim(-1);
    }

    private void launch(Kernel k, long n) {
        k.launch(be.stream(), Launches.blocks(n), Launches.THREADS);
    }

    public void gruCell(Tensor gx, Tensor gh, Tensor hPrev, Tensor hOut, Tensor cache) {
        int h = hPrev.dim(-1);
        long b = rowsOf(hPrev);
        require(gx.size() == 3L * b * h && gh.size() == 3L * b * h && cache.size() == 3L * b * h
                && hOut.size() == b * h, "gruCell", gx, gh, hPrev, hOut, cache);
        DType act = Activations.of("gruCell", gx, gh, hPrev, hOut, cache);
        launch(kernel("gru_cell", act).pointer(addr(gx)).pointer(addr(gh)).pointer(addr(hPrev)).pointer(addr(hOut))
                .pointer(addr(cache)).i64(b).i32(h), b * h);
    }

    public void gruCellBackward(Tensor gh, Tensor hPrev, Tensor cache, Tensor dh, Tensor dgx, Tensor dgh,
                                Tensor dhPrev) {
        int h = hPrev.dim(-1);
        long b = rowsOf(hPrev);
        require(gh.size() == 3L * b * h && cache.size() == 3L * b * h && dh.size() == b * h
                && dgx.size() == 3L * b * h && dgh.size() == 3L * b * h && dhPrev.size() == b * h,
                "gruCellBackward", gh, hPrev, cache, dh, dgx, dgh, dhPrev);
        DType act = Activations.of("gruCellBackward", gh, hPrev, cache, dh, dgx, dgh, dhPrev);
        launch(kernel("gru_cell_backward", act).pointer(addr(gh)).pointer(addr(hPrev)).pointer(addr(cache))
                .pointer(addr(dh)).pointer(addr(dgx)).pointer(addr(dgh)).pointer(addr(dhPrev)).i64(b).i32(h), b * h);
    }

    public void augruUpdate(Tensor u, Tensor c, Tensor s, Tensor a, Tensor out, boolean paperForm) {
        int h = s.dim(-1);
        long b = rowsOf(s);
        require(u.size() == b * h && c.size() == b * h && a.size() == b && out.size() == b * h, "augruUpdate", u, c,
                s, a, out);
        DType act = Activations.of("augruUpdate", u, c, s, a, out);
        launch(kernel("augru_update", act).pointer(addr(u)).pointer(addr(c)).pointer(addr(s)).pointer(addr(a))
                .pointer(addr(out)).i64(b).i32(h).i32(paperForm ? 1 : 0), b * h);
    }

    /** One warp per row b (da[b] is a sum over the row). */
    public void augruUpdateBackward(Tensor u, Tensor c, Tensor s, Tensor a, Tensor dOut, Tensor du, Tensor dc,
                                    Tensor ds, Tensor da, boolean paperForm) {
        int h = s.dim(-1);
        long b = rowsOf(s);
        require(u.size() == b * h && c.size() == b * h && a.size() == b && dOut.size() == b * h
                && du.size() == b * h && dc.size() == b * h && ds.size() == b * h && da.size() == b,
                "augruUpdateBackward", u, c, s, a, dOut, du, dc, ds, da);
        DType act = Activations.of("augruUpdateBackward", u, c, s, a, dOut, du, dc, ds, da);
        int warpsPerBlock = Launches.THREADS / 32;
        int blocks = (int) Math.min(Launches.MAX_BLOCKS, (b + warpsPerBlock - 1) / warpsPerBlock);
        kernel("augru_update_backward", act).pointer(addr(u)).pointer(addr(c)).pointer(addr(s)).pointer(addr(a))
                .pointer(addr(dOut)).pointer(addr(du)).pointer(addr(dc)).pointer(addr(ds)).pointer(addr(da)).i64(b)
                .i32(h).i32(paperForm ? 1 : 0).launch(be.stream(), blocks, Launches.THREADS);
    }

    // ---------------------------------------------------------------- fused steps (Backend's defaults, ADR 0011)

    /** Each tensor of {@code ts} holds {@code widths[k]} values per row of B rows. */
    private static void requireRows(String what, long b, long[] widths, Tensor... ts) {
        for (int k = 0; k < ts.length; k++) {
            require(ts[k].size() == b * widths[k], what, ts);
        }
    }

    /** gh += bRec, then the GRU cell: one kernel. */
    void gruStep(Tensor gx, Tensor gh, Tensor bRec, Tensor hPrev, Tensor hOut, Tensor cache) {
        int h = hPrev.dim(-1);
        long b = rowsOf(hPrev);
        requireRows("gruStep", b, new long[] {3L * h, 3L * h, h, 3L * h}, gx, gh, hOut, cache);
        require(bRec.size() == 3L * h, "gruStep", gh, bRec);
        DType act = Activations.of("gruStep", gx, gh, hPrev, hOut, cache);
        Activations.parameters("gruStep", bRec);
        launch(kernel("gru_step", act).pointer(addr(gx)).pointer(addr(gh)).pointer(addr(bRec)).pointer(addr(hPrev))
                .pointer(addr(hOut)).pointer(addr(cache)).i64(b).i32(h), b * h);
    }

    /** dhStep = dh + carry, then the GRU cell's backward: one kernel. */
    void gruStepBackward(Tensor dh, Tensor carry, Tensor gh, Tensor hPrev, Tensor cache, Tensor dhStep, Tensor dgx,
                         Tensor dgh, Tensor dhPrev) {
        int h = hPrev.dim(-1);
        long b = rowsOf(hPrev);
        requireRows("gruStepBackward", b, new long[] {h, h, 3L * h, 3L * h, h, 3L * h, 3L * h, h},
                dh, carry, gh, cache, dhStep, dgx, dgh, dhPrev);
        DType act = Activations.of("gruStepBackward", dh, carry, gh, hPrev, cache, dhStep, dgx, dgh, dhPrev);
        launch(kernel("gru_step_backward", act).pointer(addr(dh)).pointer(addr(carry)).pointer(addr(gh))
                .pointer(addr(hPrev)).pointer(addr(cache)).pointer(addr(dhStep)).pointer(addr(dgx))
                .pointer(addr(dgh)).pointer(addr(dhPrev)).i64(b).i32(h), b * h);
    }

    /** The AUGRU gates, their halves and r * s: one kernel. */
    void augruGates(Tensor gp, Tensor s, Tensor g, Tensor r, Tensor u, Tensor rs) {
        int h = s.dim(-1);
        long b = rowsOf(s);
        requireRows("augruGates", b, new long[] {2L * h, 2L * h, h, h, h}, gp, g, r, u, rs);
        DType act = Activations.of("augruGates", gp, s, g, r, u, rs);
        launch(kernel("augru_gates", act).pointer(addr(gp)).pointer(addr(s)).pointer(addr(g)).pointer(addr(r))
                .pointer(addr(u)).pointer(addr(rs)).i64(b).i32(h), b * h);
    }

    /** tanh of the candidate, then the AUGRU update: one kernel. */
    void augruCandidateUpdate(Tensor cp, Tensor u, Tensor s, Tensor a, Tensor c, Tensor out, boolean paperForm) {
        int h = s.dim(-1);
        long b = rowsOf(s);
        requireRows("augruCandidateUpdate", b, new long[] {h, h, h, h}, cp, u, c, out);
        require(a.size() == b, "augruCandidateUpdate", s, a);
        DType act = Activations.of("augruCandidateUpdate", cp, u, s, a, c, out);
        launch(kernel("augru_candidate_update", act).pointer(addr(cp)).pointer(addr(u)).pointer(addr(s))
                .pointer(addr(a)).pointer(addr(c)).pointer(addr(out)).i64(b).i32(h).i32(paperForm ? 1 : 0), b * h);
    }

    /** The update's backward and the candidate's tanh backward: one warp per row (da sums over the row). */
    void augruCandidateUpdateBackward(Tensor u, Tensor c, Tensor s, Tensor a, Tensor ds, Tensor du, Tensor dc,
                                      Tensor da, Tensor dcp, Tensor dsPrev, boolean paperForm) {
        int h = s.dim(-1);
        long b = rowsOf(s);
        requireRows("augruCandidateUpdateBackward", b, new long[] {h, h, h, h, h, h, h}, u, c, ds, du, dc, dcp, dsPrev);
        require(a.size() == b && da.size() == b, "augruCandidateUpdateBackward", s, a, da);
        DType act = Activations.of("augruCandidateUpdateBackward", u, c, s, a, ds, du, dc, da, dcp, dsPrev);
        int warpsPerBlock = Launches.THREADS / 32;
        int blocks = (int) Math.min(Launches.MAX_BLOCKS, (b + warpsPerBlock - 1) / warpsPerBlock);
        kernel("augru_candidate_update_backward", act).pointer(addr(u)).pointer(addr(c)).pointer(addr(s))
                .pointer(addr(a)).pointer(addr(ds)).pointer(addr(du)).pointer(addr(dc)).pointer(addr(da))
                .pointer(addr(dcp)).pointer(addr(dsPrev)).i64(b).i32(h).i32(paperForm ? 1 : 0)
                .launch(be.stream(), blocks, Launches.THREADS);
    }

    /** The gates' backward into dgp and dsPrev: one kernel. */
    void augruGatesBackward(Tensor drs, Tensor s, Tensor r, Tensor du, Tensor g, Tensor dgp, Tensor dsPrev) {
        int h = s.dim(-1);
        long b = rowsOf(s);
        requireRows("augruGatesBackward", b, new long[] {h, h, h, 2L * h, 2L * h, h}, drs, r, du, g, dgp, dsPrev);
        DType act = Activations.of("augruGatesBackward", drs, s, r, du, g, dgp, dsPrev);
        launch(kernel("augru_gates_backward", act).pointer(addr(drs)).pointer(addr(s)).pointer(addr(r))
                .pointer(addr(du)).pointer(addr(g)).pointer(addr(dgp)).pointer(addr(dsPrev)).i64(b).i32(h), b * h);
    }
}
