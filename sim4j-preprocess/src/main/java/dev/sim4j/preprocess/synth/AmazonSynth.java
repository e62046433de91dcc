package dev.sim4j.preprocess.synth;

import dev.sim4j.data.DataException;
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
     * Writes both files into {@code dir} (created if missing).
     *
     * @throws DataException when a file exists and {@code overwrite} is false
     */
    public SynthSummary write(Path dir, boolean overwrite, SynthProgress progress) throws IOException {
        long start = System.nanoTime();
        Files.createDirectories(dir);
        Path reviews = dir.resolve(REVIEWS_FILE);
        Path meta = dir.resolve(META_FILE);
        for (Path p : List.of(reviews, meta)) {
            if (Files.exists(p) && !overwrite) {
                throw new DataException(p + " exists; pass --force to replace it");
            }
        }
        Catalog catalog = new Catalog(config);
        ReviewEncoder reviewEncoder = new ReviewEncoder(catalog, config);
        MetadataEncoder metaEncoder = new MetadataEncoder(catalog, config.seed());
        Path reviewsTmp = dir.resolve("." + REVIEWS_FILE + ".partial");
        Path metaTmp = dir.resolve("." + META_FILE + ".partial");
        List<SynthSummary.FileStats> files = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(config.threads(), r -> {
            Thread t = new Thread(r, "sim4j-synth");
            t.setDaemon(true);
            return t;
        });
        boolean done = false;
        try {
            int reviewBlocks = reviewEncoder.blocks();
            files.add(GzipBlockFile.write(reviewsTmp, REVIEWS_FILE, reviewBlocks, reviewEncoder, pool, config.threads(),
                    config.gzipLevel(), b -> progress.update("reviews",
                            Math.min(config.users(), (b + 1) * (long) ReviewEncoder.USERS_PER_BLOCK), config.users())));
            int metaBlocks = (config.items() + ITEMS_PER_BLOCK - 1) / ITEMS_PER_BLOCK;
            files.add(GzipBlockFile.write(metaTmp, META_FILE, metaBlocks, (b, out) -> metadataBlock(metaEncoder, b, out),
                    pool, config.threads(), config.gzipLevel(), b -> progress.update("metadata",
                            Math.min(config.items(), (b + 1) * (long) ITEMS_PER_BLOCK), config.items())));
            move(reviewsTmp, reviews);
            move(metaTmp, meta);
            done = true;
        } finally {
            pool.shutdownNow();
            if (!done) {
                Files.deleteIfExists(reviewsTmp);
                Files.deleteIfExists(metaTmp);
            }
        }
        return new SynthSummary(dir, files, config.users(), reviewEncoder.keptUsers(), reviewEncoder.keptReviews(),
                (System.nanoTime() - start) / 1e9);
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
