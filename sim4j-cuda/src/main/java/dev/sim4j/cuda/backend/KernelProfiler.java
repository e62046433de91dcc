package dev.sim4j.cuda.backend;

import dev.sim4j.cuda.driver.CudaDriver;
import dev.sim4j.cuda.driver.Event;
import dev.sim4j.cuda.driver.LaunchListener;
import dev.sim4j.cuda.driver.Stream;
import dev.sim4j.engine.KernelTimes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CUDA backend's {@link KernelTimes}: while recording, a pair of timing events brackets every launch on the
 * compute stream, and {@link #stop()} sums their device times per kernel. Events are pooled, so a recording allocates
 * only as many as its largest window needs. Inactive, it costs one field read per launch.
 */
final class KernelProfiler implements LaunchListener, KernelTimes, AutoCloseable {
    private record Launch(String family, String kernel, Event start, Event end) {
    }

    private final CudaDriver driver;
    private final Stream stream;
    private final List<Event> pool = new ArrayList<>();
    private final List<Launch> launches = new ArrayList<>();
    private Event pendingStart;
    private boolean active;

    KernelProfiler(CudaDriver driver, Stream stream) {
        this.driver = driver;
        this.stream = stream;
    }

    private Event take() {
        return pool.isEmpty() ? Event.create(driver, true) : pool.removeLast();
    }

    @Override
    public void before(String family, String kernel, Stream on) {
        if (active && on == stream) {
            pendingStart = take();
            pendingStart.record(stream);
        }
    }

    @Override
    public void after(String family, String kernel, Stream on) {
        if (active && on == stream && pendingStart != null) {
            Event end = take();
            end.record(stream);
            launches.add(new Launch(family, kernel, pendingStart, end));
            pendingStart = null;
        }
    }

    /** Whether launches are being recorded (callers may skip building labels otherwise). */
    boolean recording() {
        return active;
    }

    @Override
    public void start() {
        recycle();
        active = true;
    }

    @Override
    public List<Entry> stop() {
        active = false;
        stream.synchronize();
        Map<String, double[]> sums = new LinkedHashMap<>();
        Map<String, String[]> names = new LinkedHashMap<>();
        for (Launch l : launches) {
            String key = l.family() + "\u0000" + l.kernel();
            double[] s = sums.computeIfAbsent(key, k -> new double[2]);
            s[0]++;
            s[1] += l.end().millisSince(l.start());
            names.putIfAbsent(key, new String[] {l.family(), l.kernel()});
        }
        List<Entry> out = new ArrayList<>();
        for (Map.Entry<String, double[]> e : sums.entrySet()) {
            String[] n = names.get(e.getKey());
            out.add(new Entry(n[0], n[1], (long) e.getValue()[0], e.getValue()[1]));
        }
        out.sort(Comparator.comparingDouble(Entry::millis).reversed());
        recycle();
        return out;
    }

    private void recycle() {
        for (Launch l : launches) {
            pool.add(l.start());
            pool.add(l.end());
        }
        launches.clear();
        if (pendingStart != null) {
            pool.add(pendingStart);
            pendingStart = null;
        }
    }

    @Override
    public void close() {
        active = false;
        recycle();
        pool.forEach(Event::close);
        pool.clear();
    }
}
