package dev.sim4j.cli.serve;

import dev.sim4j.cli.train.DeviceOptions;
import dev.sim4j.data.OutputException;
import dev.sim4j.engine.Backend;
import dev.sim4j.engine.cpu.CpuBackend;
import dev.sim4j.model.sim.CtrModel;
import dev.sim4j.serve.http.ScoringService;
import dev.sim4j.serve.http.ServiceConfig;
import dev.sim4j.serve.scoring.CandidateScorer;
import dev.sim4j.serve.scoring.Vocabularies;
import dev.sim4j.serve.store.BehaviourStore;
import dev.sim4j.train.TrainedModel;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sim4j serve}: the HTTP/JSON scoring service over a behaviour store. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve a trained SIM, DIEN or DIN checkpoint over HTTP/JSON: POST /v1/events appends behaviour "
                + "events to the store (acknowledged once durable), POST /v1/score scores a user's candidates over "
                + "the lifelong history (search soft, hard or recent); GET /healthz, /readyz, /metrics "
                + "(Prometheus), /openapi.json. Runs until Ctrl-C. See docs/serving.md.")
public final class ServeCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--checkpoint", required = true, paramLabel = "PATH",
            description = "An epoch_N folder, a train --results-dir or --checkpoint-dir (its newest epoch), or a "
                    + "weights.safetensors file.")
    private Path checkpoint;

    @Option(names = "--vocab", required = true, paramLabel = "DIR",
            description = "The vocab folder of the dataset the model was trained on (users.tsv, items.tsv, "
                    + "categories.tsv).")
    private Path vocab;

    @Option(names = "--store", required = true, paramLabel = "DIR", description = "The behaviour store folder "
            + "(created if missing).")
    private Path store;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "ADDR",
            description = "Address to listen on (default: ${DEFAULT-VALUE}, this machine only).")
    private String host;

    @Option(names = "--port", defaultValue = "8080", paramLabel = "N", description = "Default: ${DEFAULT-VALUE}.")
    private int port;

    @Option(names = "--threads", paramLabel = "N", description = "Scoring lanes, each running whole model passes "
            + "on one core with a copy of the model (default: the cores; with --device cuda one lane, the GPU's).")
    private Integer threads;

    @Option(names = "--device", paramLabel = "DEVICE", defaultValue = "cpu",
            description = "cpu, cuda (the first GPU) or cuda:N: where the model passes run; the searches, the store "
                    + "and the HTTP server stay on the CPU (default: ${DEFAULT-VALUE}).")
    private String device;

    @Option(names = "--no-tf32", description = "On a GPU, multiply in plain float32 instead of TF32 tensor cores.")
    private boolean noTf32;

    @Option(names = "--history-cache-events", paramLabel = "N",
            description = "Users' recent histories kept in memory between score requests, in events (in the model's "
                    + "ids, about 12 bytes each; checked against the store on every request, so appends are seen at "
                    + "once); 0 reads every history from the store (default: 4,000,000).")
    private Long historyCacheEvents;

    @Option(names = "--warm-up", paramLabel = "N", defaultValue = "600",
            description = "Synthetic score requests (100 candidates over a 1,000-event history, drawn from the "
                    + "vocabularies; the store is not touched) run through the scoring lanes before the service "
                    + "listens, so that real requests meet compiled code; 0: none (default: ${DEFAULT-VALUE}).")
    private int warmUp;

    @Option(names = "--auth-token-file", paramLabel = "FILE",
            description = "A file holding the bearer token that writes (POST /v1/events) must carry.")
    private Path authTokenFile;

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--port: must be between 0 and 65535, got " + port);
        }
        PrintWriter err = spec.commandLine().getErr();
        String token = null;
        if (authTokenFile != null) {
            try {
                token = java.nio.file.Files.readString(authTokenFile).strip();
            } catch (java.io.IOException e) {
                throw new dev.sim4j.data.DataException("--auth-token-file " + authTokenFile + ": cannot read: "
                        + e.getMessage());
            }
            if (token.isEmpty() || token.chars().anyMatch(ch -> ch < 0x21 || ch > 0x7e)) {
                throw new dev.sim4j.data.DataException("--auth-token-file " + authTokenFile + ": the token must be "
                        + "one line of printable ASCII without spaces");
            }
        }
        int gpu = DeviceOptions.gpuOf(device, spec.commandLine());
        if (gpu >= 0 && threads != null && threads != 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--threads " + threads + " with --device " + device + ": a GPU serves with one scoring lane "
                            + "(leave --threads out, or give 1)");
        }
        if (gpu < 0 && noTf32) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--no-tf32: only with --device cuda (the CPU multiplies in float32)");
        }
        if (warmUp < 0) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--warm-up: must be 0 or more, got " + warmUp);
        }
        if (historyCacheEvents != null && historyCacheEvents < 0) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--history-cache-events: must be 0 or more, got " + historyCacheEvents);
        }
        Vocabularies v = Vocabularies.read(vocab);
        int laneCount = gpu >= 0 ? 1 : threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (laneCount < 1 || laneCount > 256) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--threads: must be between 1 and 256, got " + laneCount);
        }
        List<Backend> backends = new ArrayList<>();
        try (BehaviourStore s = StoreOpener.open(store)) {
            // On the CPU one model per lane on a one-thread backend: at serving's batch sizes a pass per core is
            // faster than one pass forked over the cores (docs/serving.md). On a GPU one lane: the device runs a
            // pass over every waiting request at once. Its passes differ in shape, so they run eagerly (no graphs).
            List<CandidateScorer> lanes = new ArrayList<>();
            CtrModel model = null;
            for (int i = 0; i < laneCount; i++) {
                Backend backend = gpu >= 0 ? DeviceOptions.openCuda(gpu, !noTf32, false, err) : new CpuBackend(1);
                backends.add(backend);
                model = TrainedModel.load(checkpoint, backend);
                lanes.add(new CandidateScorer(model, v));
            }
            ScoringService service;
            try {
                ServiceConfig config = ServiceConfig.defaults(host, port);
                if (historyCacheEvents != null) {
                    config = config.withHistoryCacheEvents(historyCacheEvents);
                }
                service = ScoringService.start(token == null ? config : config.withAuthToken(token), s, lanes,
                        warmUp);
            } catch (RuntimeException e) {
                throw new OutputException("--host " + host + " --port " + port + ": cannot listen: " + e.getMessage()
                        + " (is the port in use? choose another with --port)", e);
            }
            if (token == null && !host.equals("127.0.0.1") && !host.equals("localhost") && !host.equals("::1")) {
                err.println("warning: listening on " + host + " beyond this machine without --auth-token-file: "
                        + "anyone who reaches it can append events");
            }
            err.printf("serving %s on http://%s:%d (store %s, %,d users; %d scoring lane(s) on %s); Ctrl-C stops%n",
                    model.config().type(), host, service.port(), store, s.stats().users(), laneCount, device);
            err.flush();
            // Ctrl-C or SIGTERM: the hook wakes this thread and waits (at most 10 s) until the service and the store
            // are closed, since the JVM exits when the hooks end.
            CountDownLatch stop = new CountDownLatch(1);
            CountDownLatch closed = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stop.countDown();
                try {
                    closed.await(10, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "sim4j-serve-stop"));
            try {
                stop.await();
            } finally {
                service.close();
            }
            err.println("stopped");
            err.flush();
            s.close();
            closed.countDown();
        } finally {
            backends.forEach(Backend::close);
        }
        return 0;
    }
}
