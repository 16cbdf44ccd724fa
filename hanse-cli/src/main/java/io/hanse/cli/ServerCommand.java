package io.hanse.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hanse.cli.config.ConfigException;
import io.hanse.cli.config.RunConfig;
import io.hanse.data.Dataset;
import io.hanse.flower.FlowerServer;
import io.hanse.grpc.ClientAuthenticator;
import io.hanse.grpc.GrpcFederationServer;
import io.hanse.model.Engine;
import io.hanse.model.ModelSpec;
import io.hanse.security.TokenStore;
import io.hanse.server.CentralizedEvaluator;
import io.hanse.server.ClientManager;
import io.hanse.server.History;
import io.hanse.server.RoundListener;
import io.hanse.server.Server;
import io.hanse.server.ServerConfig;
import io.hanse.state.ServerState;
import io.hanse.strategy.FedAvg;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code hanse server}: the federation's server process, reached by {@code hanse client}s over gRPC. */
@Command(name = "server", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the server of a federation: clients connect over gRPC (TLS unless on loopback or --insecure).",
                "Its state (round, config, clients, metrics) is in an SQLite database and the model is checkpointed",
                "after every round, so --resume continues after a crash."})
public final class ServerCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions options = new ConfigOptions();

    @Option(names = "--address", description = "Address to listen on [server.address]; default loopback.")
    String address;

    @Option(names = "--port", description = "Port to listen on [server.port], 0 for any.")
    Integer port;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "State database and checkpoints [server.state_dir].")
    Path stateDir;

    @Option(names = "--resume", description = "Continue the run whose state is in the state directory.")
    boolean resume;

    @Option(names = "--insecure", description = "Allow plaintext and unauthenticated clients on a non-loopback address (prints a warning).")
    boolean insecure;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", description = "Write rounds.csv and summary.json here [output.dir].")
    Path out;

    @Override
    public Integer call() throws Exception {
        var tree = options.tree();
        if (address != null) {
            tree.set("server.address", address);
        }
        if (port != null) {
            tree.set("server.port", (long) port);
        }
        if (stateDir != null) {
            tree.set("server.state_dir", stateDir.toString());
        }
        if (insecure) {
            tree.set("server.insecure", true);
        }
        if (out != null) {
            tree.set("output.dir", out.toString());
        }
        RunConfig run = RunConfig.from(tree);
        RunConfig.ServerSettings s = run.server();
        if (!run.attack().type().equals("none")) {
            throw new ConfigException("attack.type = \"" + run.attack().type() + "\" simulates malicious clients and is only for "
                    + "`hanse simulate`; a server cannot make its clients malicious. Remove [attack] or set type = \"none\"");
        }
        boolean loopback = InetAddress.getByName(s.address()).isLoopbackAddress();
        if (!loopback && !s.insecure() && (s.tlsCert() == null || s.tokens() == null)) {
            throw new ConfigException("server.address = \"" + s.address() + "\" is not loopback: set server.tls_cert, server.tls_key and "
                    + "server.tokens (see `hanse certs` and `hanse token`), or pass --insecure to accept plaintext, unauthenticated clients");
        }
        if (s.flowerPort() >= 0 && !loopback && !s.insecure()) {
            throw new ConfigException("server.flower_port: Flower's legacy protocol has no client authentication; on the non-loopback "
                    + "address \"" + s.address() + "\" pass --insecure (server.insecure = true) to accept Flower clients");
        }

        DeployedData.ServerData data = DeployedData.server(run, options.dataDir);
        ModelSpec spec = run.model().spec(data.featureShape(), data.numClasses(), SimulationRunner.vocabularySize(run));
        Engine engine = Engines.byName("tensorflow");
        String configJson = new ObjectMapper().writeValueAsString(stateRelevant(run.source()));
        Path outDir = run.outputDir() == null ? null : Path.of(run.outputDir());

        try (ServerState state = ServerState.open(Path.of(s.stateDir()), configJson, run.seed(), run.rounds(), resume)) {
            ClientManager clients = new ClientManager();
            GrpcFederationServer.Builder b = GrpcFederationServer.builder()
                    .bind(s.address(), s.port())
                    .clientManager(clients)
                    .expectedLayout(spec.layout())
                    .heartbeatInterval(Server.seconds(s.heartbeatTimeout() / 3))
                    .heartbeatTimeout(Server.seconds(s.heartbeatTimeout()))
                    .allowInsecure(s.insecure());
            if (s.tlsCert() != null) {
                b.tls(Path.of(s.tlsCert()), Path.of(s.tlsKey()));
                if (s.tlsClientCa() != null) {
                    b.clientCa(Path.of(s.tlsClientCa()));
                }
            }
            if (s.tokens() != null) {
                TokenStore tokens = TokenStore.load(Path.of(s.tokens()));
                b.authenticator((token, clientId) -> token != null && tokens.authenticate(token, clientId)
                        ? ClientAuthenticator.Decision.accept()
                        : ClientAuthenticator.Decision.refuse(token == null ? "no token" : "token does not match client " + clientId));
            }
            try (GrpcFederationServer grpc = b.build().start(); FlowerServer flower = startFlower(s, clients, spec)) {
                System.out.printf(Locale.ROOT, "%s: listening on %s:%d (%s%s), waiting for %d clients%n", run.name(), s.address(), grpc.port(),
                        s.tlsCert() == null ? "plaintext" : s.tlsClientCa() == null ? "TLS" : "mutual TLS",
                        s.tokens() == null ? ", no client authentication" : ", token authentication", minAvailable(run));
                System.out.flush();
                // standardisation or a vocabulary that depends on all clients is prepared with them before round 1
                Dataset evalSet = data.prepare(run, clients);
                try (CentralizedEvaluator evaluator = new CentralizedEvaluator(engine.create(spec, run.seed(), run.simulation().intraOpThreads()),
                        evalSet, 1000, run.strategy().evaluateEvery())) {
                io.hanse.strategy.Strategy strategy = SimulationRunner.serverStrategy(run, spec, evaluator);
                // the strategy's own state (server optimizer moments, SCAFFOLD's c) is checkpointed with the model
                state.trackStrategyState(strategy::serverState);
                if (state.resumed() && run.privacy().enabled() && state.resumeRound() > 1) {
                    // LIMITATION: the accountant's composition is not checkpointed; say so rather than under-report silently
                    System.err.printf(Locale.ROOT, "warning: privacy accounting restarts at round %d: the epsilon reported from here on "
                            + "counts only the rounds since the restart, not rounds 1-%d; the budget is enforced on that count too%n",
                            state.resumeRound(), state.resumeRound() - 1);
                }
                if (state.resumed()) {
                    state.resumeStrategyState().ifPresent(saved -> {
                        strategy.restoreServerState(saved);
                        System.out.printf(Locale.ROOT, "restored the strategy's state after round %d (%d values)%n",
                                state.resumeRound() - 1, saved.layout().totalSize());
                    });
                }
                ServerConfig serverConfig = SimulationRunner.serverConfig(run)
                        .withMinAvailableClients(minAvailable(run), Server.seconds(s.waitForClients()));

                ProgressReporter progress = new ProgressReporter(System.out, System.err, System.console() != null);
                // encoded payload bytes (parameters, compressed updates, protocol messages' chunks), as a simulation counts
                // them; the wire totals, with gRPC framing, heartbeats and polls, go to summary.json
                RoundsCsv csv = outDir == null ? null : new RoundsCsv(outDir.resolve("rounds.csv"), new io.hanse.server.TrafficMeter() {
                    @Override
                    public long bytesUp() {
                        return grpc.parameterBytesReceived();
                    }

                    @Override
                    public long bytesDown() {
                        return grpc.parameterBytesSent();
                    }
                });
                RoundListener connected = new RoundListener() {
                    @Override
                    public void onStart(int numRounds) {
                        double sinceStart = (System.currentTimeMillis()
                                - java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime()) / 1000.0;
                        System.out.printf(Locale.ROOT, "%d clients connected, %.1f s after the server process started%n",
                                clients.numAvailable(), sinceStart);
                    }
                };
                // the state store first: a round is reported only once its checkpoint and record are durable
                List<RoundListener> listeners = new ArrayList<>(List.of(connected, state, grpc.roundTracker(), progress));
                ClientsCsv clientsCsv = outDir == null ? null : new ClientsCsv(outDir.resolve("clients.csv"));
                if (csv != null) {
                    listeners.add(csv);
                    listeners.add(clientsCsv);
                }
                Server server = new Server(clients, strategy, serverConfig, SimulationRunner.fanOut(listeners));
                if (state.resumed()) {
                    System.out.printf(Locale.ROOT, "resuming at round %d of %d from %s%n", state.resumeRound(), run.rounds(), s.stateDir());
                    server.restoreHistory(state.previousRounds());
                    if (csv != null) {
                        csv.writeAll(state.previousRounds());
                    }
                    grpc.setRound(state.resumeRound());
                }
                long t0 = System.nanoTime();
                History history;
                try {
                    history = server.run(state.resumeParameters(), state.resumeRound());
                    grpc.finish(Duration.ofSeconds(10));
                    if (flower != null) {
                        flower.finish(Duration.ofSeconds(10));
                    }
                } finally {
                    progress.close();
                    if (csv != null) {
                        csv.close();
                        clientsCsv.close();
                    }
                }
                Map<String, Object> results = Summary.results(history, run.targetAccuracy(), (System.nanoTime() - t0) / 1e9);
                results.put("bytes_up", grpc.parameterBytesReceived());
                results.put("bytes_down", grpc.parameterBytesSent());
                results.put("wire_bytes_up", grpc.bytesReceived());
                results.put("wire_bytes_down", grpc.bytesSent());
                System.out.printf(Locale.ROOT, "done: %d rounds, final accuracy %s, payload bytes up %d, down %d (on the wire: up %d, down %d)%n",
                        results.get("rounds_run"), results.get("final_accuracy"), grpc.parameterBytesReceived(), grpc.parameterBytesSent(),
                        grpc.bytesReceived(), grpc.bytesSent());
                if (outDir != null) {
                    Map<String, Object> summary = new LinkedHashMap<>();
                    summary.put("name", run.name());
                    summary.put("engine", engine.version());
                    summary.put("java", System.getProperty("java.version"));
                    summary.put("mode", "deployment");
                    summary.put("model_parameters", spec.numParameters());
                    summary.put("resumed", state.resumed());
                    summary.put("config", run.source());
                    summary.put("results", results);
                    Summary.write(outDir.resolve("summary.json"), summary);
                    Summary.writeReport(outDir, run);
                }
                }
            }
        }
        return 0;
    }

    /** Flower's legacy FlowerService/Join on server.flower_port, feeding the same ClientManager; null when unset. */
    private static FlowerServer startFlower(RunConfig.ServerSettings s, ClientManager clients, ModelSpec spec) throws java.io.IOException {
        if (s.flowerPort() < 0) {
            return null;
        }
        FlowerServer.Builder fb = FlowerServer.builder().bind(s.address(), s.flowerPort()).clientManager(clients).expectedLayout(spec.layout());
        if (s.tlsCert() != null) {
            fb.tls(Path.of(s.tlsCert()), Path.of(s.tlsKey()));
        }
        FlowerServer flower = fb.build().start();
        System.out.printf(Locale.ROOT, "Flower clients (legacy FlowerService/Join): listening on %s:%d (%s, no client authentication)%n",
                s.address(), flower.port(), s.tlsCert() == null ? "plaintext" : "TLS");
        return flower;
    }

    private static int minAvailable(RunConfig run) {
        return run.server().minAvailableClients() > 0 ? run.server().minAvailableClients() : run.strategy().minFitClients();
    }

    /**
     * The config minus what may change between a crash and a resume without changing the run (where
     * results go, how the server listens).
     */
    private static Map<String, Object> stateRelevant(Map<String, Object> source) {
        Map<String, Object> m = new LinkedHashMap<>(source);
        m.remove("output");
        m.remove("server");
        m.remove("client");
        m.remove("simulation");
        return m;
    }
}
