package dev.sim4j.model.layers;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.Tensor;
import dev.sim4j.model.init.Initializer;
import dev.sim4j.model.init.ParameterFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * GRU with attentional update gate (DIEN). Per step, with x_t [B, H] and attention a_t [B]:
 * [r, u] = sigmoid([x_t; s] W_g + b_g) ({@code {name}.gates.*} [2H, 2H], [2H], column blocks r then u, bias init 1),
 * c = tanh([x_t; r * s] W_c + b_c) ({@code {name}.candidate.*} [2H, H], [H], bias init 0), then the
 * {@link AugruForm} update: code form u' = (1 - a_t) u, s' = u' s + (1 - u') c (the reference), paper form
 * u' = a_t u, s' = (1 - u') s + u' c. Initial state zero. x [B, T, H], a [B, T] -> final state [B, H].
 */
public final class AuGru {
    /** Gradients of the inputs: dX [B, T, H], dA [B, T]. */
    public record Grads(Tensor dX, Tensor dA) {
    }

    private record Step(Tensor sPrev, Tensor xs, Tensor gates, Tensor r, Tensor u, Tensor xc, Tensor c, Tensor a) {
    }

    private final Backend be;
    private final int hidden;
    private final AugruForm form;
    private final Dense gates;
    private final Dense candidate;
    private final List<Step> steps = new ArrayList<>();
    private int batch;

    public AuGru(ParameterFactory f, String name, int hidden, AugruForm form) {
        this.be = f.backend();
        this.hidden = hidden;
        this.form = form;
        this.gates = new Dense(f, name + ".gates", 2 * hidden, 2 * hidden, Initializer.constant(1.0));
        this.candidate = new Dense(f, name + ".candidate", 2 * hidden, hidden, Initializer.zeros());
    }

    /** The final state [B, H] for inputs x [B, T, H] and attention weights a [B, T]. */
    public Tensor forward(Tensor x, Tensor a) {
        int b = x.dim(0);
        int t = x.dim(1);
        batch = b;
        Tensor xT = Tensors.timeMajor(be, x);
        Tensor aT = Tensors.timeMajor(be, a.reshape(b, t, 1));
        steps.clear();
        Tensor s = Tensors.zeros(be, b, hidden);
        for (int k = 0; k < t; k++) {
            Tensor xt = Tensors.step(xT, k);
            Tensor at = Tensors.step(aT, k).reshape(b);
            Tensor xs = Tensors.concat(be, xt, s);
            Tensor pre = matmulBias(gates, xs);
            Tensor g = Tensors.zeros(be, b, 2 * hidden);
            be.sigmoid(pre, g);
            List<Tensor> ru = Tensors.split(be, g, hidden, hidden);
            Tensor rs = Tensors.zeros(be, b, hidden);
            be.mul(ru.get(0), s, rs);
            Tensor xc = Tensors.concat(be, xt, rs);
            Tensor cPre = matmulBias(candidate, xc);
            Tensor c = Tensors.zeros(be, b, hidden);
            be.tanh(cPre, c);
            Tensor next = Tensors.zeros(be, b, hidden);
            be.augruUpdate(ru.get(1), c, s, at, next, form.paper());
            steps.add(new Step(s, xs, g, ru.get(0), ru.get(1), xc, c, at));
            s = next;
        }
        return s;
    }

    /** y = x W + b without caching x in the Dense (the steps share one Dense, so each step keeps its own input). */
    private Tensor matmulBias(Dense d, Tensor x) {
        Tensor y = Tensors.zeros(be, x.dim(0), d.out());
        be.matmul(x, false, d.kernel().value(), false, y, 0);
        be.addRowVector(y, d.bias().value());
        return y;
    }

    /** dW += x^T dy, db += sum dy; returns dx = dy W^T. */
    private Tensor matmulBiasBackward(Dense d, Tensor x, Tensor dy) {
        be.matmul(x, true, dy, false, d.kernel().grad(), 1);
        be.sumRows(dy, d.bias().grad(), 1);
        Tensor dx = Tensors.zeros(be, x.dim(0), d.in());
        be.matmul(dy, false, d.kernel().value(), true, dx, 0);
        return dx;
    }

    /** Accumulates the gate and candidate gradients; returns dX [B, T, H] and dA [B, T] for dOut [B, H]. */
    public Grads backward(Tensor dOut) {
        int t = steps.size();
        int b = batch;
        Tensor dxT = Tensors.zeros(be, t, b, hidden);
        Tensor daT = Tensors.zeros(be, t, b, 1);
        Tensor ds = dOut;
        for (int k = t - 1; k >= 0; k--) {
            Step st = steps.get(k);
            Tensor du = Tensors.zeros(be, b, hidden);
            Tensor dc = Tensors.zeros(be, b, hidden);
            Tensor dsPrev = Tensors.zeros(be, b, hidden);
            be.augruUpdateBackward(st.u(), st.c(), st.sPrev(), st.a(), ds, du, dc, dsPrev,
                    Tensors.step(daT, k).reshape(b), form.paper());
            Tensor dcPre = Tensors.zeros(be, b, hidden);
            be.tanhBackward(st.c(), dc, dcPre);
            Tensor dxc = matmulBiasBackward(candidate, st.xc(), dcPre);
            Tensor dxt = Tensors.step(dxT, k);
            Tensor drs = Tensors.zeros(be, b, hidden);
            be.splitColumns(dxc, List.of(dxt, drs), false);
            Tensor dr = Tensors.zeros(be, b, hidden);
            be.mul(drs, st.sPrev(), dr);
            Tensor dsFromR = Tensors.zeros(be, b, hidden);
            be.mul(drs, st.r(), dsFromR);
            be.axpy(1, dsFromR, dsPrev);
            Tensor dg = Tensors.concat(be, dr, du);
            Tensor dgPre = Tensors.zeros(be, b, 2 * hidden);
            be.sigmoidBackward(st.gates(), dg, dgPre);
            Tensor dxs = matmulBiasBackward(gates, st.xs(), dgPre);
            be.splitColumns(dxs, List.of(dxt, dsPrev), true);
            ds = dsPrev;
        }
        Tensor dX = Tensors.zeros(be, b, t, hidden);
        be.transpose01(dxT, dX);
        Tensor dA = Tensors.zeros(be, b, t, 1);
        be.transpose01(daT, dA);
        return new Grads(dX, dA.reshape(b, t));
    }
}
