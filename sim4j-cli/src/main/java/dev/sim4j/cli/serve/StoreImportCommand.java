package dev.sim4j.cli.serve;

import dev.sim4j.serve.store.BehaviourStore;
import dev.sim4j.serve.store.DatasetImport;
import dev.sim4j.serve.store.DumpImport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sim4j store import}: bulk-loads a behaviour store from a preprocessed dataset or the raw dump. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Bulk-load an empty behaviour store. From --reviews and --meta (the raw Amazon dump): every "
                + "review of every user with its real time. From --dataset (written by 'sim4j preprocess amazon "
                + "--format sim4j'): every kept user's whole sequence in raw ids; the dataset keeps no timestamps, so "
                + "a user's events get the times 0, 1, 2, ... in their order.")
public final class StoreImportCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--dataset", paramLabel = "DIR", description = "A preprocessed dataset.")
    private Path dataset;

    @Option(names = "--reviews", paramLabel = "FILE", description = "The raw reviews dump (.json or .json.gz).")
    private Path reviews;

    @Option(names = "--meta", paramLabel = "FILE", description = "The raw metadata dump (.json or .json.gz).")
    private Path meta;

    @Option(names = "--store", required = true, paramLabel = "DIR",
            description = "The store folder (created if missing; must hold no events).")
    private Path store;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        boolean fromDump = reviews != null || meta != null;
        if (fromDump == (dataset != null) || (fromDump && (reviews == null || meta == null))) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "give either --dataset DIR or both --reviews FILE and --meta FILE");
        }
        boolean terminal = System.console() != null;
        try (BehaviourStore s = StoreOpener.open(store)) {
            if (fromDump) {
                DumpImport.Result r = DumpImport.run(reviews, meta, s, lines -> {
                    if (terminal) {
                        err.printf("\rread %,d review lines", lines);
                        err.flush();
                    }
                });
                if (terminal) {
                    err.println();
                }
                out.printf("imported %,d users, %,d events (%,d items with metadata) into %s in %.1f s%n", r.users(),
                        r.events(), r.items(), store, r.seconds());
            } else {
                DatasetImport.Result r = DatasetImport.run(dataset, s, users -> {
                    if (terminal) {
                        err.printf("\rimported %,d users", users);
                        err.flush();
                    }
                });
                if (terminal) {
                    err.println();
                }
                out.printf("imported %,d users, %,d events into %s in %.1f s%n", r.users(), r.events(), store,
                        r.seconds());
            }
        }
        return 0;
    }
}
