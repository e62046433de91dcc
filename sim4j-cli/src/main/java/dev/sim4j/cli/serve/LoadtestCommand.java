package dev.sim4j.cli.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sim4j.cli.OptionChecks;
import dev.sim4j.data.DataException;
import dev.sim4j.serve.load.LoadGenerator;
import dev.sim4j.serve.load.LoadPlan;
import dev.sim4j.serve.load.LoadResult;
import dev.sim4j.serve.scoring.Candidate;
import dev.sim4j.serve.scoring.ItemCatalogue;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sim4j loadtest}: an open-loop load generator for {@code sim4j serve}. */
@Command(name = "loadtest", mixinStandardHelpOptions = true,
        description = "Send score requests to a running 'sim4j serve' on a fixed schedule (open loop: not after the "
                + "previous answer) and report throughput and latency percentiles, measured from when each request "
                + "was due (coordinated omission corrected). First gives --users synthetic users --history events "
                + "each, drawn from the vocabulary's items.")
public final class LoadtestCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", paramLabel = "URL",
            description = "The service (default: ${DEFAULT-VALUE}).")
    private URI url;

    @Option(names = "--rate", required = true, paramLabel = "R", description = "Score requests per second.")
    private double rate;

    @Option(names = "--duration", required = true, paramLabel = "S", description = "Seconds of sending.")
    private double duration;

    @Option(names = "--warmup", defaultValue = "5", paramLabel = "S",
            description = "Seconds of sending first, on the same schedule, not timed (the client's connections and "
                    + "compiled code, and the service's, warm up). Default: ${DEFAULT-VALUE}.")
    private double warmup;

    @Option(names = "--candidates", defaultValue = "100", paramLabel = "N", description = "Default: ${DEFAULT-VALUE}.")
    private int candidates;

    @Option(names = "--users", defaultValue = "100", paramLabel = "N", description = "Default: ${DEFAULT-VALUE}.")
    private int users;

    @Option(names = "--history", defaultValue = "1000", paramLabel = "N",
            description = "Events given to each user before timing (0: none). Default: ${DEFAULT-VALUE}.")
    private int history;

    @Option(names = "--search", defaultValue = "soft", paramLabel = "S",
            description = "soft, hard or recent (default: ${DEFAULT-VALUE}).")
    private String search;

    @Option(names = "--vocab", required = true, paramLabel = "DIR",
            description = "The served model's vocab folder: candidates and events are its items.")
    private Path vocab;

    @Option(names = "--auth-token-file", paramLabel = "FILE", description = "The service's write token, if it has one.")
    private Path authTokenFile;

    @Option(names = "--seed", defaultValue = "7", paramLabel = "S", description = "Default: ${DEFAULT-VALUE}.")
    private long seed;

    @Option(names = "--json", description = "Print the result as JSON.")
    private boolean json;

    @Override
    public Integer call() throws Exception {
        OptionChecks c = OptionChecks.of(spec);
        if (!(rate > 0) || rate > 100_000) {
            throw c.fail("--rate", "must be between 0 and 100000 requests per second, got " + rate);
        }
        if (!(duration > 0) || duration > 3600) {
            throw c.fail("--duration", "must be between 0 and 3600 seconds, got " + duration);
        }
        if (!(warmup >= 0) || warmup > 3600) {
            throw c.fail("--warmup", "must be between 0 and 3600 seconds, got " + warmup);
        }
        c.positive("--candidates", candidates);
        c.positive("--users", users);
        c.atLeast("--history", history, 0);
        c.oneOf("--search", search, List.of("soft", "hard", "recent"));
        List<Candidate> catalogue = ItemCatalogue.read(vocab);
        String[] items = catalogue.stream().map(Candidate::item).toArray(String[]::new);
        String[] cats = catalogue.stream().map(Candidate::category).toArray(String[]::new);
        String token = authTokenFile == null ? null : Files.readString(authTokenFile).strip();
        LoadPlan plan = new LoadPlan(url, rate, duration, warmup, candidates, users, history, search,
                items, cats, token, seed);
        LoadGenerator g = new LoadGenerator(plan);
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        LoadResult r;
        try {
            if (history > 0) {
                err.printf("giving %,d users %,d events each...%n", users, history);
                err.flush();
            }
            g.createUsers();
            err.printf("sending %,.0f requests/s for %.0f s after %.0f s of warm-up (%d candidates, %s search)...%n",
                    rate, duration, warmup, candidates, search);
            err.flush();
            r = g.run();
        } catch (IOException e) {
            throw new DataException(url + ": " + e.getMessage() + " (is 'sim4j serve' running there?)");
        }
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(r));
        } else {
            out.printf("%,d requests in %.1f s: %,d answered 200 (%,.1f/s); statuses %s%n", r.sent(), r.seconds(),
                    r.ok(), r.throughput(), r.statuses());
            out.printf("latency from when due, ms: p50 %.1f, p90 %.1f, p99 %.1f, p99.9 %.1f, max %.1f%n", r.p50(),
                    r.p90(), r.p99(), r.p999(), r.max());
        }
        return 0;
    }
}
