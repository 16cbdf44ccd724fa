package io.hanse.cli;

import io.hanse.cli.config.ConfigException;
import io.hanse.cli.config.RunConfig;
import io.hanse.data.Dataset;
import io.hanse.datasets.DataDirectory;
import io.hanse.datasets.text.CharVocabulary;
import io.hanse.datasets.text.FederatedVocabulary;
import io.hanse.datasets.text.Imdb;
import io.hanse.datasets.text.Shakespeare;
import io.hanse.partition.DirichletPartitioner;
import io.hanse.partition.IidPartitioner;
import io.hanse.partition.Partitioner;
import io.hanse.partition.UnequalIidPartitioner;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The text datasets of a run ({@code data.dataset = "shakespeare"} or {@code "imdb"}): the simulation's federation,
 * one client's data for {@code hanse client}, the server's test set, and the vocabulary size a model's embedding needs.
 */
final class TextData {

    private TextData() {
    }

    static boolean isText(RunConfig config) {
        String d = config.data().dataset();
        return d.equals(Shakespeare.NAME) || d.equals(Imdb.NAME);
    }

    /**
     * The number of token ids of the run's data, fixed by the config alone (so a server and its clients agree on the
     * model without loading data): {@link CharVocabulary#SIZE} (81) for shakespeare, {@code data.vocab_size} for imdb,
     * 0 for the other datasets.
     */
    static int vocabularySize(RunConfig config) {
        return switch (config.data().dataset()) {
            case Shakespeare.NAME -> CharVocabulary.SIZE;
            case Imdb.NAME -> config.data().text().vocabSize();
            default -> 0;
        };
    }

    static SimulationRunner.Federation prepare(RunConfig config, Path dataDirOverride) throws IOException {
        if (config.data().dataset().equals(Shakespeare.NAME)) {
            List<Shakespeare.Role> clients = shakespeareClients(config, dataDirOverride);
            Shakespeare.Federation f = Shakespeare.federate(clients, shakespeareOptions(config).withMaxClients(0));
            return new SimulationRunner.Federation(f.train(), sample(f.test(), config.data().testLimit(), config.seed()),
                    f.trainPartitions(), CharVocabulary.SIZE);
        }
        Imdb.Federation f = Imdb.federate(imdbReviews(config, dataDirOverride), imdbOptions(config), partitioner(config),
                config.partition().clients(), config.seed());
        return new SimulationRunner.Federation(f.train(), f.test(), f.partitions(), f.vocabulary().size());
    }

    static Dataset testSet(RunConfig config, Path dataDirOverride) throws IOException {
        if (config.data().dataset().equals(Shakespeare.NAME)) {
            return sample(Shakespeare.testSet(shakespeareClients(config, dataDirOverride), shakespeareOptions(config)),
                    config.data().testLimit(), config.seed());
        }
        return Imdb.testSet(imdbReviews(config, dataDirOverride), imdbOptions(config), partitioner(config),
                config.partition().clients(), config.seed());
    }

    /**
     * Client {@code index}'s training data, as the simulation gives it. For imdb this recomputes the federated
     * vocabulary from every partition's report in this process; a deployed client instead takes part in the
     * {@link io.hanse.datasets.text.VocabularyExchange} ({@link DeployedData#client}) and reads only its own reviews.
     */
    static Dataset clientPartition(RunConfig config, int index, Path dataDirOverride) throws IOException {
        if (config.data().dataset().equals(Shakespeare.NAME)) {
            Shakespeare.Role role = shakespeareClients(config, dataDirOverride).get(index);
            return Shakespeare.clientData(role, shakespeareOptions(config)).train();
        }
        return Imdb.clientData(imdbReviews(config, dataDirOverride), imdbOptions(config), partitioner(config),
                config.partition().clients(), config.seed(), index);
    }

    // ---------------------------------------------------------------------------------------------------------------

    static Shakespeare.Options shakespeareOptions(RunConfig config) {
        RunConfig.Data d = config.data();
        RunConfig.Text t = d.text();
        return new Shakespeare.Options(t.seqLen(), t.stride(), Shakespeare.Options.defaults().minLines(), t.minSamples(),
                t.maxSamplesPerClient(), config.partition().clients(), d.testFraction(), config.seed());
    }

