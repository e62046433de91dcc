package dev.sim4j.cli.device;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sim4j.cuda.CudaProbe;
import dev.sim4j.cuda.lib.LibraryLocator;
import dev.sim4j.engine.cpu.simd.VectorShape;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sim4j doctor}: what this machine offers sim4j (Java, CPU, GPUs, driver, CUDA libraries) and what is missing. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Print what this machine offers sim4j: Java and its vector width, the CPU, the GPUs (name, "
                + "memory, compute capability), the NVIDIA driver and each CUDA library found (path, version), and "
                + "what is missing for --device cuda. Exit 0 either way.")
public final class DoctorCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--json", description = "Print the facts as JSON.")
    private boolean json;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        CudaProbe.Report cuda = CudaProbe.probe(LibraryLocator.fromEnvironment());
        String cpu = cpuModel();
        int cores = Runtime.getRuntime().availableProcessors();
        if (json) {
            Map<String, Object> facts = new LinkedHashMap<>();
            facts.put("java", Runtime.version().toString());
            facts.put("java_vendor", System.getProperty("java.vendor"));
            facts.put("vector_bits", VectorShape.bits());
            facts.put("cpu", cpu);
            facts.put("cores", cores);
            facts.put("max_heap_bytes", Runtime.getRuntime().maxMemory());
            facts.put("driver_cuda_version", cuda.driverCudaVersion());
            facts.put("gpus", cuda.gpus());
            facts.put("libraries", cuda.libraries());
            facts.put("cuda_usable", cuda.usable());
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(facts));
            return 0;
        }
        out.printf("Java:    %s (%s), float vectors of %d bits (%d lanes), max heap %,d MiB%n", Runtime.version(),
                System.getProperty("java.vendor"), VectorShape.bits(), VectorShape.lanes(),
                Runtime.getRuntime().maxMemory() >> 20);
        out.printf("CPU:     %s, %d cores%n", cpu, cores);
        if (cuda.gpus().isEmpty()) {
            out.println("GPUs:    none found");
        }
        for (CudaProbe.Gpu g : cuda.gpus()) {
            out.printf(Locale.ROOT, "GPU %d:   %s, %.1f GiB, compute capability %s, %d multiprocessors%n", g.ordinal(),
                    g.name(), g.memoryBytes() / (double) (1L << 30), g.architecture().substring(3, 4) + "."
                            + g.architecture().substring(4), g.multiprocessors());
        }
        for (CudaProbe.Library l : cuda.libraries()) {
            out.printf("%-8s %s%n", l.name().equals("CUDA driver") ? "Driver:" : l.name() + ":",
                    l.where() == null ? "missing: " + l.problem()
                            : l.where() + (l.version() != null ? ", version " + l.version() : "")
                                    + (l.problem() != null ? "; problem: " + l.problem() : ""));
        }
        List<String> missing = cuda.libraries().stream().filter(l -> l.problem() != null).map(CudaProbe.Library::name)
                .toList();
        out.println(cuda.usable() ? "--device cuda: ready (" + cuda.gpus().size() + " GPU(s))"
                : "--device cuda: not available here (" + (missing.isEmpty() ? "no GPU" : "missing: "
                        + String.join(", ", missing) + "; see above") + ")");
        return 0;
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through
        }
        return System.getProperty("os.arch");
    }
}
