package dev.sim4j.cuda.backend;

import dev.sim4j.cuda.driver.Kernel;
import dev.sim4j.engine.Tensor;
import dev.sim4j.engine.kernels.RecurrentKernels;
import java.util.Arrays;

/**
 * The GRU cell and the AUGRU update, forward and backward: element-wise over [B, H] (gates of [B, 3H] in the
 * reference's layout z, r, n), intermediates in double as the reference. Kernels in {@code kernels/recurrent.cu}.
 */
public final class CudaRecurrent implements RecurrentKernels {
    /** Set once by the backend right after construction (the families exist before the backend that owns them). */
    private CudaBackend be;

    CudaRecurrent() {
    }

    void bind(CudaBackend backend) {
        this.be = backend;
    }

    private Kernel kernel(String name) {
        return be.kernels().kernel("recurrent", name).begin();
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
        launch(kernel("gru_cell").pointer(addr(gx)).pointer(addr(gh)).pointer(addr(hPrev)).pointer(addr(hOut))
                .pointer(addr(cache)).i64(b).i32(h), b * h);
    }

    public void gruCellBackward(Tensor gh, Tensor hPrev, Tensor cache, Tensor dh, Tensor dgx, Tensor dgh,
                                Tensor dhPrev) {
        int h = hPrev.dim(-1);
        long b = rowsOf(hPrev);
        require(gh.size() == 3L * b * h && cache.size() == 3L * b * h && dh.size() == b * h
                && dgx.size() == 3L * b * h && dgh.size() == 3L * b * h && dhPrev.size() == b * h,
                "gruCellBackward", gh, hPrev, cache, dh, dgx, dgh, dhPrev);
        launch(kernel("gru_cell_backward").pointer(addr(gh)).pointer(addr(hPrev)).pointer(addr(cache)).pointer(addr(dh))
                .pointer(addr(dgx)).pointer(addr(dgh)).pointer(addr(dhPrev)).i64(b).i32(h), b * h);
    }

    public void augruUpdate(Tensor u, Tensor c, Tensor s, Tensor a, Tensor out, boolean paperForm) {
        int h = s.dim(-1);
        long b = rowsOf(s);
        require(u.size() == b * h && c.size() == b * h && a.size() == b && out.size() == b * h, "augruUpdate", u, c,
                s, a, out);
        launch(kernel("augru_update").pointer(addr(u)).pointer(addr(c)).pointer(addr(s)).pointer(addr(a))
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
        int warpsPerBlock = Launches.THREADS / 32;
        int blocks = (int) Math.min(Launches.MAX_BLOCKS, (b + warpsPerBlock - 1) / warpsPerBlock);
        kernel("augru_update_backward").pointer(addr(u)).pointer(addr(c)).pointer(addr(s)).pointer(addr(a))
                .pointer(addr(dOut)).pointer(addr(du)).pointer(addr(dc)).pointer(addr(ds)).pointer(addr(da)).i64(b)
                .i32(h).i32(paperForm ? 1 : 0).launch(be.stream(), blocks, Launches.THREADS);
    }
}
