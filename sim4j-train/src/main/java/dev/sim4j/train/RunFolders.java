package dev.sim4j.train;

import dev.sim4j.data.OutputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a run's results and checkpoint folders hold, split into sim4j's own files ({@code metrics.jsonl},
 * {@code report.html}, {@code epoch_N/} checkpoints and the temporary files of their atomic writes) and anything
 * else, which belongs to the user and is never removed.
 */
final class RunFolders {
    static final String METRICS = "metrics.jsonl";
    static final String REPORT = "report.html";
    /** The files {@link TrainingRun} writes into a checkpoint folder. */
    static final Set<String> CHECKPOINT_FILES = Set.of("weights.safetensors", "optimizer.safetensors",
            "provenance.json");
    private static final Pattern EPOCH = Pattern.compile("epoch_(\\d{1,9})");
    /** Temporaries of the atomic writes: {@code .epoch_N.tmp/}, {@code .metrics.jsonl.tmp}, {@code .report.html*.tmp}. */
    private static final Pattern TEMPORARY = Pattern.compile("\\.(epoch_\\d+\\.tmp|metrics\\.jsonl\\.tmp|report\\.html.*\\.tmp)");

    /**
     * @param own         sim4j's files and folders, in the order they can be removed (a checkpoint folder after its
     *                    files; it is removed only when nothing else is left in it)
     * @param others      everything else (the user's)
     * @param checkpoints the checkpoint folders by epoch
     */
    record Contents(List<Path> own, List<Path> others, SortedMap<Integer, Path> checkpoints) {
        boolean isEmpty() {
            return own.isEmpty() && others.isEmpty();
        }

        /** The last epoch whose checkpoint is complete (weights, optimizer state, provenance); 0 when none is. */
        int lastComplete() {
            int last = 0;
            for (var e : checkpoints.entrySet()) {
                if (CHECKPOINT_FILES.stream().allMatch(f -> Files.isRegularFile(e.getValue().resolve(f)))) {
                    last = e.getKey();
                }
            }
            return last;
        }
    }

    private RunFolders() {
    }

    /** Lists both folders (either may be missing, or one may hold the other). */
    static Contents scan(Path resultsDir, Path checkpointDir) {
        List<Path> own = new ArrayList<>();
        List<Path> others = new ArrayList<>();
        SortedMap<Integer, Path> checkpoints = new TreeMap<>();
        Path results = resultsDir.toAbsolutePath().normalize();
        Path ckpt = checkpointDir.toAbsolutePath().normalize();
        scanFolder(results, ckpt, own, others, checkpoints);
        if (!ckpt.equals(results)) {
            scanFolder(ckpt, results, own, others, checkpoints);
        }
        return new Contents(List.copyOf(own), List.copyOf(others), checkpoints);
    }

    private static void scanFolder(Path dir, Path skip, List<Path> own, List<Path> others,
                                   SortedMap<Integer, Path> checkpoints) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        for (Path p : list(dir)) {
            String name = p.getFileName().toString();
            Matcher epoch = EPOCH.matcher(name);
            if (p.equals(skip)) {
                continue;
            }
            if (Files.isDirectory(p) && epoch.matches()) {
                checkpoints.put(Integer.parseInt(epoch.group(1)), p);
                for (Path f : list(p)) {
                    (CHECKPOINT_FILES.contains(f.getFileName().toString()) && Files.isRegularFile(f) ? own : others)
                            .add(f);
                }
                own.add(p);
            } else if (TEMPORARY.matcher(name).matches()
                    || (Files.isRegularFile(p) && (name.equals(METRICS) || name.equals(REPORT)))) {
                own.add(p);
            } else {
                others.add(p);
            }
        }
    }

    /**
     * Removes {@code own} (sim4j's files, as {@link Contents#own()} lists them) and returns what was removed; a
     * checkpoint folder that still holds other files stays (with them).
     */
    static List<Path> clear(List<Path> own) {
        List<Path> removed = new ArrayList<>();
        try {
            for (Path p : own) {
                if (Files.isDirectory(p) && !p.getFileName().toString().startsWith(".")) {
                    try (Stream<Path> s = Files.list(p)) {
                        if (s.findAny().isPresent()) {
                            continue;
                        }
                    }
                }
                deleteTree(p);
                removed.add(p);
            }
        } catch (IOException e) {
            throw new OutputException("cannot remove the previous run's files: " + e.getMessage(), e);
        }
        // A removed checkpoint folder stands for its files.
        return removed.stream().filter(p -> !removed.contains(p.getParent())).toList();
    }

    /**
     * Names of {@code paths} relative to {@code base} (a folder in the list stands for its files), at most {@code max}
     * of them, then how many more.
     */
    static String names(Path base, List<Path> paths, int max) {
        Path b = base.toAbsolutePath().normalize();
        List<String> names = new ArrayList<>();
        for (Path p : paths) {
            if (paths.contains(p.getParent())) {
                continue;
            }
            Path a = p.toAbsolutePath().normalize();
            names.add((a.startsWith(b) ? b.relativize(a) : a).toString());
        }
        if (names.size() <= max) {
            return String.join(", ", names);
        }
        return String.join(", ", names.subList(0, max)) + " and " + (names.size() - max) + " more";
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        } catch (IOException e) {
            throw new OutputException(dir + ": cannot list: " + e.getMessage(), e);
        }
    }
}