    /** The partition.clients roles chosen for the run, in file order; fails if fewer roles qualify. */
    static List<Shakespeare.Role> shakespeareClients(RunConfig config, Path dataDirOverride) throws IOException {
        RunConfig.Data d = config.data();
        if (d.trainLimit() > 0) {
            throw new ConfigException("data.train_limit = " + d.trainLimit() + " is invalid with data.dataset = \"shakespeare\", "
                    + "allowed: 0; limit the data with data.max_samples_per_client, data.stride and partition.clients");
        }
        Path file = Shakespeare.locate(explicitDir(config, dataDirOverride), DataDirectory.fromEnvironment());
        List<Shakespeare.Role> roles = Shakespeare.parse(file);
        Shakespeare.Options o = shakespeareOptions(config);
        List<Shakespeare.Role> clients = Shakespeare.select(roles, o);
        int clientsWanted = config.partition().clients();
        if (clients.size() < clientsWanted) {
            throw new ConfigException("partition.clients = " + clientsWanted + " is invalid, allowed: at most " + clients.size()
                    + " (the speaking roles of " + file + " with at least " + o.minLines() + " lines and data.min_samples = "
                    + o.minSamples() + " training windows of data.seq_len = " + o.seqLength() + ", stride " + o.stride() + ")");
        }
        return clients;
    }

    static Imdb.Options imdbOptions(RunConfig config) {
        RunConfig.Data d = config.data();
        RunConfig.Text t = d.text();
        return new Imdb.Options(t.seqLen(), new FederatedVocabulary.Settings(t.vocabSize(), t.vocabClientTopWords(),
                t.vocabMinClientDocuments(), t.vocabMinClients()), d.trainLimit(), d.testLimit());
    }

    static List<Imdb.Review> imdbReviews(RunConfig config, Path dataDirOverride) throws IOException {
        Path file = Imdb.locate(explicitDir(config, dataDirOverride), DataDirectory.fromEnvironment());
        List<Imdb.Review> reviews = Imdb.load(file);
        int needed = config.partition().clients();
        int train = config.data().trainLimit() > 0 ? Math.min(config.data().trainLimit(), reviews.size() / 2) : reviews.size() / 2;
        if (needed > train) {
            throw new ConfigException("partition.clients = " + needed + " is invalid, allowed: at most the " + train + " training reviews");
        }
        return reviews;
    }

    /** IID (equal or log-normal sizes) or Dirichlet label skew; the method was validated with the config. */
    static Partitioner partitioner(RunConfig config) {
        RunConfig.Partition p = config.partition();
        return switch (p.method()) {
            case "iid" -> p.sizeDistribution().equals("lognormal") ? new UnequalIidPartitioner(p.sizeSigma()) : new IidPartitioner();
            case "dirichlet" -> new DirichletPartitioner(p.alpha());
            default -> throw new ConfigException("partition.method = \"" + p.method() + "\" is invalid with data.dataset = \"imdb\", "
                    + "allowed: iid, dirichlet");
        };
    }

    private static Path explicitDir(RunConfig config, Path dataDirOverride) {
        String dir = config.data().dir();
        return dataDirOverride != null ? dataDirOverride : dir == null ? null : Path.of(dir);
    }

    /**
     * {@code n} examples of {@code d} chosen by the seed, in their order ({@code d} itself when {@code n} is 0 or not
     * smaller): shakespeare's test set is ordered by client, so its first examples would all come from the first plays.
     */
    static Dataset sample(Dataset d, int n, long seed) {
        if (n <= 0 || n >= d.size()) {
            return d;
        }
        int[] idx = new int[d.size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        java.util.SplittableRandom rng = new java.util.SplittableRandom(seed ^ 0x7F4A7C159E3779B9L);
        for (int i = 0; i < n; i++) {
            int j = i + rng.nextInt(idx.length - i);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        int[] keep = java.util.Arrays.copyOf(idx, n);
        java.util.Arrays.sort(keep);
        return d.view(keep);
    }
}
