package dev.sim4j.engine.testing;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.DType;
import dev.sim4j.engine.InputStaging;
import dev.sim4j.engine.Tensor;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A backend that hands every call to another one and counts the transfers between host and device: reads
 * ({@code toFloats}, {@code toDoubles}, {@code toInts}) and uploads ({@code upload}, {@code write}, writes through its {@link InputStaging}). Tests use it to
 * prove that a training or inference step never waits for the device (ADR 0006). Every call goes through, whatever
 * the interface grows: {@link #backend()} is a {@link Proxy} of {@link Backend}, and its tensors are wrapped so that
 * {@link Tensor#backend()} (which layers and optimizers call) leads back to it.
 */
public final class TransferCountingBackend {
    private static final Set<String> READS = Set.of("toFloats", "toDoubles", "toInts");
    private static final Set<String> UPLOADS = Set.of("upload", "write");

    private final Backend delegate;
    private final Backend proxy;
    private final List<String> reads = new ArrayList<>();
    private final List<String> uploads = new ArrayList<>();

    private TransferCountingBackend(Backend delegate) {
        this.delegate = delegate;
        this.proxy = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                new Handler());
    }

    /** A counting wrapper around {@code delegate}. */
    public static TransferCountingBackend wrap(Backend delegate) {
        return new TransferCountingBackend(delegate);
    }

    /** The counting backend: allocate, compute and transfer through it. */
    public Backend backend() {
        return proxy;
    }

    /** Device-to-host reads since the last {@link #reset}, each named by its call and shape. */
    public List<String> reads() {
        return List.copyOf(reads);
    }

    /** Host-to-device uploads and writes since the last {@link #reset}. */
    public List<String> uploads() {
        return List.copyOf(uploads);
    }

    /** Forgets the transfers counted so far. */
    public void reset() {
        reads.clear();
        uploads.clear();
    }

    private static Object unwrap(Object arg) {
        if (arg instanceof Counted c) {
            return c.inner;
        }
        if (arg instanceof List<?> list && !list.isEmpty() && list.getFirst() instanceof Tensor) {
            return list.stream().map(TransferCountingBackend::unwrap).toList();
        }
        return arg;
    }

    private final class Handler implements InvocationHandler {
        @Override
        public Object invoke(Object self, Method method, Object[] args) throws Throwable {
            String name = method.getName();
            if (name.equals("toString") && (args == null || args.length == 0)) {
                return "counting(" + delegate + ")";
            }
            if (name.equals("hashCode") && args == null) {
                return System.identityHashCode(self);
            }
            if (name.equals("equals") && args != null && args.length == 1) {
                return self == args[0];
            }
            Object[] inner = args == null ? null : new Object[args.length];
            String shape = "";
            for (int k = 0; inner != null && k < args.length; k++) {
                inner[k] = unwrap(args[k]);
                if (args[k] instanceof Tensor t && shape.isEmpty()) {
                    shape = Tensor.describe(t.shape());
                }
            }
            if (name.equals("inputStaging") && inner == null) {
                return new CountedStaging(delegate.inputStaging());
            }
            if (READS.contains(name)) {
                reads.add(name + shape);
            } else if (UPLOADS.contains(name)) {
                uploads.add(name + shape);
            }
            Object out;
            try {
                out = method.invoke(delegate, inner);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            return out instanceof Tensor t ? new Counted(t) : out;
        }
    }

    /** The delegate's input staging, its writes counted as uploads ("stage" and the shape). */
    private final class CountedStaging implements InputStaging {
        private final InputStaging inner;

        CountedStaging(InputStaging inner) {
            this.inner = inner;
        }

        @Override
        public void write(Tensor t, int[] values) {
            uploads.add("stage" + Tensor.describe(t.shape()));
            inner.write((Tensor) unwrap(t), values);
        }

        @Override
        public void write(Tensor t, float[] values) {
            uploads.add("stage" + Tensor.describe(t.shape()));
            inner.write((Tensor) unwrap(t), values);
        }

        @Override
        public void submit() {
            inner.submit();
        }
    }

    /** A tensor of the delegate, seen through the counting backend. */
    private final class Counted implements Tensor {
        final Tensor inner;

        Counted(Tensor inner) {
            this.inner = inner;
        }

        @Override
        public DType dtype() {
            return inner.dtype();
        }

        @Override
        public int[] shape() {
            return inner.shape();
        }

        @Override
        public Backend backend() {
            return proxy;
        }

        @Override
        public Tensor reshape(int... shape) {
            return new Counted(inner.reshape(shape));
        }

        @Override
        public Tensor rows(int from, int to) {
            return new Counted(inner.rows(from, to));
        }

        @Override
        public void close() {
            inner.close();
        }

        @Override
        public String toString() {
            return inner.toString();
        }
    }
}
