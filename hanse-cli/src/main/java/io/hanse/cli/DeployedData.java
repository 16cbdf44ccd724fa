package io.hanse.cli;

import io.hanse.cli.config.ConfigException;
import io.hanse.cli.config.RunConfig;
import io.hanse.client.Client;
import io.hanse.data.Dataset;
import io.hanse.datasets.FederatedStandardizer;
import io.hanse.datasets.StandardizationExchange;
import io.hanse.datasets.text.Imdb;
import io.hanse.datasets.text.Vocabulary;
import io.hanse.datasets.text.VocabularyExchange;
import io.hanse.server.ClientManager;
import io.hanse.server.Server;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The data a deployed server and client start from. Most datasets are ready as loaded; two depend on the whole
 * federation and are prepared by an exchange with all clients before the first round, never by moving data:
 * standardised tabular features ({@link StandardizationExchange}) and the IMDB vocabulary ({@link VocabularyExchange}).
 * {@code hanse simulate} computes the same results from the same partitions.
 */
final class DeployedData {

    private DeployedData() {
    }

    /** What the server holds: the test set, or its raw form and the exchange that prepares it. */
    interface ServerData {

        int[] featureShape();

        int numClasses();

        /** The prepared test set; runs the exchange with all {@code partition.clients} clients first if one is needed. */
        Dataset prepare(RunConfig run, ClientManager clients) throws InterruptedException;
    }

    /** What a client holds: its data, ready or raw, and how it becomes a client. */
    interface ClientData {

        int[] featureShape();

        int numClasses();

        int size();

        /** The name of the exchange the client waits for before training, or null if its data is ready. */
        String preparation();

        /** The client: {@code build} turns prepared training data into the client that trains on it. */
        Client client(Function<Dataset, Client> build);
    }

    static ServerData server(RunConfig run, Path dataDir) throws IOException {
        if (SimulationRunner.federatedStandardization(run)) {
            Dataset raw = SimulationRunner.testSet(run, dataDir); // not standardised: the exchange decides how
            return new Pending(raw.featureShape(), raw.numClasses(), (config, clients) -> {
                FederatedStandardizer s = StandardizationExchange.run(clients.all(), raw.featureSize(), timeout(config));
                System.out.printf(Locale.ROOT, "federated standardisation: %d features over %d rows at %d clients%n", raw.featureSize(),
                        s.count(), clients.numAvailable());
                return s.apply(raw);
            }, "federated standardisation");
        }
        if (run.data().dataset().equals(Imdb.NAME)) {
            Imdb.Options o = TextData.imdbOptions(run);
            List<Imdb.Review> test = Imdb.testReviews(TextData.imdbReviews(run, dataDir), o, run.seed());
            return new Pending(new int[]{o.seqLength()}, Imdb.NUM_CLASSES, (config, clients) -> {
                Vocabulary v = VocabularyExchange.run(clients.all(), o.vocabulary(), timeout(config));
                System.out.printf(Locale.ROOT, "federated vocabulary: %d words from %d clients%n", v.words().size(), clients.numAvailable());
                return Imdb.encode(Imdb.NAME + "-test", test, v, o.seqLength());
            }, "federated vocabulary");
        }
        Dataset test = SimulationRunner.testSet(run, dataDir);
        return new ServerData() {
            @Override
            public int[] featureShape() {
                return test.featureShape();
            }

            @Override
            public int numClasses() {
                return test.numClasses();
            }

            @Override
            public Dataset prepare(RunConfig config, ClientManager clients) {
                return test;
            }
        };
    }

    static ClientData client(RunConfig run, int index, Path dataDir) throws IOException {
        if (SimulationRunner.federatedStandardization(run)) {
            Dataset raw = SimulationRunner.clientPartition(run, index, dataDir);
            return new Raw(raw.featureShape(), raw.numClasses(), raw.size(), StandardizationExchange.PROTOCOL,
                    build -> StandardizationExchange.client(raw, build));
        }
        if (run.data().dataset().equals(Imdb.NAME)) {
            Imdb.Options o = TextData.imdbOptions(run);
            List<Imdb.Review> own = Imdb.clientReviews(TextData.imdbReviews(run, dataDir), o, TextData.partitioner(run),
                    run.partition().clients(), run.seed(), index);
            return new Raw(new int[]{o.seqLength()}, Imdb.NUM_CLASSES, own.size(), VocabularyExchange.PROTOCOL,
                    build -> VocabularyExchange.client(own, o, build));
        }
        Dataset data = SimulationRunner.clientPartition(run, index, dataDir);
        return new Raw(data.featureShape(), data.numClasses(), data.size(), null, build -> build.apply(data));
    }

    private interface Exchange {
        Dataset run(RunConfig config, ClientManager clients) throws InterruptedException;
    }

    private record Pending(int[] featureShape, int numClasses, Exchange exchange, String what) implements ServerData {
        @Override
        public Dataset prepare(RunConfig run, ClientManager clients) throws InterruptedException {
            int k = run.partition().clients();
            System.out.printf(Locale.ROOT, "%s: waiting for all %d clients%n", what, k);
            if (!clients.waitFor(k, Server.seconds(run.server().waitForClients()))) {
                throw new ConfigException(what + " needs all partition.clients = " + k + " clients, but only " + clients.numAvailable()
                        + " connected within server.wait_for_clients = " + run.server().waitForClients() + " s");
            }
            // exactly the federation's clients: an extra one (a stray process, a stale session) would count twice
            if (clients.numAvailable() != k) {
                throw new ConfigException(what + " needs exactly partition.clients = " + k + " clients, but " + clients.numAvailable()
                        + " are connected: " + clients.all().stream().map(io.hanse.server.ClientProxy::id).toList());
            }
            return exchange.run(run, clients);
        }
    }

    private record Raw(int[] featureShape, int numClasses, int size, String preparation,
                       Function<Function<Dataset, Client>, Client> make) implements ClientData {
        @Override
        public Client client(Function<Dataset, Client> build) {
            return make.apply(build);
        }
    }

    private static java.time.Duration timeout(RunConfig run) {
        return Server.seconds(run.strategy().roundTimeoutSeconds());
    }
}
