package io.hanse.cli;

import io.hanse.cli.config.ConfigTree;
import io.hanse.cli.config.RunConfig;
import io.hanse.model.Engine;
import io.hanse.server.RoundListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code hanse simulate}: many virtual clients in this JVM. */
@Command(name = "simulate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a federation of virtual clients in one JVM.",
                "Flags override the config file's keys (shown in brackets)."})
public final class SimulateCommand implements Callable<Integer> {

    @picocli.CommandLine.Mixin
    ConfigOptions options = new ConfigOptions();

    @Option(names = "--clients", description = "Number of clients K [partition.clients].")
    Integer clients;

    @Option(names = "--fraction", description = "Fraction C of clients per round [strategy.fraction_fit].")
    Double fraction;

    @Option(names = "--rounds", description = "Rounds [rounds].")
    Integer rounds;

    @Option(names = {"-E", "--epochs"}, description = "Local epochs E [train.epochs].")
    Integer epochs;

    @Option(names = {"-B", "--batch-size"}, description = "Local batch size B [train.batch_size].")
    Integer batchSize;

    @Option(names = {"--lr", "--learning-rate"}, description = "Client learning rate [train.learning_rate].")
    Double learningRate;

    @Option(names = "--partition", description = "iid, pathological, dirichlet or natural (shakespeare) [partition.method].")
    String partition;

    @Option(names = "--alpha", description = "Dirichlet concentration [partition.alpha].")
    Double alpha;

    @Option(names = "--model", description = "linear, logistic, 2nn or cnn [model.name].")
    String model;

    @Option(names = "--seed", description = "Seed of every random choice [seed].")
    Long seed;

    @Option(names = "--threads", description = "Worker threads, one engine model each [simulation.threads].")
    Integer threads;

    @Option(names = "--target-accuracy", description = "Stop once centralized accuracy reaches this [target_accuracy].")
    Double targetAccuracy;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", description = "Write rounds.csv and summary.json here [output.dir].")
    Path out;

    @Override
    public Integer call() throws Exception {
        RunConfig run = RunConfig.from(tree());
        Path outDir = run.outputDir() == null ? null : Path.of(run.outputDir());
        SimulationRunner.Federation data = SimulationRunner.prepare(run, options.dataDir);
        Engine engine = Engines.byName("tensorflow");
        List<RoundListener> listeners = new ArrayList<>();
        ProgressReporter progress = new ProgressReporter(System.out, System.err, System.console() != null);
        listeners.add(progress);
        RoundsCsv csv = outDir == null ? null : new RoundsCsv(outDir.resolve("rounds.csv"));
        ClientsCsv clientsCsv = outDir == null ? null : new ClientsCsv(outDir.resolve("clients.csv"));
        if (csv != null) {
            listeners.add(csv);
            listeners.add(clientsCsv);
        }
        System.out.printf(Locale.ROOT, "%s: %d clients (%s), %d rounds, C=%.2f, E=%d, B=%d, lr=%s, model %s, seed %d%n",
                run.name(), run.partition().clients(), run.partition().method(), run.rounds(), run.strategy().fractionFit(),
                run.training().epochs(), run.training().batchSize(), run.training().learningRate(),
                run.model().name(), run.seed());
        SimulationRunner.Result result;
        try {
            result = SimulationRunner.run(run, data, engine, listeners);
        } finally {
            progress.close();
            if (csv != null) {
                csv.close();
                clientsCsv.close();
            }
        }
        Map<String, Object> r = result.results();
        System.out.printf(Locale.ROOT, "done: %d rounds, final accuracy %s, best %s, %.1f s, peak RSS %.0f MiB%n",
                r.get("rounds_run"), fmt(r.get("final_accuracy")), fmt(r.get("best_accuracy")),
                (Double) r.get("total_seconds"), (Double) r.get("peak_rss_mib"));
        if (r.containsKey("rounds_to_target")) {
            System.out.println("rounds to target accuracy " + r.get("target_accuracy") + ": "
                    + (r.get("rounds_to_target") == null ? "not reached" : r.get("rounds_to_target")));
        }
        if (outDir != null) {
            Map<String, Object> summary = new LinkedHashMap<>(SimulationRunner.describe(run, data, result.spec(), engine));
            summary.put("config", run.source());
            summary.put("results", r);
            Summary.write(outDir.resolve("summary.json"), summary);
            Summary.writeReport(outDir, run);
            System.out.println("results in " + outDir.resolve("rounds.csv") + " and " + outDir.resolve("summary.json")
                    + (run.writeReport() ? ", plots in " + outDir.resolve("report.html") : ""));
        }
        return 0;
    }

    private static String fmt(Object o) {
        return o instanceof Double d ? String.format(Locale.ROOT, "%.4f", d) : String.valueOf(o);
    }

    /** The config file with every flag applied on top, by its dotted key; {@code --set} wins over both. */
    ConfigTree tree() {
        ConfigTree t = options.config == null ? ConfigTree.empty() : ConfigTree.parse(options.config);
        put(t, "partition.clients", clients);
        put(t, "strategy.fraction_fit", fraction);
        put(t, "rounds", rounds);
        put(t, "train.epochs", epochs);
        put(t, "train.batch_size", batchSize);
        put(t, "train.learning_rate", learningRate);
        put(t, "partition.method", partition);
        put(t, "partition.alpha", alpha);
        put(t, "model.name", model);
        put(t, "seed", seed);
        put(t, "simulation.threads", threads);
        put(t, "target_accuracy", targetAccuracy);
        put(t, "output.dir", out == null ? null : out.toString());
        options.applySets(t);
        return t;
    }

    private static void put(ConfigTree t, String key, Object value) {
        if (value != null) {
            t.set(key, value);
        }
    }
}
