package io.hanse.cli.config;

import io.hanse.model.LearningRateSchedule;
import io.hanse.model.Layer;
import io.hanse.model.Loss;
import io.hanse.model.ModelSpec;
import io.hanse.model.Models;
import io.hanse.model.OptimizerSpec;
import io.hanse.model.TrainingOptions;
import io.hanse.secagg.SecAggPlusConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A validated federated-learning run, built from a {@link ConfigTree}. Every default is stated here,
 * once; {@code docs/config.md} lists the keys.
 */
public record RunConfig(String name, long seed, int rounds, double targetAccuracy,
                        Data data, Partition partition, Model model, TrainingOptions training,
                        StrategySettings strategy, Simulation simulation, String outputDir,
                        ServerSettings server, ClientSettings client, Privacy privacy, Attack attack, Heterogeneity heterogeneity,
                        Map<String, Object> source, SecAgg secagg, boolean writeReport, Compression compression) {

    public static final Set<String> TABLES = Set.of("data", "partition", "model", "train", "strategy", "simulation", "output",
            "server", "client", "privacy", "attack", "heterogeneity", "secagg", "compression");

    /** Allowed values of {@code compression.up}. */
    public static final List<String> COMPRESSION_UP = List.of("none", "float16", "int8", "topk");
    /** Allowed values of {@code compression.down}. */
    public static final List<String> COMPRESSION_DOWN = List.of("none", "float16");

    /**
     * Communication compression ({@code [compression]}): how clients encode their updates and how the server encodes
     * the global model it sends; see {@link io.hanse.compression.Compression}.
     *
     * @param up            "none", "float16", "int8" (stochastic rounding) or "topk"
     * @param down          "none" or "float16"
     * @param topkFraction  the fraction of an update's values top-k sends, in (0, 1]
     * @param errorFeedback whether clients keep what compression did not send and add it to their next update
     * @param int8Chunk     values sharing one int8 offset and scale
     */
    public record Compression(String up, String down, double topkFraction, boolean errorFeedback, int int8Chunk) {
        public boolean enabled() {
            return !up.equals("none") || !down.equals("none");
        }

        /** The core settings. */
        public io.hanse.compression.Compression toSettings() {
            return new io.hanse.compression.Compression(io.hanse.compression.CompressionMethod.of(up),
                    io.hanse.compression.CompressionMethod.of(down), topkFraction, errorFeedback, int8Chunk);
        }
    }

    /**
     * Secure aggregation (SecAgg+) of the clients' updates: the server learns only their weighted mean. Defaults
     * are {@link SecAggPlusConfig}'s (Flower's); only with {@code strategy.name = "fedavg"}.
     *
     * @param numShares         neighbourhood size k as an integer (null: auto, or see the fraction)
     * @param numSharesFraction k as a fraction of the sampled clients, in (0, 1] (1.0: the full graph, i.e. SecAgg)
     * @param threshold         reconstruction threshold t as an integer (null: majority of k, or see the fraction)
     * @param thresholdFraction t as a fraction of k
     * @param timeoutSeconds    how long each of the four stages waits for the clients' replies
     */
    public record SecAgg(boolean enabled, Integer numShares, Double numSharesFraction, Integer threshold, Double thresholdFraction,
                         double clippingRange, long quantizationRange, long modulusRange, double maxWeight, double timeoutSeconds) {

        /** The SecAgg+ settings (validated when the config is read). */
        public SecAggPlusConfig toConfig() {
            SecAggPlusConfig.Builder b = SecAggPlusConfig.builder().clippingRange(clippingRange).quantizationRange(quantizationRange)
                    .modulusRange(modulusRange).maxWeight(maxWeight)
                    .timeout(java.time.Duration.ofNanos((long) (timeoutSeconds * 1e9)));
            if (numShares != null) {
                b.numShares(numShares);
            } else if (numSharesFraction != null) {
                b.numSharesFraction(numSharesFraction);
            }
            if (threshold != null) {
                b.reconstructionThreshold(threshold);
            } else if (thresholdFraction != null) {
                b.reconstructionThresholdFraction(thresholdFraction);
            }
            return b.build();
        }
    }

    /** Values of {@code attack.type}. */
    public static final List<String> ATTACK_TYPES = List.of("none", "sign_flip", "scaling", "gaussian", "alie", "ipm", "label_flip");

    /**
     * @param dataset      one of {@link #DATASETS}: {@code mnist}, {@code fashion-mnist}, {@code tabular}, {@code shakespeare}, {@code imdb}
     * @param dir          directory holding the dataset, or null to search (--data-dir, HANSE_DATA_DIR, ./data)
     * @param trainLimit   use only the first n training examples (0: all)
     * @param testLimit    use only the first n test examples (0: all)
     * @param path         tabular: the file
     * @param format       tabular: {@code csv}, {@code sklearn} (scikit-learn's bundled CSV with a
     *                     "rows,features,class names" first line) or {@code libsvm}
     * @param labelColumn  csv: index of the label column, negative from the end
     * @param header       csv: whether the first line is a header
     * @param testFraction tabular: fraction held out for the test set (stratified for classification)
     * @param task         tabular: {@code classification} or {@code regression}
     * @param standardize  tabular: scale features to zero mean, unit variance, from statistics that the clients
     *                     compute on their own partitions and combine (counts, sums, sums of squares; no rows pooled)
     * @param text         the keys of the text datasets shakespeare and imdb
     */
    public record Data(String dataset, String dir, int trainLimit, int testLimit,
                       String path, String format, int labelColumn, boolean header, double testFraction, String task,
                       boolean standardize, Text text) {
    }

    /** Values of {@code data.dataset}. */
    public static final List<String> DATASETS = List.of("mnist", "fashion-mnist", "tabular", "shakespeare", "imdb");

    /**
     * The text datasets' keys of {@code [data]} (read for every dataset, used by shakespeare and imdb).
     *
     * @param seqLen                   shakespeare: characters per window (80); imdb: tokens per review (200)
     * @param stride                   shakespeare: keep every stride-th window of a role (1: all, as LEAF)
     * @param minSamples               shakespeare: a role becomes a client only with this many training windows
     * @param maxSamplesPerClient      shakespeare: cap on a client's training windows, a seeded subset (0: none)
     * @param vocabSize                imdb: token ids of the vocabulary, padding (0) and out-of-vocabulary (1) included;
     *                                 the model's embedding size
     * @param vocabClientTopWords      imdb: words each client reports (its most frequent by document frequency)
     * @param vocabMinClientDocuments  imdb: a client reports a word only if it is in at least this many of its reviews
     * @param vocabMinClients          imdb: the vocabulary keeps a word only if at least this many clients reported it
     */
    public record Text(int seqLen, int stride, int minSamples, int maxSamplesPerClient, int vocabSize,
                       int vocabClientTopWords, int vocabMinClientDocuments, int vocabMinClients) {
    }

    /**
     * @param clients         number of clients K
     * @param method          {@code iid}, {@code pathological}, {@code dirichlet}
     * @param shardsPerClient pathological: shards per client (McMahan et al.: 2)
     * @param alpha           dirichlet: concentration
     * @param sizeDistribution iid: {@code equal} or {@code lognormal} client sizes
     * @param sizeSigma       iid with lognormal sizes: sigma of the log-normal
     */
    public record Partition(int clients, String method, int shardsPerClient, double alpha, String sizeDistribution,
                            double sizeSigma) {
    }

    /**
     * Byzantine clients of a simulation ({@code hanse simulate} only).
     *
     * @param type              one of {@link #ATTACK_TYPES}
     * @param numMalicious      malicious clients (0 when type is none), from num_malicious or fraction_malicious
     * @param fractionMalicious the configured fraction, or NaN when num_malicious was given
     * @param scale             sign_flip (default 1) and scaling (default 10)
     * @param sigma             gaussian: standard deviation of the noise
     * @param z                 alie: shift in standard deviations; 0 for the paper's z_max
     * @param epsilon           ipm: multiple of the benign mean sent reversed
     */
    public record Attack(String type, int numMalicious, double fractionMalicious, double scale, double sigma, double z,
                         double epsilon) {
        public boolean enabled() {
            return !type.equals("none");
        }
    }

    /**
     * System heterogeneity of a simulation ({@code hanse simulate} only).
     *
     * @param stragglerFraction  fraction of each round's sampled clients that straggle
     * @param stragglerWork      fraction of its local steps a straggler completes; NaN for uniform in [0.1, 0.9]
     * @param dropoutProbability probability that a sampled client fails its fit in a round
     */
    public record Heterogeneity(double stragglerFraction, double stragglerWork, double dropoutProbability) {
        public boolean enabled() {
            return stragglerFraction > 0 || dropoutProbability > 0;
        }
    }

    /**
     * A built-in model by name, or layers given in the config.
     *
     * @param vocabSize {@code model.vocab_size}: token ids of a built-in text model's embedding; 0 when not given
     */
    public record Model(String name, List<Layer> layers, String loss, int vocabSize) {
        public Model(String name, List<Layer> layers, String loss) {
            this(name, layers, loss, 0);
        }

        public ModelSpec spec(int[] inputShape, int numClasses) {
            return spec(inputShape, numClasses, 0);
        }

        /**
         * The model for data of {@code inputShape} and {@code numClasses}; {@code dataVocabSize} is the data's
         * vocabulary (0 if not text), used by the built-in text models unless {@code model.vocab_size} is given.
         */
        public ModelSpec spec(int[] inputShape, int numClasses, int dataVocabSize) {
            if (layers == null) {
                return Models.byName(name, inputShape, numClasses, vocabSize > 0 ? vocabSize : Math.max(0, dataVocabSize));
            }
            Loss l = switch (loss) {
                case "mse" -> Loss.MEAN_SQUARED_ERROR;
                case "next_token" -> Loss.NEXT_TOKEN_CROSS_ENTROPY;
                default -> Loss.SOFTMAX_CROSS_ENTROPY;
            };
            return new ModelSpec(name, inputShape, layers, l);
        }
    }

    /**
     * FedAvg and the server's failure policy.
     *
     * @param roundTimeoutSeconds a round waits at most this long for its clients
     * @param evaluateEvery       centralized evaluation every n rounds
     */
    public record StrategySettings(String name, double fractionFit, int minFitClients, double fractionEvaluate,
                                   int minEvaluateClients, boolean acceptFailures, double minCompletionRate,
                                   double roundTimeoutSeconds, int evaluateEvery, Algorithm algorithm) {
    }

    /** Strategy names accepted by {@code strategy.name}. */
    public static final List<String> STRATEGIES = List.of("fedavg", "fedavgm", "fedprox", "fedadam", "fedyogi", "fedadagrad",
            "scaffold", "fednova", "qfedavg", "fedmedian", "fedtrimmedavg", "krum", "multikrum", "bulyan");

    /** Aggregation rules accepted by {@code strategy.aggregator} (for fedavg, fedavgm and the FedOpt family). */
    public static final List<String> AGGREGATORS = List.of("mean", "median", "trimmed_mean", "krum", "multikrum", "bulyan");

    /**
     * The strategy-specific options; each is read only for the strategies that use it, so a key that
     * the chosen strategy ignores is refused as unknown. NaN or null means "the strategy's default".
     */
    public record Algorithm(double serverLearningRate, double serverMomentum, double proximalMu, double eta, double etaL,
                            double beta1, double beta2, double tau, double qParam, double qfflLearningRate,
                            double trimBeta, int numMalicious, int numClientsToKeep, double normBound, String aggregator) {

        static Algorithm read(String name, ConfigSection s) {
            double nan = Double.NaN;
            boolean fedopt = List.of("fedadam", "fedyogi", "fedadagrad").contains(name);
            boolean composable = fedopt || List.of("fedavg", "fedavgm").contains(name);
            String aggregator = composable ? s.getChoice("aggregator", "mean", AGGREGATORS) : "mean";
            boolean usesF = List.of("krum", "multikrum", "bulyan").contains(name)
                    || List.of("krum", "multikrum", "bulyan").contains(aggregator);
            boolean usesTrim = name.equals("fedtrimmedavg") || aggregator.equals("trimmed_mean");
            boolean usesKeep = name.equals("multikrum") || aggregator.equals("multikrum");
            double proximalMu = nan;
            if (name.equals("fedprox")) {
                if (!s.has("proximal_mu")) {
                    throw new ConfigException("strategy.proximal_mu is required with strategy.name = \"fedprox\" (e.g. 0.01)");
                }
                proximalMu = s.getDouble("proximal_mu", 0, 0, false, 1e6);
            }
            Algorithm a = new Algorithm(
                    name.equals("fedavgm") || name.equals("scaffold") ? s.getDouble("server_learning_rate", name.equals("fedavgm") ? 1.0 : 1.0, 0, true, 1e6) : nan,
                    name.equals("fedavgm") ? s.getDouble("server_momentum", 0.0, 0, false, 0.999999) : nan,
                    proximalMu,
                    fedopt ? s.getDouble("eta", nan, 0, true, 1e6) : nan,
                    fedopt ? s.getDouble("eta_l", nan, 0, true, 1e6) : nan,
                    fedopt ? s.getDouble("beta1", nan, 0, false, 0.999999) : nan,
                    name.equals("fedadam") || name.equals("fedyogi") ? s.getDouble("beta2", nan, 0, false, 0.999999) : nan,
                    fedopt ? s.getDouble("tau", nan, 0, true, 1e6) : nan,
                    name.equals("qfedavg") ? s.getDouble("q_param", 0.2, 0, false, 1e3) : nan,
                    name.equals("qfedavg") ? s.getDouble("qffl_learning_rate", 0.1, 0, true, 1e6) : nan,
                    usesTrim ? s.getDouble("trim_beta", 0.2, 0, false, 0.4999) : nan,
                    usesF ? s.getInt("num_malicious", 0, 0, 1_000_000) : 0,
                    usesKeep ? s.getInt("num_clients_to_keep", 1, 1, 1_000_000) : 0,
                    composable || List.of("fedmedian", "fedtrimmedavg", "krum", "multikrum", "bulyan").contains(name)
                            ? s.getDouble("norm_bound", nan, 0, true, 1e12) : nan,
                    aggregator);
            return a;
        }
    }

    /**
     * @param threads        worker threads, each with one engine model
     * @param intraOpThreads threads per engine operation
     */
    public record Simulation(int threads, int intraOpThreads) {
    }

    /**
     * Differential privacy of the run.
     *
     * @param mode                {@code none}; {@code server_fixed}, {@code server_adaptive} (central DP-FedAvg,
     *                            McMahan et al. 2018; adaptive clipping, Andrew et al. 2021); {@code client_fixed}
     *                            (clients clip, the server adds the noise: composes with secure aggregation);
     *                            {@code local} (each client adds its own noise)
     * @param noiseMultiplier     z: noise std is z times the clipping norm (central modes)
     * @param clippingNorm        C (fixed modes, local)
     * @param delta               δ of the reported (ε, δ); NaN: 1 / clients^1.1
     * @param budget              stop before ε would exceed this; NaN: no budget
     */
    public record Privacy(String mode, double noiseMultiplier, double clippingNorm, double initialClippingNorm,
                          double targetQuantile, double clipNormLearningRate, double clippedCountStddev,
                          double delta, double budget, double localEpsilon, double localDelta, double sensitivity) {
        public boolean enabled() {
            return !mode.equals("none");
        }
    }

    /**
     * How {@code hanse server} listens and keeps its state.
     *
     * @param address             address to bind; loopback by default
     * @param minAvailableClients clients to wait for before round 1 (0: strategy.min_fit_clients)
     * @param waitForClients      seconds to wait for them
     * @param stateDir            SQLite database and checkpoints; {@code --resume} continues from it
     * @param tlsCert             server certificate chain (PEM); with {@code tlsKey}, enables TLS
     * @param tlsClientCa         CA whose client certificates are required (mutual TLS)
     * @param tokens              per-client token file ({@code hanse token}); required unless insecure
     * @param insecure            allow plaintext (and no tokens) on a non-loopback address
     * @param heartbeatTimeout    seconds without heartbeat after which a client is dropped
     * @param flowerPort          port for Flower clients (Flower's legacy FlowerService/Join), 0 for any; -1 (unset): off
     */
    public record ServerSettings(String address, int port, int minAvailableClients, double waitForClients, String stateDir,
                                 String tlsCert, String tlsKey, String tlsClientCa, String tokens, boolean insecure,
                                 double heartbeatTimeout, int flowerPort) {
    }

    /**
     * How {@code hanse client} reaches the server.
     *
     * @param tlsCa      CA that signed the server's certificate (PEM); enables TLS
     * @param tokenFile  file holding this client's token (or the HANSE_TOKEN environment variable)
     * @param maxRetries consecutive failed connection attempts before giving up
     */
    public record ClientSettings(String server, String tlsCa, String tlsCert, String tlsKey, String tokenFile,
                                 boolean insecure, int maxRetries) {
    }

    public static RunConfig from(ConfigTree tree) {
        tree.requireOnlyTables(TABLES);
        ConfigSection top = tree.top();
        String name = top.getString("name", "hanse-run");
        long seed = top.getLong("seed", 42, Long.MIN_VALUE, Long.MAX_VALUE);
        int rounds = top.getInt("rounds", 10, 1, 1_000_000);
        double target = top.has("target_accuracy") ? top.getDouble("target_accuracy", 0, 0, true, 1) : Double.NaN;
        for (String t : TABLES) {
            top.has(t);
        }
        top.finish();

        ConfigSection d = tree.section("data");
        String dataset = d.getChoice("dataset", "mnist", DATASETS);
        boolean shakespeare = dataset.equals("shakespeare");
        // keys of one dataset set for another would be ignored; say so instead
        for (String key : List.of("seq_len", "stride", "min_samples", "max_samples_per_client", "vocab_size", "vocab_client_top_words",
                "vocab_min_client_docs", "vocab_min_clients")) {
            boolean forShakespeare = !key.startsWith("vocab_");
            boolean forImdb = key.equals("seq_len") || key.startsWith("vocab_");
            if (d.has(key) && !(shakespeare && forShakespeare) && !(dataset.equals("imdb") && forImdb)) {
                throw new ConfigException("data." + key + " applies to data.dataset = "
                        + (forShakespeare && forImdb ? "\"shakespeare\" or \"imdb\"" : forShakespeare ? "\"shakespeare\"" : "\"imdb\"")
                        + ", not \"" + dataset + "\"; remove it");
            }
        }
        Data data = new Data(dataset, d.getString("dir", null),
                d.getInt("train_limit", 0, 0, Integer.MAX_VALUE), d.getInt("test_limit", 0, 0, Integer.MAX_VALUE),
                d.getString("path", null), d.getChoice("format", "csv", List.of("csv", "sklearn", "libsvm")),
                d.getInt("label_column", -1, Integer.MIN_VALUE, Integer.MAX_VALUE),
                d.getBoolean("header", false), d.getDouble("test_fraction", shakespeare ? 0.1 : 0.2, 0, true, 0.9),
                d.getChoice("task", "classification", List.of("classification", "regression")),
                d.getBoolean("standardize", true),
                new Text(d.getInt("seq_len", shakespeare ? 80 : 200, 1, 100_000), d.getInt("stride", 1, 1, 100_000),
                        d.getInt("min_samples", 64, 1, Integer.MAX_VALUE), d.getInt("max_samples_per_client", 0, 0, Integer.MAX_VALUE),
                        d.getInt("vocab_size", 10_000, 3, 10_000_000), d.getInt("vocab_client_top_words", 10_000, 1, 10_000_000),
                        d.getInt("vocab_min_client_docs", 2, 1, Integer.MAX_VALUE), d.getInt("vocab_min_clients", 2, 1, 1_000_000)));
        if (dataset.equals("tabular") && data.path() == null) {
            throw new ConfigException("data.path is required when data.dataset = \"tabular\"");
        }
        d.finish();

        ConfigSection p = tree.section("partition");
        Partition partition = new Partition(p.getInt("clients", 10, 1, 1_000_000),
                p.getChoice("method", shakespeare ? "natural" : "iid", List.of("iid", "pathological", "dirichlet", "natural")),
                p.getInt("shards_per_client", 2, 1, 10_000), p.getDouble("alpha", 0.5, 0, true, 1e6),
                p.getChoice("size_distribution", "equal", List.of("equal", "lognormal")),
                p.getDouble("size_sigma", 1.0, 0, true, 10));
        p.finish();
        if (shakespeare != partition.method().equals("natural")) {
            throw p.invalid("method", partition.method(), shakespeare
                    ? "\"natural\" with data.dataset = \"shakespeare\" (one client per play and speaking role, as LEAF; "
                    + "partition.clients of the eligible roles are chosen by the seed)"
                    : "one of [iid, pathological, dirichlet] with data.dataset = \"" + dataset + "\" (\"natural\" is for shakespeare)");
        }
        if (dataset.equals("imdb") && partition.method().equals("pathological")) {
            throw p.invalid("method", partition.method(), "\"iid\" or \"dirichlet\" with data.dataset = \"imdb\" (2 classes)");
        }
        if (partition.sizeDistribution().equals("lognormal") && !partition.method().equals("iid")) {
            throw p.invalid("size_distribution", "lognormal", "\"equal\" with partition.method = \"" + partition.method()
                    + "\" (lognormal sizes are for method = \"iid\")");
        }

        Model model = model(tree.section("model"));

        ConfigSection t = tree.section("train");
        TrainingOptions training = training(t);
        t.finish();

        ConfigSection s = tree.section("strategy");
        String strategyName = s.getChoice("name", "fedavg", STRATEGIES);
        StrategySettings strategy = new StrategySettings(
                strategyName,
                s.getDouble("fraction_fit", 1.0, 0, false, 1),
                s.getInt("min_fit_clients", 1, 1, 1_000_000),
                s.getDouble("fraction_evaluate", 0.0, 0, false, 1),
                s.getInt("min_evaluate_clients", 0, 0, 1_000_000),
                s.getBoolean("accept_failures", true),
                s.getDouble("min_completion_rate", 0.0, 0, false, 1),
                s.getDouble("round_timeout", 600, 0, true, 86_400 * 7),
                s.getInt("evaluate_every", 1, 1, 1_000_000),
                Algorithm.read(strategyName, s));
        s.finish();
        if (strategy.minFitClients() > partition.clients()) {
            throw new ConfigException("strategy.min_fit_clients = " + strategy.minFitClients()
                    + " is invalid, allowed: at most partition.clients = " + partition.clients());
        }

        ConfigSection sim = tree.section("simulation");
        Simulation simulation = new Simulation(sim.getInt("threads", Math.max(1, Runtime.getRuntime().availableProcessors()), 1, 1024),
                sim.getInt("intra_op_threads", 1, 1, 1024));
        sim.finish();

        ConfigSection a = tree.section("attack");
        Attack attack = attack(a, partition.clients(), data);

        ConfigSection h = tree.section("heterogeneity");
        Heterogeneity heterogeneity = new Heterogeneity(h.getDouble("straggler_fraction", 0.0, 0, false, 1),
                stragglerWork(h), h.getDouble("dropout_probability", 0.0, 0, false, 1));
        h.finish();

        ConfigSection o = tree.section("output");
        String out = o.getString("dir", null);
        boolean writeReport = o.getBoolean("report", true);
        o.finish();

        ConfigSection sv = tree.section("server");
        ServerSettings server = new ServerSettings(sv.getString("address", "127.0.0.1"), sv.getInt("port", 9092, 0, 65535),
                sv.getInt("min_available_clients", 0, 0, 1_000_000), sv.getDouble("wait_for_clients", 300, 0, true, 86_400),
                sv.getString("state_dir", "hanse-state/" + name), sv.getString("tls_cert", null), sv.getString("tls_key", null),
                sv.getString("tls_client_ca", null), sv.getString("tokens", null), sv.getBoolean("insecure", false),
                sv.getDouble("heartbeat_timeout", 30, 1, false, 3600), sv.getInt("flower_port", -1, 0, 65535));
        if ((server.tlsCert() == null) != (server.tlsKey() == null)) {
            throw new ConfigException("server.tls_cert and server.tls_key go together: set both or neither");
        }
        if (server.tlsClientCa() != null && server.tlsCert() == null) {
            throw new ConfigException("server.tls_client_ca (mutual TLS) needs server.tls_cert and server.tls_key");
        }
        sv.finish();

        ConfigSection cl = tree.section("client");
        ClientSettings client = new ClientSettings(cl.getString("server", "127.0.0.1:9092"), cl.getString("tls_ca", null),
                cl.getString("tls_cert", null), cl.getString("tls_key", null), cl.getString("token_file", null),
                cl.getBoolean("insecure", false), cl.getInt("max_retries", 20, 1, 1_000_000));
        if ((client.tlsCert() == null) != (client.tlsKey() == null)) {
            throw new ConfigException("client.tls_cert and client.tls_key go together: set both or neither");
        }
        cl.finish();

        ConfigSection pv = tree.section("privacy");
        String mode = pv.getChoice("mode", "none", List.of("none", "server_fixed", "server_adaptive", "client_fixed", "local"));
        double nan = Double.NaN;
        boolean central = mode.startsWith("server") || mode.equals("client_fixed");
        boolean fixed = mode.equals("server_fixed") || mode.equals("client_fixed") || mode.equals("local");
        if ((central && !pv.has("noise_multiplier")) || (fixed && !pv.has("clipping_norm"))) {
            throw new ConfigException("privacy.mode = \"" + mode + "\" needs " + (central ? "privacy.noise_multiplier" : "")
                    + (central && fixed ? " and " : "") + (fixed ? "privacy.clipping_norm" : ""));
        }
        if (mode.equals("local") && !pv.has("local_epsilon")) {
            throw new ConfigException("privacy.mode = \"local\" needs privacy.local_epsilon (the per-round epsilon of each client)");
        }
        Privacy privacy = new Privacy(mode,
                central ? pv.getDouble("noise_multiplier", 0, 0, false, 1e6) : nan,
                fixed ? pv.getDouble("clipping_norm", 0, 0, true, 1e12) : nan,
                mode.equals("server_adaptive") ? pv.getDouble("initial_clipping_norm", 0.1, 0, true, 1e12) : nan,
                mode.equals("server_adaptive") ? pv.getDouble("target_quantile", 0.5, 0, false, 1) : nan,
                mode.equals("server_adaptive") ? pv.getDouble("clip_norm_lr", 0.2, 0, true, 1e3) : nan,
                mode.equals("server_adaptive") ? pv.getDouble("clipped_count_stddev", nan, 0, false, 1e6) : nan,
                central ? pv.getDouble("delta", nan, 0, true, 0.999999) : nan,
                central ? pv.getDouble("budget", nan, 0, true, 1e6) : nan,
                mode.equals("local") ? pv.getDouble("local_epsilon", 0, 0, true, 1e6) : nan,
                mode.equals("local") ? pv.getDouble("local_delta", 1e-5, 0, true, 0.999999) : nan,
                mode.equals("local") ? pv.getDouble("sensitivity", nan, 0, true, 1e12) : nan);
        pv.finish();

        SecAgg secagg = secagg(tree.section("secagg"), strategy, attack, privacy);
        Compression compression = compression(tree.section("compression"), secagg, privacy);

        return new RunConfig(name, seed, rounds, target, data, partition, model, training, strategy, simulation, out,
                server, client, privacy, attack, heterogeneity, tree.asMap(), secagg, writeReport, compression);
    }

    /**
     * The {@code [compression]} table, and what it cannot be combined with: secure aggregation (its masked,
     * quantised vectors are the message; compressing them would break the masking arithmetic) and, for update
     * compression, {@code privacy.mode = "client_fixed"} (the server calibrates its noise to the clients' clipping
     * norm, which a stochastically rounded update or one carrying an error-feedback residual may exceed). Server-side
     * clipping clips the reconstructed updates and local DP compresses already privatised updates (post-processing),
     * so both are allowed, as are robust aggregators, which see reconstructed parameters.
     */
    private static Compression compression(ConfigSection c, SecAgg secagg, Privacy privacy) {
        String up = c.getChoice("up", "none", COMPRESSION_UP);
        String down = c.getChoice("down", "none", COMPRESSION_DOWN);
        if (c.has("topk_fraction") && !up.equals("topk")) {
            throw new ConfigException("compression.topk_fraction applies only to compression.up = \"topk\", got compression.up = \"" + up + "\"");
        }
        if (c.has("int8_chunk") && !up.equals("int8")) {
            throw new ConfigException("compression.int8_chunk applies only to compression.up = \"int8\", got compression.up = \"" + up + "\"");
        }
        if (c.has("error_feedback") && up.equals("none")) {
            throw new ConfigException("compression.error_feedback applies only to a compressed update, got compression.up = \"none\"");
        }
        Compression s = new Compression(up, down, c.getDouble("topk_fraction", 0.01, 0, true, 1),
                c.getBoolean("error_feedback", true), c.getInt("int8_chunk", io.hanse.compression.UpdateCodec.DEFAULT_INT8_CHUNK, 1, 1 << 30));
        c.finish();
        if (!s.enabled()) {
            return s;
        }
        if (secagg.enabled()) {
            throw new ConfigException("[compression] (up = \"" + up + "\", down = \"" + down + "\") cannot be combined with "
                    + "secagg.enabled = true: secure aggregation sends masked, quantised vectors whose sum only works uncompressed; "
                    + "remove [compression] or [secagg]");
        }
        if (!up.equals("none") && privacy.mode().equals("client_fixed")) {
            throw new ConfigException("compression.up = \"" + up + "\" cannot be combined with privacy.mode = \"client_fixed\": "
                    + "the noise is calibrated to the clients' clipping norm, which a compressed update (stochastic rounding, "
                    + "error-feedback residual) may exceed; use privacy.mode = \"server_fixed\" or \"server_adaptive\", which clip "
                    + "the reconstructed updates");
        }
        return s;
    }

    /** The {@code [secagg]} table, and what it cannot be combined with. */
    private static SecAgg secagg(ConfigSection g, StrategySettings strategy, Attack attack, Privacy privacy) {
        boolean enabled = g.getBoolean("enabled", false);
        Integer numShares = null;
        Double numSharesFraction = null;
        if (g.has("num_shares")) {
            double v = number(g, "num_shares", "an integer >= 3, or a fraction of the clients in (0, 1]");
            if (v > 0 && v <= 1) {
                numSharesFraction = v;
            } else {
                numShares = (int) g.getLong("num_shares", 0, 3, 1_000_000);
            }
        }
        Integer threshold = null;
        Double thresholdFraction = null;
        if (g.has("reconstruction_threshold")) {
            double v = number(g, "reconstruction_threshold", "an integer >= 2, or a fraction of num_shares in (0, 1]");
            if (v > 0 && v <= 1) {
                thresholdFraction = v;
            } else {
                threshold = (int) g.getLong("reconstruction_threshold", 0, 2, 1_000_000);
            }
        }
        SecAgg s = new SecAgg(enabled, numShares, numSharesFraction, threshold, thresholdFraction,
                g.getDouble("clipping_range", SecAggPlusConfig.DEFAULT_CLIPPING_RANGE, 0, true, 1e12),
                g.getLong("quantization_range", SecAggPlusConfig.DEFAULT_QUANTIZATION_RANGE, 2, 1L << 53),
                g.getLong("modulus_range", SecAggPlusConfig.DEFAULT_MODULUS_RANGE, 2, 1L << 62),
                g.getDouble("max_weight", SecAggPlusConfig.DEFAULT_MAX_WEIGHT, 0, true, 1e15),
                g.getDouble("timeout", strategy.roundTimeoutSeconds(), 0, true, 86_400 * 7));
        g.finish();
        try {
            s.toConfig();
        } catch (IllegalArgumentException e) {
            throw new ConfigException("[secagg]: " + e.getMessage(), e);
        }
        if (!enabled) {
            return s;
        }
        if (!List.of("fedavg", "fedprox").contains(strategy.name())) {
            throw new ConfigException("secagg.enabled = true works only with strategy.name = \"fedavg\" or \"fedprox\", got strategy.name = \""
                    + strategy.name() + "\": the server sees only the weighted sum of the updates, which the others cannot use yet");
        }
        if (!strategy.algorithm().aggregator().equals("mean") || !Double.isNaN(strategy.algorithm().normBound())) {
            throw new ConfigException("secagg.enabled = true needs the plain mean: strategy.aggregator = \"mean\" and no "
                    + "strategy.norm_bound (robust aggregation needs the individual updates)");
        }
        if (attack.enabled() && !attack.type().equals("label_flip")) {
            throw new ConfigException("secagg.enabled = true cannot be combined with attack.type = \"" + attack.type()
                    + "\": a model-poisoning attack acts on the individual updates (label_flip works)");
        }
        if (privacy.mode().startsWith("server")) {
            throw new ConfigException("secagg.enabled = true cannot be combined with privacy.mode = \"" + privacy.mode()
                    + "\": the server cannot clip updates it never sees; use privacy.mode = \"client_fixed\"");
        }
        return s;
    }

    private static double number(ConfigSection g, String k, String allowed) {
        Object v = g.raw(k);
        try {
            double x = v instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(v));
            if (x > 0 && (x <= 1 || x == Math.rint(x))) {
                return x;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw g.invalid(k, v, allowed);
    }

    /**
     * The {@code [attack]} table. With {@code type = "none"} the other keys are read but have no effect, so
     * that a baseline can be run from an attack config with {@code --set attack.type=none}.
     */
    private static Attack attack(ConfigSection a, int clients, Data data) {
        String type = a.getChoice("type", "none", ATTACK_TYPES);
        boolean hasNum = a.has("num_malicious");
        boolean hasFraction = a.has("fraction_malicious");
        int num = a.getInt("num_malicious", 0, 0, Integer.MAX_VALUE);
        double fraction = a.getDouble("fraction_malicious", Double.NaN, 0, false, 1);
        double scale = a.getDouble("scale", type.equals("scaling") ? 10.0 : 1.0, 0, true, 1e9);
        double sigma = a.getDouble("sigma", 1.0, 0, true, 1e9);
        double z = a.getDouble("z", 0.0, 0, false, 1000);
        double epsilon = a.getDouble("epsilon", 0.1, 0, true, 1e9);
        a.finish(); // a misspelt key is reported as such, before what it would have set is missed
        if (type.equals("none")) {
            return new Attack(type, 0, Double.NaN, scale, sigma, z, epsilon);
        }
        if (hasNum && hasFraction) {
            throw new ConfigException("attack.num_malicious = " + num + " and attack.fraction_malicious = " + fraction
                    + " are both set, allowed: one of them");
        }
        if (!hasNum && !hasFraction) {
            throw new ConfigException("attack.type = \"" + type + "\" needs attack.num_malicious or attack.fraction_malicious");
        }
        String allowed = clients > 1 ? "1 .. " + (clients - 1) + " malicious clients (fewer than partition.clients = " + clients + ")"
                : "none: partition.clients = 1 leaves no benign client";
        if (hasFraction) {
            num = (int) Math.floor(fraction * clients + 1e-9);
            if (num < 1 || num >= clients) {
                throw a.invalid("fraction_malicious", fraction, "a fraction that selects " + allowed
                        + "; floor(" + fraction + " * " + clients + ") = " + num);
            }
        } else if (num < 1 || num >= clients) {
            throw a.invalid("num_malicious", num, allowed);
        }
        if (type.equals("label_flip") && data.dataset().equals("tabular") && data.task().equals("regression")) {
            throw a.invalid("type", type, "a model-poisoning attack: label_flip needs class labels, data.task = \"regression\"");
        }
        return new Attack(type, num, hasFraction ? fraction : Double.NaN, scale, sigma, z, epsilon);
    }

    /** {@code heterogeneity.straggler_work}: a number in (0, 1], or "random" (the default) for uniform in [0.1, 0.9]. */
    private static double stragglerWork(ConfigSection h) {
        Object v = h.raw("straggler_work");
        if (v == null || "random".equals(v)) {
            return Double.NaN;
        }
        try {
            return h.getDouble("straggler_work", Double.NaN, 0, true, 1);
        } catch (ConfigException e) {
            throw h.invalid("straggler_work", v, "a number in (0, 1] or \"random\"");
        }
    }

    private static TrainingOptions training(ConfigSection t) {
        OptimizerSpec.Kind kind;
        String optimizer = t.getString("optimizer", "sgd");
        try {
            kind = OptimizerSpec.Kind.parse(optimizer);
        } catch (IllegalArgumentException e) {
            throw t.invalid("optimizer", optimizer, "one of [sgd, momentum, adam, rmsprop, adagrad]");
        }
        OptimizerSpec base = OptimizerSpec.of(kind);
        OptimizerSpec opt = new OptimizerSpec(kind,
                t.getDouble("momentum", base.momentum(), 0, false, 0.999999),
                t.getBoolean("nesterov", false),
                t.getDouble("beta1", base.beta1(), 0, false, 0.999999),
                t.getDouble("beta2", base.beta2(), 0, false, 0.999999),
                t.getDouble("epsilon", base.epsilon(), 0, true, 1),
                t.getDouble("rho", base.rho(), 0, false, 0.999999),
                t.getDouble("initial_accumulator", base.initialAccumulator(), 0, false, 1e6));
        if (opt.nesterov() && kind != OptimizerSpec.Kind.MOMENTUM) {
            throw t.invalid("nesterov", true, "true only with optimizer = \"momentum\"");
        }
        String scheduleName = t.getChoice("schedule", "constant", List.of("constant", "step", "cosine"));
        LearningRateSchedule schedule = new LearningRateSchedule(LearningRateSchedule.Type.parse(scheduleName),
                t.getDouble("schedule_gamma", 0.5, 0, true, 1),
                t.getInt("schedule_step_rounds", 10, 1, 1_000_000),
                t.getDouble("min_learning_rate", 0.0, 0, false, 1e6));
        return new TrainingOptions(opt,
                t.getDouble("learning_rate", 0.05, 0, true, 1e6),
                schedule,
                t.getDouble("weight_decay", 0.0, 0, false, 1e6),
                t.getInt("batch_size", 10, 1, 1_000_000),
                t.getInt("epochs", 1, 0, 100_000),
                t.getBoolean("shuffle", true),
                t.getInt("max_steps", 0, 0, Integer.MAX_VALUE));
    }

    /** Values of {@code type} in {@code [[model.layers]]}. */
    static final List<String> LAYER_TYPES = List.of("dense", "conv2d", "maxpool2d", "flatten", "dropout", "reshape",
            "embedding", "lstm", "gru", "layer_norm", "multi_head_attention", "positional_encoding", "transformer_encoder",
            "global_average_pooling1d", "global_max_pooling1d");

    private static Model model(ConfigSection m) {
        List<ConfigSection> layerTables = m.getTables("layers");
        String name = m.getString("name", layerTables == null ? "2nn" : "custom");
        String loss = m.getChoice("loss", "softmax_cross_entropy", List.of("softmax_cross_entropy", "mse", "next_token"));
        if (layerTables == null) {
            if (!Models.NAMES.contains(name)) {
                throw m.invalid("name", name, "one of " + Models.NAMES + ", or a list of [[model.layers]]");
            }
            int vocabSize = m.getInt("vocab_size", 0, 1, 1 << 24);
            if (m.has("vocab_size") && !List.of("char_lstm", "text_lstm", "text_transformer").contains(name)) {
                throw new ConfigException(m.key("vocab_size") + " applies only to the text models char_lstm, text_lstm and "
                        + "text_transformer, got model.name = \"" + name + "\"");
            }
            m.finish();
            return new Model(name, null, loss, vocabSize);
        }
        if (m.has("vocab_size")) {
            throw new ConfigException(m.key("vocab_size") + " applies only to a built-in text model; give a layer "
                    + "{type = \"embedding\", vocab_size = ...} in [[model.layers]] instead");
        }
        List<Layer> layers = new ArrayList<>();
        for (ConfigSection l : layerTables) {
            String type = l.getChoice("type", null, LAYER_TYPES);
            if (type == null) {
                throw new ConfigException(l.key("type") + " is required, allowed: " + String.join(", ", LAYER_TYPES));
            }
            try {
                layers.add(switch (type) {
                    case "dense" -> new Layer.Dense(l.getInt("units", 0, 1, 1 << 24), activation(l), l.getBoolean("per_step", false));
                    case "conv2d" -> new Layer.Conv2D(l.getInt("filters", 0, 1, 1 << 16), l.getInt("kernel_size", 3, 1, 1024),
                            l.getInt("stride", 1, 1, 1024),
                            Layer.Padding.valueOf(l.getChoice("padding", "same", List.of("same", "valid")).toUpperCase()), activation(l));
                    case "maxpool2d" -> new Layer.MaxPool2D(l.getInt("pool_size", 2, 1, 1024), l.getInt("stride", 2, 1, 1024));
                    case "flatten" -> new Layer.Flatten();
                    case "dropout" -> new Layer.Dropout(l.getDouble("rate", 0.5, 0, false, 0.999));
                    case "embedding" -> new Layer.Embedding(required(l, "vocab_size", 1 << 24), required(l, "dim", 1 << 16));
                    case "lstm" -> new Layer.LSTM(required(l, "units", 1 << 16), l.getBoolean("return_sequences", false));
                    case "gru" -> new Layer.GRU(required(l, "units", 1 << 16), l.getBoolean("return_sequences", false));
                    case "layer_norm" -> new Layer.LayerNorm(l.getDouble("epsilon", 1e-3, 0, true, 0.5));
                    case "multi_head_attention" -> new Layer.MultiHeadSelfAttention(required(l, "heads", 1024),
                            required(l, "key_dim", 1 << 16), l.getBoolean("causal", false));
                    case "positional_encoding" -> new Layer.PositionalEncoding();
                    case "transformer_encoder" -> new Layer.TransformerEncoder(required(l, "heads", 1024),
                            required(l, "ff_dim", 1 << 20), l.getDouble("dropout", 0.1, 0, false, 0.999));
                    case "global_average_pooling1d" -> new Layer.GlobalAveragePooling1D();
                    case "global_max_pooling1d" -> new Layer.GlobalMaxPooling1D();
                    default -> new Layer.Reshape(toArray(l.getIntList("shape"), l));
                });
            } catch (IllegalArgumentException e) {
                throw new ConfigException(l.key("") + " " + e.getMessage());
            }
            l.finish();
        }
        m.finish();
        return new Model(name, layers, loss);
    }

    /** A positive integer the layer cannot do without. */
    private static int required(ConfigSection l, String key, int max) {
        if (!l.has(key)) {
            throw new ConfigException(l.key(key) + " is required for a " + l.getString("type", null) + " layer");
        }
        return l.getInt(key, 0, 1, max);
    }

    private static Layer.Activation activation(ConfigSection l) {
        return Layer.Activation.valueOf(l.getChoice("activation", "linear", List.of("linear", "relu", "tanh", "sigmoid")).toUpperCase());
    }

    private static int[] toArray(List<Integer> list, ConfigSection l) {
        if (list == null) {
            throw new ConfigException(l.key("shape") + " is required for a reshape layer");
        }
        return list.stream().mapToInt(Integer::intValue).toArray();
    }
}
