package dev.sim4j.cli.synth;

import dev.sim4j.cli.OptionChecks;
import dev.sim4j.preprocess.synth.AmazonSynth;
import dev.sim4j.preprocess.synth.SynthConfig;
import dev.sim4j.preprocess.synth.SynthProgress;
import dev.sim4j.preprocess.synth.SynthSummary;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code sim4j synth amazon}: a synthetic Amazon Reviews 2014 Books dump ({@code reviews_Books.json.gz},
 * {@code meta_Books.json.gz}). Options left out take the value of the chosen {@code --scale}.
 */
@Command(name = "amazon", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write reviews_Books.json.gz and meta_Books.json.gz in the Amazon Reviews 2014 formats, with "
                + "planted structure (Zipf popularity, lifelong and drifting interests); see docs/synthetic-data.md.",
            "Options left out take the value of --scale: 'small' (about 100 k reviews, seconds) or 'books' "
                + "(the real Books dump's size: about 22.5 M reviews, 2.37 M metadata lines)."})
public final class AmazonSynthCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder to write the two files into (created if missing).")
    private Path out;

    @Option(names = "--scale", defaultValue = "small", paramLabel = "SCALE", description = "small or books (default: ${DEFAULT-VALUE}).")
    private String scale;

    @Option(names = "--users", paramLabel = "N", description = "Reviewers (small: 2000; books: 8026324).")
    private Integer users;

    @Option(names = "--items", paramLabel = "N", description = "Catalogue items (small: 5000; books: 2370585).")
    private Integer items;

    @Option(names = "--categories", paramLabel = "N", description = "Leaf categories (small: 100; books: 2330).")
    private Integer categories;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of every draw (default: 12345).")
    private Long seed;

    @Option(names = "--short-share", paramLabel = "P", description = "Share of users with < 20 reviews (small: 0.25; books: 0.9868).")
    private Double shortShare;

    @Option(names = "--short-mean", paramLabel = "X", description = "Mean review count of those users, 1..19 (small: 2.0; books: 1.33).")
    private Double shortMean;

    @Option(names = "--long-mean", paramLabel = "X", description = "Mean review count of the others, > 20 (small: 66; books: 113).")
    private Double longMean;

    @Option(names = "--max-reviews", paramLabel = "N", description = "Cap on one user's reviews (small: 1000; books: 5000).")
    private Integer maxReviews;

    @Option(names = "--item-zipf", paramLabel = "S", description = "Zipf exponent of item popularity in a category (default: 0.9).")
    private Double itemZipf;

    @Option(names = "--category-zipf", paramLabel = "S", description = "Zipf exponent of category popularity (default: 0.8).")
    private Double categoryZipf;

    @Option(names = "--interest-gap-min", paramLabel = "N", description = "Least reviews between two of one lifelong interest (default: 11).")
    private Integer gapMin;

    @Option(names = "--interest-gap-max", paramLabel = "N", description = "Most reviews between two of one lifelong interest (default: 14).")
    private Integer gapMax;

    @Option(names = "--drift-run", paramLabel = "X", description = "Mean length of a short-term interest, in reviews (default: 4).")
    private Double driftRun;

    @Option(names = "--noise", paramLabel = "P", description = "Share of reviews by global popularity (default: 0.05).")
    private Double noise;

    @Option(names = "--missing-meta-share", paramLabel = "P", description = "Share of items without a metadata line (default: 0.01).")
    private Double missingMeta;

    @Option(names = "--no-category-share", paramLabel = "P", description = "Share of metadata lines without 'categories' (default: 0.01).")
    private Double noCategory;

    @Option(names = "--unreviewed-share", paramLabel = "P", description = "Share of items nobody reviews (default: 0.02).")
    private Double unreviewed;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads; the output is the same for any (default: cores, at most 4).")
    private Integer threads;

    @Option(names = "--gzip-level", paramLabel = "L", description = "Deflate level 1..9; 1 is about twice as fast, 20 %% larger (default: 6).")
    private Integer gzipLevel;

    @Option(names = "--force", description = "Replace existing files.")
    private boolean force;

    @Override
    public Integer call() throws IOException {
        OptionChecks checks = OptionChecks.of(spec);
        checks.oneOf("--scale", scale, List.of("small", "books"));
        SynthConfig base = scale.equals("books") ? SynthConfig.booksSize() : SynthConfig.defaults();
        SynthConfig config = new SynthConfig(or(users, base.users()), or(items, base.items()),
                or(categories, base.categories()), or(seed, base.seed()), or(shortShare, base.shortShare()),
                or(shortMean, base.shortMean()), or(longMean, base.longMean()), or(maxReviews, base.maxReviews()),
                or(itemZipf, base.itemZipf()), or(categoryZipf, base.categoryZipf()), or(gapMin, base.interestGapMin()),
                or(gapMax, base.interestGapMax()), or(driftRun, base.driftRun()), or(noise, base.noise()),
                or(missingMeta, base.missingMetaShare()), or(noCategory, base.noCategoryShare()),
                or(unreviewed, base.unreviewedShare()), or(threads, base.threads()), or(gzipLevel, base.gzipLevel()));
        List<String> problems = config.problems();
        if (!problems.isEmpty()) {
            throw new ParameterException(spec.commandLine(), String.join("; ", problems));
        }
        checks.writableDir("--out", out);
        SynthSummary s;
        try (ConsoleProgress progress = ConsoleProgress.create()) {
            s = new AmazonSynth(config).write(out, force, progress == null ? SynthProgress.NONE : progress);
        }
        PrintWriter o = spec.commandLine().getOut();
        o.printf("wrote %s in %.1f s%n", s.directory(), s.seconds());
        for (SynthSummary.FileStats f : s.files()) {
            o.printf("  %-22s %,13d lines %,17d bytes (%,d uncompressed)%n", f.name(), f.lines(), f.compressedBytes(),
                    f.rawBytes());
        }
        o.printf("  users %,d, of whom %,d have >= 20 reviews (%,d reviews); seed %d%n", s.users(), s.keptUsers(),
                s.keptReviews(), config.seed());
        return 0;
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
