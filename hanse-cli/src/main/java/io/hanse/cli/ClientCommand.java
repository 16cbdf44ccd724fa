package io.hanse.cli;

import io.hanse.cli.config.ConfigException;
import io.hanse.cli.config.RunConfig;
import io.hanse.client.ClientState;
import io.hanse.client.ModelClient;
import io.hanse.core.Scalars;
import io.hanse.data.Dataset;
import io.hanse.flower.FlowerClientRuntime;
import io.hanse.grpc.GrpcClientRuntime;
import io.hanse.grpc.ReconnectPolicy;
import io.hanse.model.Engine;
import io.hanse.model.ModelSpec;
import io.hanse.model.TrainableModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code hanse client}: one client process, training on its own data for a {@code hanse server}. */
@Command(name = "client", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run one client of a federation: connect to the server, train the global model on local data",
                "when asked, send the update back; reconnect by itself after a network cut or a server restart."})
public final class ClientCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions options = new ConfigOptions();

    @Option(names = "--server", paramLabel = "HOST:PORT", description = "The server [client.server].")
    String server;

    @Option(names = "--flower", paramLabel = "HOST:PORT",
            description = "Join a Flower server (flwr start_server, legacy FlowerService/Join) at HOST:PORT instead of a Hanse server.")
    String flower;

    @Option(names = "--partition", paramLabel = "I/N", required = true,
            description = "This client's share of the data: partition I (0-based) of N, as the config's partition method splits it.")
    String partition;

    @Option(names = "--id", description = "Client id (default: the partition index I).")
    String id;

    @Option(names = "--token-file", paramLabel = "FILE", description = "File holding this client's token [client.token_file]; or set HANSE_TOKEN.")
    Path tokenFile;

    @Option(names = "--tls-ca", paramLabel = "FILE", description = "CA certificate that signed the server's (PEM) [client.tls_ca].")
    Path tlsCa;

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "Client certificate for mutual TLS [client.tls_cert].")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "Its private key [client.tls_key].")
    Path tlsKey;

    @Option(names = "--insecure", description = "Plaintext to a non-loopback server (prints a warning).")
    boolean insecure;

    @Option(names = "--max-retries", description = "Consecutive failed connection attempts before giving up [client.max_retries].")
    Integer maxRetries;

    @Override
    public Integer call() throws Exception {
        var tree = options.tree();
        set(tree, "client.server", flower != null ? flower : server);
        set(tree, "client.token_file", tokenFile);
        set(tree, "client.tls_ca", tlsCa);
        set(tree, "client.tls_cert", tlsCert);
        set(tree, "client.tls_key", tlsKey);
        if (insecure) {
            tree.set("client.insecure", true);
        }
        if (maxRetries != null) {
            tree.set("client.max_retries", (long) maxRetries);
        }
        RunConfig run = RunConfig.from(tree);
        RunConfig.ClientSettings c = run.client();
        int[] share = parsePartition(partition, run.partition().clients());
        String clientId = id != null ? id : Integer.toString(share[0]);

        String host = c.server().substring(0, Math.max(0, c.server().lastIndexOf(':')));
        boolean loopback = !host.isEmpty() && InetAddress.getByName(host.replace("[", "").replace("]", "")).isLoopbackAddress();
        if (c.tlsCa() == null && !loopback && !c.insecure()) {
            throw new ConfigException("client.server = \"" + c.server() + "\" is not loopback: set client.tls_ca (--tls-ca) "
                    + "or pass --insecure to send the model in plaintext");
        }

        long t0 = System.nanoTime();
        DeployedData.ClientData data = DeployedData.client(run, share[0], options.dataDir);
        ModelSpec spec = run.model().spec(data.featureShape(), data.numClasses(), SimulationRunner.vocabularySize(run));
        Engine engine = Engines.byName("tensorflow");
        System.out.printf(Locale.ROOT, "client %s: partition %d/%d, %d examples, model %s, server %s%n", clientId, share[0], share[1],
                data.size(), spec.name(), c.server());
        try (TrainableModel model = engine.create(spec, run.seed(), run.simulation().intraOpThreads())) {
            ClientState state = new ClientState();
            java.util.function.Function<Dataset, ModelClient> modelClient = rows -> new ModelClient(model, rows, null, run.training(),
                    SimulationRunner.clientSeed(run.seed(), share[0]), state);
            if (flower != null) {
                if (data.preparation() != null) {
                    throw new ConfigException("--flower: Flower's protocol cannot carry the '" + data.preparation() + "' exchange that "
                            + "this dataset needs before training (data.standardize = true, or data.dataset = \"imdb\")");
                }
                return runFlower(c, clientId, spec, (ModelClient) data.client(modelClient::apply), state, run, partition, data.size(), t0);
            }
            java.util.function.Function<Dataset, io.hanse.client.Client> chain = rows -> SimulationRunner.secureClient(
                    SimulationRunner.compressingClient(new LoggingClient(SimulationRunner.privateClient(modelClient.apply(rows), run),
                            System.out), state, SimulationRunner.clientSeed(run.seed(), share[0])),
                    state, run, line -> {
                        System.out.println(line);
                        System.out.flush();
                    });
            // standardised features and the IMDB vocabulary wait for the server's exchange with all clients
            io.hanse.client.Client client = data.client(chain);
            GrpcClientRuntime.Builder b = GrpcClientRuntime.builder()
                    .target(c.server())
                    .clientId(clientId)
                    .properties(Scalars.of("num_examples", data.size(), "partition", partition))
                    .seed(run.seed() * 31 + share[0])
                    .reconnect(new ReconnectPolicy(Duration.ofMillis(500), Duration.ofSeconds(30), c.maxRetries()));
            if (c.tlsCa() != null) {
                b.trustCa(Path.of(c.tlsCa()));
                if (c.tlsCert() != null) {
                    b.clientCertificate(Path.of(c.tlsCert()), Path.of(c.tlsKey()));
                }
            } else {
                b.insecure(true);
            }
            String token = token(c);
            if (token != null) {
                b.token(token);
            }
            try (GrpcClientRuntime runtime = b.build()) {
                System.out.printf(Locale.ROOT, "client %s: ready after %.1f s%n", clientId, (System.nanoTime() - t0) / 1e9);
                int exit = runtime.run(client);
                System.out.printf(Locale.ROOT, "client %s: finished with exit code %d, sent %d and received %d parameter bytes, peak RSS %.0f MiB%n",
                        clientId, exit, runtime.parameterBytesSent(), runtime.parameterBytesReceived(),
                        ResourceUsage.peakRssBytes() / (1024.0 * 1024.0));
                return exit;
            }
        }
    }

    /** The same client, as a client of a Flower server (its legacy protocol: no token, no client certificate). */
    private static int runFlower(RunConfig.ClientSettings c, String clientId, ModelSpec spec, ModelClient modelClient, ClientState state,
                                 RunConfig run, String partition, int numExamples, long t0) {
        if (c.tlsCert() != null) {
            throw new ConfigException("--flower: Flower's legacy protocol has no client certificates; remove client.tls_cert / --tls-cert");
        }
        FlowerClientRuntime.Builder b = FlowerClientRuntime.builder().target(c.server()).layout(spec.layout())
                .properties(Scalars.of("num_examples", numExamples, "partition", partition, "client_id", clientId))
                .retry(Math.max(1, c.maxRetries()), Duration.ofSeconds(2));
        if (c.tlsCa() != null) {
            b.trustCa(Path.of(c.tlsCa()));
        } else {
            b.insecure(true);
        }
        try (FlowerClientRuntime runtime = b.build()) {
            System.out.printf(Locale.ROOT, "client %s: ready after %.1f s, joining the Flower server %s%n", clientId,
                    (System.nanoTime() - t0) / 1e9, c.server());
            int exit = runtime.run(SimulationRunner.secureClient(new LoggingClient(SimulationRunner.privateClient(modelClient, run), System.out),
                    state, run, line -> {
                        System.out.println(line);
                        System.out.flush();
                    }));
            System.out.printf(Locale.ROOT, "client %s: finished with exit code %d, peak RSS %.0f MiB%n", clientId, exit,
                    ResourceUsage.peakRssBytes() / (1024.0 * 1024.0));
            return exit;
        }
    }

    private static String token(RunConfig.ClientSettings c) throws java.io.IOException {
        if (c.tokenFile() != null) {
            Path f = Path.of(c.tokenFile());
            if (!Files.isReadable(f)) {
                throw new ConfigException("client.token_file = \"" + f + "\": cannot read it");
            }
            return Files.readString(f).trim();
        }
        String env = System.getenv("HANSE_TOKEN");
        return env == null || env.isBlank() ? null : env.trim();
    }

    /** {@code "3/10"} as {3, 10}, checked against the config's number of clients. */
    static int[] parsePartition(String s, int clients) {
        String[] parts = s.split("/");
        try {
            int i = Integer.parseInt(parts[0].trim());
            int n = Integer.parseInt(parts[1].trim());
            if (parts.length != 2 || i < 0 || i >= n) {
                throw new NumberFormatException();
            }
            if (n != clients) {
                throw new ConfigException("--partition " + s + ": N = " + n + " differs from partition.clients = " + clients
                        + " in the config; every client and the server must split the data the same way");
            }
            return new int[]{i, n};
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            throw new ConfigException("--partition " + s + " is invalid, expected I/N with 0 <= I < N, e.g. 3/10");
        }
    }

    private static void set(io.hanse.cli.config.ConfigTree tree, String key, Object value) {
        if (value != null) {
            tree.set(key, value.toString());
        }
    }
}
