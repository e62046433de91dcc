package dev.sim4j.model.params;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A model's parameters by checkpoint name, in the order the model declares them. */
public final class ParameterSet {
    private final Map<String, Parameter> byName = new LinkedHashMap<>();

    public void add(Parameter p) {
        if (byName.putIfAbsent(p.name(), p) != null) {
            throw new IllegalArgumentException("two parameters named " + p.name());
        }
    }

    public void addAll(ParameterSet other) {
        other.all().forEach(this::add);
    }

    public Parameter get(String name) {
        Parameter p = byName.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no parameter named " + name + " (have " + byName.keySet() + ")");
        }
        return p;
    }

    public boolean contains(String name) {
        return byName.containsKey(name);
    }

    public List<Parameter> all() {
        return Collections.unmodifiableList(new ArrayList<>(byName.values()));
    }

    /** Parameters whose name does not start with "embedding.": the dense part counted in checkpoint-format.md. */
    public long denseCount() {
        return byName.values().stream().filter(p -> !p.name().startsWith("embedding.")).mapToLong(Parameter::size).sum();
    }

    public long totalCount() {
        return byName.values().stream().mapToLong(Parameter::size).sum();
    }
}
