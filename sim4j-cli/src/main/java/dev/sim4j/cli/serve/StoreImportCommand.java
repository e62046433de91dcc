package dev.sim4j.cli.serve;

import dev.sim4j.serve.store.BehaviourStore;
import dev.sim4j.serve.store.DatasetImport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sim4j store import}: bulk-loads a behaviour store from a preprocessed dataset. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Bulk-load an empty behaviour store from a dataset written by 'sim4j preprocess amazon "
                + "--format sim4j': every kept user's whole sequence in raw ids (the dataset's vocab/ files). The "
                + "dataset keeps no timestamps: a user's events get the times 0, 1, 2, ... in their order.")
public final class StoreImportCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--dataset", required = true, paramLabel = "DIR", description = "The preprocessed dataset.")
    private Path dataset;

    @Option(names = "--store", required = true, paramLabel = "DIR",
            description = "The store folder (created if missing; must hold no events).")
    private Path store;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        boolean terminal = System.console() != null;
        try (BehaviourStore s = StoreOpener.open(store)) {
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
        return 0;
    }
}
