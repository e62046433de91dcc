package dev.sim4j.preprocess.synth;

import dev.sim4j.data.OutputException;
import dev.sim4j.data.TempCleanup;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Generates a synthetic Amazon Reviews 2014 Books dump ({@value #REVIEWS_FILE}, {@value #META_FILE}) in the real
 * formats, with planted, documented structure that long-sequence models can learn (see
 * {@code docs/synthetic-data.md}). Output is streamed block by block, deterministic for a config (any thread count),
 * and appears only when complete: both files are written to temporary names and then renamed.
 */
public final class AmazonSynth {
    public static final String REVIEWS_FILE = "reviews_Books.json.gz";
    public static final String META_FILE = "meta_Books.json.gz";

    /** Items per metadata block (one gzip member each). */
    static final int ITEMS_PER_BLOCK = 4096;

    private final SynthConfig config;

    /** @throws IllegalArgumentException listing every problem of an invalid config */
    public AmazonSynth(SynthConfig config) {
        List<String> problems = config.problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        this.config = config;
    }

    /**
     * Writes both files into {@code dir} (created if missing), through hidden temporary files that a Ctrl-C or SIGTERM
     * removes ({@link TempCleanup}); temporary files that dead processes left in {@code dir} are removed first.
     *
     * @throws OutputException when a file exists and {@code overwrite} is false, or {@code dir} cannot be written
     */
    public SynthSummary write(Path dir, boolean overwrite, SynthProgress progress) {
        long start = System.nanoTime();
        Path reviews = dir.resolve(REVIEWS_FILE);
        Path meta = dir.resolve(META_FILE);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new OutputException(dir + ": cannot create the output folder: " + e.getMessage(), e);
        }
        for (Path p : List.of(reviews, meta)) {
            if (Files.exists(p) && !overwrite) {
                throw new OutputException(p + " exists; pass --force to replace it");
            }
        }
        for (String name : List.of(REVIEWS_FILE, META_FILE)) {
            TempCleanup.removeStale(dir, name);
            deleteLegacyPartial(dir.resolve("." + name + ".partial"));
        }
        Catalog catalog = new Catalog(config);
        ReviewEncoder reviewEncoder = new ReviewEncoder(catalog, config);
        MetadataEncoder metaEncoder = new MetadataEncoder(catalog, config.seed());
        Path reviewsTmp = dir.resolve(TempCleanup.tempName(REVIEWS_FILE));
        Path metaTmp = dir.resolve(TempCleanup.tempName(META_FILE));
        List<SynthSummary.FileStats> files = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(config.threads(), r -> {
            Thread t = new Thread(r, "sim4j-synth");
            t.setDaemon(true);
            return t;
        });
        try (TempCleanup cleanup = TempCleanup.open()) {
            cleanup.register(reviewsTmp);
            cleanup.register(metaTmp);
            cleanup.checkRunning();
            int reviewBlocks = reviewEncoder.blocks();
            // Checked after every block: on Ctrl-C the work stops within a block instead of writing on.
            files.add(GzipBlockFile.write(reviewsTmp, REVIEWS_FILE, reviewBlocks, reviewEncoder, pool, config.threads(),
                    config.gzipLevel(), b -> {
                        cleanup.checkRunning();
                        progress.update("reviews", Math.min(config.users(), (b + 1) * (long) ReviewEncoder.USERS_PER_BLOCK),
                                config.users());
                    }));
            int metaBlocks = (config.items() + ITEMS_PER_BLOCK - 1) / ITEMS_PER_BLOCK;
            files.add(GzipBlockFile.write(metaTmp, META_FILE, metaBlocks, (b, out) -> metadataBlock(metaEncoder, b, out),
                    pool, config.threads(), config.gzipLevel(), b -> {
                        cleanup.checkRunning();
                        progress.update("metadata", Math.min(config.items(), (b + 1) * (long) ITEMS_PER_BLOCK),
                                config.items());
                    }));
            // Both or neither: a shutdown waits for the two renames or stops them before the first.
            cleanup.publish(() -> {
                move(reviewsTmp, reviews);
                move(metaTmp, meta);
            }, reviewsTmp, metaTmp);
        } catch (IOException e) {
            throw new OutputException(dir + ": cannot write the synthetic dump: " + e.getMessage(), e);
        } finally {
            pool.shutdownNow();
        }
        return new SynthSummary(dir, files, config.users(), reviewEncoder.keptUsers(), reviewEncoder.keptReviews(),
                (System.nanoTime() - start) / 1e9);
    }

    /** A temporary file of the versions before process-id names: no process can still be writing it under this name. */
    private static void deleteLegacyPartial(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // Left for the user to remove: it is hidden and never read.
        }
    }

    private long metadataBlock(MetadataEncoder encoder, int block, OutputStream out) throws IOException {
        int from = block * ITEMS_PER_BLOCK;
        int to = Math.min(config.items(), from + ITEMS_PER_BLOCK);
        StringBuilder sb = new StringBuilder(1 << 16);
        long lines = 0;
        for (int i = from; i < to; i++) {
            if (encoder.append(i, sb)) {
                lines++;
            }
            if (sb.length() > 1 << 16) {
                out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
                sb.setLength(0);
            }
        }
        out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        return lines;
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
