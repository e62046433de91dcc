package dev.sim4j.model.sim;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.DType;
import dev.sim4j.engine.Tensor;
import dev.sim4j.engine.reference.ScalarBackend;
import dev.sim4j.model.layers.AugruForm;
import dev.sim4j.model.params.Parameter;
import dev.sim4j.model.testing.GradCheck;
import dev.sim4j.model.testing.TestBatches;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

/**
 * Finite differences of each whole model's total loss: every dense parameter tensor at sampled entries, and whole
 * embedding rows (touched rows and the padding row 0). Small sizes, the real history layout (long 90 + short 10,
 * K = 50): one row with more than K long items, one with fewer (padding selected), one with an empty long history
 * and a partly padded short history.
 */
class ModelGradientTest {
    private final Backend be = new ScalarBackend(DType.F64);

    static ModelConfig small(ModelType type, int e) {
        return new ModelConfig(type, e, List.of(5), List.of(6, 4), List.of(5, 3), 90, 50, 100, -1, AugruForm.CODE,
                6, 400, 9);
    }

    private void check(ModelConfig config, long fixedSeed) {
        long seed = GradCheck.seed("model gradient " + config.type() + " " + config.augruForm(), fixedSeed);
        CtrModel model = Models.create(config, be, seed);
        ModelInput in = TestBatches.create(be, config, seed + 1, 80, 40, 4);
        DoubleSupplier loss = () -> model.forward(in).totalLoss();
        for (Parameter p : model.parameters().all()) {
            be.fill(p.grad(), 0);
        }
        ModelOutput out = model.forward(in);
        System.out.printf("%s: classification %.6f aux %.6f total %.6f%n", config.type(), out.classificationLoss(),
                out.auxiliaryLoss(), out.totalLoss());
        model.backward();
        SplittableRandom rng = new SplittableRandom(seed + 2);
        GradCheck gc = new GradCheck(be, loss);
        for (Parameter p : model.parameters().all()) {
            if (p.name().startsWith("embedding.")) {
                continue;
            }
            gc.sampled(p.name(), p.value(), p.grad(), 6, rng);
        }
        checkRows(gc, model, "embedding.user", rows(in.uid()), rng);
        TreeSet<Integer> items = rows(in.targetItem(), in.historyItems(), in.negativeItems());
        TreeSet<Integer> cats = rows(in.targetCategory(), in.historyCategories(), in.negativeCategories());
        checkRows(gc, model, "embedding.item", items, rng);
        checkRows(gc, model, "embedding.category", cats, rng);
        gc.verify("model " + config.type() + " " + config.augruForm());
    }

    private TreeSet<Integer> rows(Tensor... ids) {
        TreeSet<Integer> out = new TreeSet<>();
        out.add(0);
        for (Tensor t : ids) {
            for (int v : be.toInts(t)) {
                out.add(v);
            }
        }
        return out;
    }

    /** Every entry of row 0 and of up to 12 touched rows. */
    private void checkRows(GradCheck gc, CtrModel model, String name, TreeSet<Integer> touched,
                           SplittableRandom rng) {
        Parameter p = model.parameters().get(name);
        int e = p.value().dim(1);
        List<Integer> list = new ArrayList<>(touched);
        List<Integer> pick = new ArrayList<>(List.of(0));
        for (int k = 0; k < 12 && list.size() > 1; k++) {
            pick.add(list.get(1 + rng.nextInt(list.size() - 1)));
        }
        int[] entries = new int[pick.size() * e];
        for (int k = 0; k < pick.size(); k++) {
            for (int j = 0; j < e; j++) {
                entries[k * e + j] = pick.get(k) * e + j;
            }
        }
        gc.entries(name, p.value(), p.grad(), entries);
    }

    @Test
    void sim() {
        check(small(ModelType.SIM, 2), 101);
    }

    @Test
    void simPaperAugru() {
        check(small(ModelType.SIM, 2).withAugruForm(AugruForm.PAPER), 102);
    }

    @Test
    void dien() {
        check(small(ModelType.DIEN, 2), 103);
    }

    @Test
    void din() {
        check(small(ModelType.DIN, 4), 104);
    }
}
