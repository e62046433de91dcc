package dev.sim4j.data.spec;

import dev.sim4j.data.DataException;
import dev.sim4j.data.OutputException;
import java.io.IOException;
import java.io.Reader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Reads and writes {@code feature_spec.yaml} the way the reference does: PyYAML's {@code yaml.dump} output (block
 * style, sorted keys, indentless lists, and {@code &id001} / {@code *id001} anchors where one list is shared, as the
 * reference's writer shares one feature list between its mappings). Structural problems (a section that is not a
 * mapping, a value of the wrong kind) are reported here; semantic ones by {@link FeatureSpecValidator}.
 */
public final class FeatureSpecYaml {
    private static final String FEATURE_SPEC = "feature_spec";
    private static final String SOURCE_SPEC = "source_spec";
    private static final String CHANNEL_SPEC = "channel_spec";
    private static final String METADATA = "metadata";

    private FeatureSpecYaml() {
    }

    /** Reads {@code dir/feature_spec.yaml}, or the file itself if {@code path} is a file. */
    public static FeatureSpec read(Path path) {
        Path file = Files.isDirectory(path) ? path.resolve(FeatureSpec.FILE_NAME) : path;
        if (!Files.isRegularFile(file)) {
            throw new DataException(file + ": no feature spec here; a dataset folder must hold " + FeatureSpec.FILE_NAME);
        }
        Object root;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            root = new Load(LoadSettings.builder().setLabel(file.toString()).build()).loadFromReader(reader);
        } catch (IOException e) {
            throw new DataException(file + ": cannot read the feature spec: " + e.getMessage(), e);
        } catch (YamlEngineException e) {
            throw new DataException(file + ": not valid YAML: " + e.getMessage(), e);
        }
        return parse(file, root);
    }

    /** Parses an already loaded YAML tree. */
    static FeatureSpec parse(Path file, Object root) {
        List<SpecProblem> problems = new ArrayList<>();
        if (!(root instanceof Map<?, ?> top)) {
            problems.add(new SpecProblem("(top level)", file.getFileName().toString(),
                    "expected a mapping with feature_spec, source_spec and channel_spec"));
            throw new InvalidSpecException(file, problems);
        }
        for (String required : List.of(FEATURE_SPEC, SOURCE_SPEC, CHANNEL_SPEC)) {
            if (!top.containsKey(required)) {
                problems.add(new SpecProblem(required, "(section)", "missing; every feature spec needs this section"));
            }
        }
        Map<String, FeatureDef> features = new LinkedHashMap<>();
        Map<?, ?> featureSection = mapping(top.get(FEATURE_SPEC), FEATURE_SPEC, "(section)", problems);
        if (featureSection != null) {
            featureSection.forEach((k, v) -> {
                String name = String.valueOf(k);
                FeatureDef def = parseFeature(name, v, problems);
                if (def != null) {
                    features.put(name, def);
                }
            });
        }
        Map<String, List<ChunkSpec>> sources = new LinkedHashMap<>();
        Map<?, ?> sourceSection = mapping(top.get(SOURCE_SPEC), SOURCE_SPEC, "(section)", problems);
        if (sourceSection != null) {
            sourceSection.forEach((k, v) -> {
                String mapping = String.valueOf(k);
                List<?> chunks = list(v, SOURCE_SPEC, mapping, problems);
                if (chunks == null) {
                    return;
                }
                List<ChunkSpec> parsed = new ArrayList<>();
                for (int i = 0; i < chunks.size(); i++) {
                    ChunkSpec c = parseChunk(mapping + "[" + i + "]", chunks.get(i), problems);
                    if (c != null) {
                        parsed.add(c);
                    }
                }
                sources.put(mapping, parsed);
            });
        }
        Map<String, List<String>> channels = new LinkedHashMap<>();
        Map<?, ?> channelSection = mapping(top.get(CHANNEL_SPEC), CHANNEL_SPEC, "(section)", problems);
        if (channelSection != null) {
            channelSection.forEach((k, v) -> {
                String channel = String.valueOf(k);
                List<String> names = strings(v, CHANNEL_SPEC, channel, problems);
                if (names != null) {
                    channels.put(channel, names);
                }
            });
        }
        Map<String, Object> metadata = new LinkedHashMap<>();
        Object meta = top.get(METADATA);
        if (meta instanceof Map<?, ?> m) {
            m.forEach((k, v) -> metadata.put(String.valueOf(k), v));
        } else if (meta != null) {
            problems.add(new SpecProblem(METADATA, "(section)", "expected a mapping (or {}), found " + kind(meta)));
        }
        if (!problems.isEmpty()) {
            throw new InvalidSpecException(file, problems);
        }
        return new FeatureSpec(features, sources, channels, metadata);
    }

    private static FeatureDef parseFeature(String name, Object value, List<SpecProblem> problems) {
        Map<?, ?> m = value == null ? Map.of() : mapping(value, FEATURE_SPEC, name, problems);
        if (m == null) {
            return null;
        }
        String dtype = null;
        OptionalLong cardinality = OptionalLong.empty();
        List<Integer> dims = List.of();
        Map<String, Object> extra = new LinkedHashMap<>();
        boolean ok = true;
        for (Map.Entry<?, ?> e : m.entrySet()) {
            String key = String.valueOf(e.getKey());
            Object v = e.getValue();
            switch (key) {
                case "dtype" -> dtype = v == null ? null : String.valueOf(v);
                case "cardinality" -> {
                    if (v instanceof Integer || v instanceof Long) {
                        cardinality = OptionalLong.of(((Number) v).longValue());
                    } else if (v instanceof BigInteger) {
                        problems.add(new SpecProblem(FEATURE_SPEC, name, "cardinality " + v + " is too large"));
                        ok = false;
                    } else {
                        problems.add(new SpecProblem(FEATURE_SPEC, name,
                                "cardinality must be a whole number, found " + kind(v) + " '" + v + "'"));
                        ok = false;
                    }
                }
                case "dimensions" -> {
                    List<Integer> parsed = new ArrayList<>();
                    if (v instanceof List<?> l) {
                        for (Object d : l) {
                            if (d instanceof Integer i) {
                                parsed.add(i);
                            } else {
                                problems.add(new SpecProblem(FEATURE_SPEC, name,
                                        "dimensions must be a list of whole numbers, found '" + d + "'"));
                                ok = false;
                            }
                        }
                    } else {
                        problems.add(new SpecProblem(FEATURE_SPEC, name,
                                "dimensions must be a list such as [100], found " + kind(v)));
                        ok = false;
                    }
                    dims = parsed;
                }
                default -> extra.put(key, v);
            }
        }
        if (dtype == null) {
            problems.add(new SpecProblem(FEATURE_SPEC, name, "has no dtype; add e.g. 'dtype: int64'"));
            ok = false;
        }
        return ok ? new FeatureDef(name, dtype, cardinality, dims, extra) : null;
    }

    private static ChunkSpec parseChunk(String where, Object value, List<SpecProblem> problems) {
        Map<?, ?> m = mapping(value, SOURCE_SPEC, where, problems);
        if (m == null) {
            return null;
        }
        Object type = m.get("type");
        if (type == null) {
            problems.add(new SpecProblem(SOURCE_SPEC, where, "chunk has no 'type' (tfrecord, csv or sim4j)"));
        }
        List<String> features = m.containsKey("features") ? strings(m.get("features"), SOURCE_SPEC, where + ".features", problems) : null;
        if (!m.containsKey("features")) {
            problems.add(new SpecProblem(SOURCE_SPEC, where, "chunk has no 'features' list"));
        }
        List<String> files = m.containsKey("files") ? strings(m.get("files"), SOURCE_SPEC, where + ".files", problems) : null;
        if (!m.containsKey("files")) {
            problems.add(new SpecProblem(SOURCE_SPEC, where, "chunk has no 'files' list"));
        }
        if (type == null || features == null || files == null) {
            return null;
        }
        return new ChunkSpec(String.valueOf(type), features, files);
    }

    private static Map<?, ?> mapping(Object v, String section, String subject, List<SpecProblem> problems) {
        if (v instanceof Map<?, ?> m) {
            return m;
        }
        if (v != null) {
            problems.add(new SpecProblem(section, subject, "expected a mapping, found " + kind(v)));
        }
        return null;
    }

    private static List<?> list(Object v, String section, String subject, List<SpecProblem> problems) {
        if (v instanceof List<?> l) {
            return l;
        }
        problems.add(new SpecProblem(section, subject, "expected a list, found " + kind(v)));
        return null;
    }

    private static List<String> strings(Object v, String section, String subject, List<SpecProblem> problems) {
        List<?> l = list(v, section, subject, problems);
        if (l == null) {
            return null;
        }
        List<String> out = new ArrayList<>(l.size());
        for (Object o : l) {
            if (o == null || o instanceof Map || o instanceof List) {
                problems.add(new SpecProblem(section, subject, "expected a list of names, found an entry " + kind(o)));
                return null;
            }
            out.add(String.valueOf(o));
        }
        return out;
    }

    private static String kind(Object v) {
        if (v == null) {
            return "nothing";
        }
        if (v instanceof Map) {
            return "a mapping";
        }
        if (v instanceof List) {
            return "a list";
        }
        if (v instanceof String) {
            return "a string";
        }
        if (v instanceof Number) {
            return "a number";
        }
        if (v instanceof Boolean) {
            return "a boolean";
        }
        return v.getClass().getSimpleName();
    }

    /** The spec as YAML text in the reference's (PyYAML) layout. */
    public static String toYaml(FeatureSpec spec) {
        Map<String, Object> root = new TreeMap<>();
        Map<String, Object> channels = new TreeMap<>();
        spec.channels().forEach((k, v) -> channels.put(k, new ArrayList<>(v)));
        root.put(CHANNEL_SPEC, channels);
        Map<String, Object> features = new TreeMap<>();
        spec.features().forEach((name, def) -> {
            Map<String, Object> m = new TreeMap<>(def.extra());
            def.cardinality().ifPresent(c -> m.put("cardinality", c <= Integer.MAX_VALUE ? (Object) (int) c : (Object) c));
            if (!def.dimensions().isEmpty()) {
                m.put("dimensions", new ArrayList<>(def.dimensions()));
            }
            m.put("dtype", def.dtype());
            features.put(name, m);
        });
        root.put(FEATURE_SPEC, features);
        root.put(METADATA, new TreeMap<>(spec.metadata()));
        // Equal feature lists become one shared instance, so the dump carries &id001 / *id001 like the reference's.
        Map<List<String>, List<String>> shared = new HashMap<>();
        Map<String, Object> sources = new TreeMap<>();
        spec.sources().forEach((mapping, chunks) -> {
            List<Object> out = new ArrayList<>();
            for (ChunkSpec c : chunks) {
                Map<String, Object> m = new TreeMap<>();
                m.put("features", shared.computeIfAbsent(c.features(), ArrayList::new));
                m.put("files", new ArrayList<>(c.files()));
                m.put("type", c.type());
                out.add(m);
            }
            sources.put(mapping, out);
        });
        root.put(SOURCE_SPEC, sources);
        DumpSettings settings = DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).setIndent(2).setWidth(4096).build();
        return new Dump(settings).dumpToString(root);
    }

    /** Writes {@code dir/feature_spec.yaml} atomically (temp file, then rename). */
    public static void write(FeatureSpec spec, Path dir) {
        Path target = dir.resolve(FeatureSpec.FILE_NAME);
        Path tmp = dir.resolve(FeatureSpec.FILE_NAME + ".tmp");
        try {
            Files.writeString(tmp, toYaml(spec), StandardCharsets.UTF_8);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new OutputException(target + ": cannot write the feature spec: " + e.getMessage(), e);
        }
    }
}
