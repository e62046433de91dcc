package dev.sim4j.model.layers;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.Tensor;
import dev.sim4j.model.init.Initializer;
import dev.sim4j.model.init.ParameterFactory;

/**
 * GRU with attentional update gate (DIEN). Per step, with x_t [B, H] and attention a_t [B]:
 * [r, u] = sigmoid([x_t; s] W_g + b_g) ({@code {name}.gates.*} [2H, 2H], [2H], column blocks r then u, bias init 1),
 * c = tanh([x_t; r * s] W_c + b_c) ({@code {name}.candidate.*} [2H, H], [H], bias init 0), then the
 * {@link AugruForm} update: code form u' = (1 - a_t) u, s' = u' s + (1 - u') c (the reference), paper form
 * u' = a_t u, s' = (1 - u') s + u' c. Initial state zero. x [B, T, H], a [B, T] -> final state [B, H].
 *
 * <p>The concatenations are never built: [x_t; s] W = x_t W[:H] + s W[H:], so the x_t halves of both products run
 * for all steps as one large matrix product before the loop, only the state halves run per step, and every weight
 * gradient is one product over all T B rows after the backward loop (per-step products of 2048 rows kept one of the
 * two cores idle much of the time).
 */
public final class AuGru {
    /** Gradients of the inputs: dX [B, T, H], dA [B, T]. */
    public record Grads(Tensor dX, Tensor dA) {
    }

    private final Backend be;
    private final int hidden;
    private final AugruForm form;
    private final Dense gates;
    private final Dense candidate;
    // forward caches, time-major
    private Tensor xT;       // [T*B, H]
    private Tensor aT;       // [T, B]
    private Tensor states;   // [T+1, B, H]: states[0] = 0, states[k+1] = state after step k
    private Tensor gatesT;   // [T, B, 2H] sigmoid outputs (r, u)
    private Tensor rT;       // [T, B, H]
    private Tensor uT;       // [T, B, H]
    private Tensor rsT;      // [T, B, H] r * s_prev
    private Tensor cT;       // [T, B, H]
    private int batch;
    private int steps;

    public AuGru(ParameterFactory f, String name, int hidden, AugruForm form) {
        this.be = f.backend();
        this.hidden = hidden;
        this.form = form;
        this.gates = new Dense(f, name + ".gates", 2 * hidden, 2 * hidden, Initializer.constant(1.0));
        this.candidate = new Dense(f, name + ".candidate", 2 * hidden, hidden, Initializer.zeros());
    }

    /** The rows of a [2H, N] kernel that multiply x (the first H) or the state (the last H), as a view. */
    private Tensor inputHalf(Tensor kernel) {
        return kernel.rows(0, hidden);
    }

    private Tensor stateHalf(Tensor kernel) {
        return kernel.rows(hidden, 2 * hidden);
    }

    /** The final state [B, H] for inputs x [B, T, H] and attention weights a [B, T]. */
    public Tensor forward(Tensor x, Tensor a) {
        int b = x.dim(0);
        int t = x.dim(1);
        int h = hidden;
        xT = Tensors.timeMajor(be, x).reshape(t * b, h);
        // Pre-activations, x halves and biases for all steps at once; the state halves are added per step.
        Tensor gatePre = Tensors.empty(be, t * b, 2 * h);
        Tensor candPre = Tensors.empty(be, t * b, h);
        inputPreActivations(xT, gatePre, candPre);
        return recur(gatePre.reshape(t, b, 2 * h), candPre.reshape(t, b, h), a);
    }

    /**
     * {@link #forward} for rows in groups that share the inputs x (inference only: no backward after it): the input
     * halves of the products run once per group, on {@code groupX} [G, T, H], and each row takes its group's (rows
     * are independent, so these are the values its own products would give); only the recurrence runs per row.
     *
     * @param groupOfRow I32 [B], each row's group in [0, G)
     */
    public Tensor forwardShared(Tensor groupX, Tensor groupOfRow, Tensor a) {
        int g = groupX.dim(0);
        int t = groupX.dim(1);
        int b = groupOfRow.dim(0);
        int h = hidden;
        Tensor gxT = Tensors.timeMajor(be, groupX).reshape(t * g, h);
        Tensor groupGatePre = Tensors.empty(be, t * g, 2 * h);
        Tensor groupCandPre = Tensors.empty(be, t * g, h);
        inputPreActivations(gxT, groupGatePre, groupCandPre);
        Tensor gatePreT = Tensors.empty(be, t, b, 2 * h);
        Tensor candPreT = Tensors.empty(be, t, b, h);
        for (int k = 0; k < t; k++) {
            be.gatherRows(groupGatePre.rows(k * g, (k + 1) * g), groupOfRow, Tensors.step(gatePreT, k));
            be.gatherRows(groupCandPre.rows(k * g, (k + 1) * g), groupOfRow, Tensors.step(candPreT, k));
        }
        xT = null;
        return recur(gatePreT, candPreT, a);
    }

