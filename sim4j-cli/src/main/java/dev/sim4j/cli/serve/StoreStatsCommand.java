package dev.sim4j.cli.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sim4j.data.DataException;
import dev.sim4j.serve.store.BehaviourStore;
import dev.sim4j.serve.store.StoreStats;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sim4j store stats}: users, events and size of a behaviour store. */
@Command(name = "stats", mixinStandardHelpOptions = true, description = "Print a behaviour store's users, events "
        + "and size on disk.")
public final class StoreStatsCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--store", required = true, paramLabel = "DIR", description = "The store folder.")
    private Path store;

    @Option(names = "--json", description = "Print the figures as JSON.")
    private boolean json;

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(store)) {
            throw new DataException(store + ": no behaviour store here (make one with 'sim4j store import')");
        }
        StoreStats s;
        try (BehaviourStore b = StoreOpener.open(store)) {
            s = b.stats();
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("store", store.toString());
            m.put("users", s.users());
            m.put("events", s.events());
            m.put("bytes", s.bytes());
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m));
        } else {
            out.printf("store %s: %,d users, %,d events, %,.1f MiB on disk%n", store, s.users(), s.events(),
                    s.bytes() / (double) (1 << 20));
        }
        return 0;
    }
}
