package dev.sim4j.engine.cpu;

import dev.sim4j.engine.KernelTimes;
import dev.sim4j.engine.Tensor;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Wall time per kernel on the CPU backend, for {@code sim4j benchmark --profile}: each kernel family is wrapped in a
 * proxy that times the calls made while recording. Only the outermost kernel of a nested call is counted (a fused
 * kernel that runs others counts once), and matrix products are told apart by their shape and transposes, since
 * their cost depends on it. The proxies cost a fraction of a microsecond per call, which is why a backend only has
 * them when asked for ({@link CpuBackend#profiled(int)}).
 */
final class KernelClock implements KernelTimes {
    private final Map<String, long[]> totals = new HashMap<>();
    private boolean recording;
    private int depth;

    /** {@code target} behind a proxy of {@code family} that times its calls under {@code familyName}. */
    <T> T wrap(Class<T> family, String familyName, T target) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return method.invoke(target, args);
            }
            return time(familyName, method, args, () -> {
                try {
                    return method.invoke(target, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            });
        };
        return family.cast(Proxy.newProxyInstance(family.getClassLoader(), new Class<?>[] {family}, handler));
    }

    /** Runs {@code work} as kernel {@code kernel} of {@code family}, timed while recording. */
    void run(String family, String kernel, Runnable work) {
        try {
            time(family, kernel, () -> {
                work.run();
                return null;
            });
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    private Object time(String family, Method method, Object[] args, Call call) throws Throwable {
        if (!recording || depth > 0) {
            return call.run();
        }
        return time(family, name(method, args), call);
    }

    private Object time(String family, String kernel, Call call) throws Throwable {
        if (!recording || depth > 0) {
            return call.run();
        }
        depth++;
        long t0 = System.nanoTime();
        try {
            return call.run();
        } finally {
            long dt = System.nanoTime() - t0;
            depth--;
            long[] t = totals.computeIfAbsent(family + "\u0000" + kernel, k -> new long[2]);
            t[0]++;
            t[1] += dt;
        }
    }

    /** The kernel's name; a product's also names its shape, M x K x N, and which operands are transposed. */
    private static String name(Method method, Object[] args) {
        if (!method.getName().startsWith("matmul") || args == null || args.length < 5) {
            return method.getName();
        }
        Tensor a = (Tensor) args[0];
        Tensor b = (Tensor) args[2];
        boolean ta = (Boolean) args[1];
        boolean tb = (Boolean) args[3];
        int m = ta ? a.dim(-1) : rowsOf(a);
        int k = ta ? rowsOf(a) : a.dim(-1);
        int n = tb ? rowsOf(b) : b.dim(-1);
        return method.getName() + " " + (ta ? "T" : "N") + (tb ? "T" : "N") + " " + m + "x" + k + "x" + n;
    }

    private static int rowsOf(Tensor t) {
        return Math.toIntExact(t.size() / t.dim(-1));
    }

    @Override
    public void start() {
        totals.clear();
        recording = true;
    }

    @Override
    public List<Entry> stop() {
        recording = false;
        List<Entry> out = new ArrayList<>();
        totals.forEach((key, t) -> {
            int cut = key.indexOf('\u0000');
            out.add(new Entry(key.substring(0, cut), key.substring(cut + 1), t[0], t[1] / 1e6));
        });
        out.sort(Comparator.comparingDouble(Entry::millis).reversed());
        return out;
    }

    @FunctionalInterface
    private interface Call {
        Object run() throws Throwable;
    }
}