    /** The input halves of both products and the biases, for time-major inputs [T*B, H]. */
    private void inputPreActivations(Tensor xRows, Tensor gatePre, Tensor candPre) {
        be.matmulBias(xRows, false, inputHalf(gates.kernel().value()), false, gates.bias().value(), gatePre);
        be.matmulBias(xRows, false, inputHalf(candidate.kernel().value()), false, candidate.bias().value(), candPre);
    }

    /** The recurrence over the steps from the input pre-activations [T, B, 2H] and [T, B, H]; the final state. */
    private Tensor recur(Tensor gatePreT, Tensor candPreT, Tensor a) {
        int t = gatePreT.dim(0);
        int b = gatePreT.dim(1);
        int h = hidden;
        batch = b;
        steps = t;
        aT = Tensors.timeMajor(be, a.reshape(b, t, 1)).reshape(t, b);
        states = Tensors.empty(be, t + 1, b, h);
        be.fill(Tensors.step(states, 0), 0);
        gatesT = Tensors.empty(be, t, b, 2 * h);
        rT = Tensors.empty(be, t, b, h);
        uT = Tensors.empty(be, t, b, h);
        rsT = Tensors.empty(be, t, b, h);
        cT = Tensors.empty(be, t, b, h);
        for (int k = 0; k < t; k++) {
            Tensor s = Tensors.step(states, k);
            Tensor gp = Tensors.step(gatePreT, k);
            be.matmul(s, false, stateHalf(gates.kernel().value()), false, gp, 1);
            Tensor u = Tensors.step(uT, k);
            Tensor rs = Tensors.step(rsT, k);
            be.augruGates(gp, s, Tensors.step(gatesT, k), Tensors.step(rT, k), u, rs);
            Tensor cp = Tensors.step(candPreT, k);
            be.matmul(rs, false, stateHalf(candidate.kernel().value()), false, cp, 1);
            be.augruCandidateUpdate(cp, u, s, aT.rows(k, k + 1).reshape(b), Tensors.step(cT, k),
                    Tensors.step(states, k + 1), form.paper());
        }
        return Tensors.copyOf(be, Tensors.step(states, t));
    }

    /** Accumulates the gate and candidate gradients; returns dX [B, T, H] and dA [B, T] for dOut [B, H]. */
    public Grads backward(Tensor dOut) {
        int t = steps;
        int b = batch;
        int h = hidden;
        Tensor dGatePre = Tensors.empty(be, t, b, 2 * h);
        Tensor dCandPre = Tensors.empty(be, t, b, h);
        Tensor daT = Tensors.empty(be, t, b);
        Tensor ds = Tensors.copyOf(be, dOut);
        Tensor du = Tensors.zeros(be, b, h);
        Tensor dc = Tensors.zeros(be, b, h);
        Tensor dsPrev = Tensors.zeros(be, b, h);
        Tensor drs = Tensors.zeros(be, b, h);
        for (int k = t - 1; k >= 0; k--) {
            Tensor sPrev = Tensors.step(states, k);
            Tensor dcp = Tensors.step(dCandPre, k);
            be.augruCandidateUpdateBackward(Tensors.step(uT, k), Tensors.step(cT, k), sPrev,
                    aT.rows(k, k + 1).reshape(b), ds, du, dc, daT.rows(k, k + 1).reshape(b), dcp, dsPrev,
                    form.paper());
            be.matmul(dcp, false, stateHalf(candidate.kernel().value()), true, drs, 0);
            Tensor dgp = Tensors.step(dGatePre, k);
            be.augruGatesBackward(drs, sPrev, Tensors.step(rT, k), du, Tensors.step(gatesT, k), dgp, dsPrev);
            be.matmul(dgp, false, stateHalf(gates.kernel().value()), true, dsPrev, 1);
            // dsPrev is the next step's ds; the old ds's buffer is overwritten by the next step's dsPrev.
            Tensor done = ds;
            ds = dsPrev;
            dsPrev = done;
        }
        Tensor dGateAll = dGatePre.reshape(t * b, 2 * h);
        Tensor dCandAll = dCandPre.reshape(t * b, h);
        be.matmul(xT, true, dGateAll, false, inputHalf(gates.kernel().grad()), 1);
        be.matmul(states.rows(0, t).reshape(t * b, h), true, dGateAll, false, stateHalf(gates.kernel().grad()), 1);
        be.sumRows(dGateAll, gates.bias().grad(), 1);
        be.matmul(xT, true, dCandAll, false, inputHalf(candidate.kernel().grad()), 1);
        be.matmul(rsT.reshape(t * b, h), true, dCandAll, false, stateHalf(candidate.kernel().grad()), 1);
        be.sumRows(dCandAll, candidate.bias().grad(), 1);
        Tensor dxT = Tensors.empty(be, t * b, h);
        be.matmul(dGateAll, false, inputHalf(gates.kernel().value()), true, dxT, 0);
        be.matmul(dCandAll, false, inputHalf(candidate.kernel().value()), true, dxT, 1);
        Tensor dX = Tensors.empty(be, b, t, h);
        be.transpose01(dxT.reshape(t, b, h), dX);
        Tensor dA = Tensors.empty(be, b, t, 1);
        be.transpose01(daT.reshape(t, b, 1), dA);
        return new Grads(dX, dA.reshape(b, t));
    }
}
