package dev.sim4j.serve.http;

import dev.sim4j.serve.scoring.CandidateScorer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * Micro-batching: score requests that arrive together are scored in one model pass. Each scoring lane (a thread with
 * a model of its own, on a one-thread backend) takes the first waiting request, then gathers others for at most
 * {@code maxDelayNanos} or until {@code maxRows} candidate rows, and runs them as one batch; each request's future gets
 * its own scores. Lanes run side by side on the shared queue: at serving's batch sizes one model pass per core beats
 * one pass split over the cores, whose per-kernel fork and join cost more than the kernels (docs/serving.md). The
 * queue is bounded: a full queue refuses at once (the caller answers 503).
 */
final class ScoreBatcher implements AutoCloseable {
    private record Job(CandidateScorer.Prepared request, CompletableFuture<CandidateScorer.Scores> result) {
    }

    private final int maxRows;
    private final long maxDelayNanos;
    private final IntConsumer batchRows;
    private final BlockingQueue<Job> queue;
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean closed;

    /** One scoring lane per scorer; each scorer's model is used by its lane only. */
    ScoreBatcher(List<CandidateScorer> lanes, int maxRows, long maxDelayNanos, int capacity, IntConsumer batchRows) {
        if (lanes.isEmpty()) {
            throw new IllegalArgumentException("no scoring lanes");
        }
        this.maxRows = maxRows;
        this.maxDelayNanos = maxDelayNanos;
        this.batchRows = batchRows;
        this.queue = new ArrayBlockingQueue<>(capacity);
        for (int i = 0; i < lanes.size(); i++) {
            CandidateScorer scorer = lanes.get(i);
            workers.add(Thread.ofPlatform().name("sim4j-score-lane-" + i).daemon().start(() -> loop(scorer)));
        }
    }

    /** Queues a request; empty when the queue is full. */
    java.util.Optional<CompletableFuture<CandidateScorer.Scores>> submit(CandidateScorer.Prepared request) {
        Job job = new Job(request, new CompletableFuture<>());
        return queue.offer(job) ? java.util.Optional.of(job.result()) : java.util.Optional.empty();
    }

    int queued() {
        return queue.size();
    }

    private void loop(CandidateScorer scorer) {
        scorer.useFromThisThread();
        Job carried = null;
        while (!closed) {
            try {
                Job first = carried != null ? carried : queue.poll(100, TimeUnit.MILLISECONDS);
                carried = null;
                if (first == null) {
                    continue;
                }
                List<Job> batch = new ArrayList<>();
                batch.add(first);
                int rows = first.request().rows();
                long deadline = System.nanoTime() + maxDelayNanos;
                while (rows < maxRows) {
                    long left = deadline - System.nanoTime();
                    Job next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
                    if (next == null) {
                        break;
                    }
                    if (rows + next.request().rows() > maxRows) {
                        carried = next; // starts the next batch
                        break;
                    }
                    batch.add(next);
                    rows += next.request().rows();
                }
                run(scorer, batch, rows);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void run(CandidateScorer scorer, List<Job> batch, int rows) {
        try {
            List<CandidateScorer.Prepared> requests = new ArrayList<>(batch.size());
            for (Job j : batch) {
                requests.add(j.request());
            }
            List<CandidateScorer.Scores> scores = scorer.scoreAll(requests);
            batchRows.accept(rows);
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).result().complete(scores.get(i));
            }
        } catch (RuntimeException | Error e) {
            for (Job j : batch) {
                j.result().completeExceptionally(e);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        workers.forEach(Thread::interrupt);
        for (Job j; (j = queue.poll()) != null; ) {
            j.result().completeExceptionally(new IllegalStateException("the service is stopping"));
        }
    }
}
