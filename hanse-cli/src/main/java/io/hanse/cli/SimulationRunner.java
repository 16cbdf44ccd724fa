package io.hanse.cli;

import io.hanse.cli.config.ConfigException;
import io.hanse.cli.config.RunConfig;
import io.hanse.client.ClientStates;
import io.hanse.client.ModelClient;
import io.hanse.core.Scalars;
import io.hanse.data.Dataset;
import io.hanse.datasets.CsvDataset;
import io.hanse.datasets.DataDirectory;
import io.hanse.datasets.LibSvmDataset;
import io.hanse.datasets.Mnist;
import io.hanse.datasets.FederatedStandardizer;
import io.hanse.datasets.TrainTestSplit;
import io.hanse.model.Engine;
import io.hanse.model.Initializer;
import io.hanse.model.ModelSpec;
import io.hanse.partition.DirichletPartitioner;
import io.hanse.partition.IidPartitioner;
import io.hanse.partition.PathologicalPartitioner;
import io.hanse.partition.Partitioner;
import io.hanse.partition.UnequalIidPartitioner;
import io.hanse.server.CentralizedEvaluator;
import io.hanse.server.History;
import io.hanse.server.RoundListener;
import io.hanse.server.RoundRecord;
import io.hanse.server.Server;
import io.hanse.server.ServerConfig;
import io.hanse.simulation.EnginePool;
import io.hanse.simulation.VirtualFederation;
import io.hanse.simulation.attack.AlieAttack;
import io.hanse.simulation.attack.AttackedStrategy;
import io.hanse.simulation.attack.GaussianAttack;
import io.hanse.simulation.attack.IpmAttack;
import io.hanse.simulation.attack.LabelFlip;
import io.hanse.simulation.attack.MaliciousClients;
import io.hanse.simulation.attack.ModelAttack;
import io.hanse.simulation.attack.ScalingAttack;
import io.hanse.simulation.attack.SignFlipAttack;
import io.hanse.simulation.heterogeneity.Dropouts;
import io.hanse.simulation.heterogeneity.HeterogeneousStrategy;
import io.hanse.simulation.heterogeneity.Stragglers;
import io.hanse.privacy.client.ClippingClient;
import io.hanse.privacy.client.LocalDpClient;
import io.hanse.privacy.strategy.CentralDpStrategy;
import io.hanse.privacy.strategy.DpClientSideFixedClipping;
import io.hanse.privacy.strategy.DpServerSideAdaptiveClipping;
import io.hanse.privacy.strategy.DpServerSideFixedClipping;
import io.hanse.privacy.strategy.PrivacyAccounting;
import io.hanse.secagg.fl.SecAggPlusClientMod;
import io.hanse.secagg.fl.SecAggPlusFedAvg;
import io.hanse.strategy.AggregatorStrategy;
import io.hanse.strategy.Bulyan;
import io.hanse.strategy.FedAdagrad;
import io.hanse.strategy.FedAdam;
import io.hanse.strategy.FedAvg;
import io.hanse.strategy.FedAvgM;
import io.hanse.strategy.FedMedian;
import io.hanse.strategy.FedNova;
import io.hanse.strategy.FedOpt;
import io.hanse.strategy.FedProx;
import io.hanse.strategy.FedTrimmedAvg;
import io.hanse.strategy.FedYogi;
import io.hanse.strategy.Krum;
import io.hanse.strategy.QFedAvg;
import io.hanse.strategy.Scaffold;
import io.hanse.strategy.UpdateAggregator;
import io.hanse.strategy.Strategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs a {@link RunConfig} as a simulation: loads and partitions the data, builds one engine model per
 * worker thread, registers the virtual clients and drives the same {@link Server} round loop that a
 * deployment uses.
 */
public final class SimulationRunner {

    private static final Logger log = LoggerFactory.getLogger(SimulationRunner.class);

    /**
     * The data of a run: training examples, held-out test examples and the clients' partitions.
     *
     * @param vocabularySize token ids of the data, for a text model's embedding (shakespeare: 81 characters, imdb:
     *                       {@code data.vocab_size}); 0 for datasets that are not text. The same as
     *                       {@link #vocabularySize(RunConfig)}, which needs no data (for the server and a client).
     */
    public record Federation(Dataset train, Dataset test, int[][] partitions, int vocabularySize) {
        public Federation(Dataset train, Dataset test, int[][] partitions) {
            this(train, test, partitions, 0);
        }
    }

    /** The number of token ids of the configured dataset (0 unless it is text), known from the config alone. */
    public static int vocabularySize(RunConfig config) {
        return TextData.vocabularySize(config);
    }

    private SimulationRunner() {
    }

    /** Loads the configured dataset (train and test split) and partitions the training set. */
    public static Federation prepare(RunConfig config, Path dataDirOverride) throws IOException {
        RunConfig.Data d = config.data();
        Dataset train;
        Dataset test;
        if (TextData.isText(config)) {
            return TextData.prepare(config, dataDirOverride);
        }
        if (d.dataset().equals("tabular")) {
            TrainTestSplit.Split split = tabular(config);
            train = split.train();
            test = split.test();
        } else {
            Path explicit = dataDirOverride != null ? dataDirOverride : d.dir() == null ? null : Path.of(d.dir());
            DataDirectory dirs = DataDirectory.fromEnvironment();
            train = Mnist.load(d.dataset(), Mnist.Split.TRAIN, explicit, dirs);
            test = Mnist.load(d.dataset(), Mnist.Split.TEST, explicit, dirs);
        }
        return prepare(config, train, test);
    }

    /**
     * Applies the config's limits to already loaded data and partitions it; lets a sweep of many runs
     * load a dataset once.
     */
    public static Federation prepare(RunConfig config, Dataset fullTrain, Dataset fullTest) {
        RunConfig.Data d = config.data();
        Dataset train = limit(fullTrain, d.trainLimit());
        Dataset test = limit(fullTest, d.testLimit());
        RunConfig.Partition p = config.partition();
        if (p.clients() > train.size()) {
            throw new ConfigException("partition.clients = " + p.clients() + " is invalid, allowed: at most the "
                    + train.size() + " training examples");
        }
        int[][] parts = partitioner(p).partition(train, p.clients(), config.seed());
        return new Federation(train, test, parts);
    }

    /**
     * A table split into train and test (stratified for classification) and, if {@code data.standardize}, standardised
     * with statistics computed federatedly over the clients' partitions of the training part. With standardisation
     * the returned training split is already cut to {@code data.train_limit}.
     */
    static TrainTestSplit.Split tabular(RunConfig config) throws IOException {
        return tabular(config, config.data().standardize());
    }

    private static TrainTestSplit.Split tabular(RunConfig config, boolean standardize) throws IOException {
        RunConfig.Data d = config.data();
        long seed = config.seed();
        Path file = Path.of(d.path());
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("data.path = \"" + d.path() + "\": no such file (relative paths start at "
                    + Path.of("").toAbsolutePath() + ")");
        }
        boolean regression = d.task().equals("regression");
        Dataset all;
        try {
            all = switch (d.format()) {
                case "sklearn" -> CsvDataset.loadSklearn(file, file.getFileName().toString());
                case "libsvm" -> regression ? LibSvmDataset.loadRegression(file, file.getFileName().toString(), 0)
                        : LibSvmDataset.load(file, file.getFileName().toString());
                default -> {
                    CsvDataset.Options o = CsvDataset.Options.defaults().header(d.header()).labelColumn(d.labelColumn());
                    yield CsvDataset.load(file, regression ? o.regression() : o.classification());
                }
            };
        } catch (IllegalArgumentException e) {
            throw new ConfigException("data.path = \"" + d.path() + "\" cannot be read as " + d.format() + ": " + e.getMessage(), e);
        }
        TrainTestSplit.Split split = all.isClassification()
                ? TrainTestSplit.stratified(all, d.testFraction(), seed)
                : TrainTestSplit.split(all, d.testFraction(), seed);
        if (!standardize) {
            return split;
        }
        return standardized(config, split);
    }

    /** True when clients must standardise their features with statistics totalled over all of them. */
    public static boolean federatedStandardization(RunConfig config) {
        return config.data().dataset().equals("tabular") && config.data().standardize();
    }

    /** The table split into train and test, not standardised: what the sites and the server hold before any exchange. */
    static TrainTestSplit.Split tabularRaw(RunConfig config) throws IOException {
        RunConfig.Data d = config.data();
        TrainTestSplit.Split split = tabular(config, false);
        return new TrainTestSplit.Split(limit(split.train(), d.trainLimit()), split.test());
    }

    private static TrainTestSplit.Split standardized(RunConfig config, TrainTestSplit.Split split) {
        RunConfig.Data d = config.data();
        long seed = config.seed();
        // Standardisation statistics come from the clients, not from the pooled training split: each client (a
        // hospital) computes its row count and per-feature sums and sums of squares on its own partition, and only
        // their totals are used, which one round of secure summation would reveal to a real federation. No client
        // sees another's rows and the server sees no row. The numbers equal a pooled fit up to double rounding
        // (FederatedStandardizer); the partition is the one prepare() computes, as partitioners read only labels
        // and sizes, which standardisation leaves unchanged. The test split is standardised with the same totals.
        Dataset train = limit(split.train(), d.trainLimit());
        RunConfig.Partition p = config.partition();
        if (p.clients() > train.size()) {
            throw new ConfigException("partition.clients = " + p.clients() + " is invalid, allowed: at most the "
                    + train.size() + " training examples");
        }
        int[][] parts = partitioner(p).partition(train, p.clients(), seed);
        FederatedStandardizer s = FederatedStandardizer.combine(FederatedStandardizer.siteStatistics(train, parts));
        return new TrainTestSplit.Split(s.apply(train), s.apply(split.test()));
    }

    static Partitioner partitioner(RunConfig.Partition p) {
        return switch (p.method()) {
            case "iid" -> p.sizeDistribution().equals("lognormal") ? new UnequalIidPartitioner(p.sizeSigma()) : new IidPartitioner();
            case "pathological" -> new PathologicalPartitioner(p.shardsPerClient());
            case "dirichlet" -> new DirichletPartitioner(p.alpha());
            default -> throw new ConfigException("partition.method = \"" + p.method() + "\" is invalid");
        };
    }

    private static Dataset limit(Dataset d, int n) {
        return n > 0 && n < d.size() ? d.head(n) : d;
    }

    /**
     * Runs the federation; {@code listeners} see every round.
     *
     * @return the history and the summary of the run
     */
    public static Result run(RunConfig config, Federation data, Engine engine, List<RoundListener> listeners)
            throws InterruptedException {
        long t0 = System.nanoTime();
        ModelSpec spec = config.model().spec(data.train().featureShape(), data.train().numClasses(), data.vocabularySize());
        RunConfig.StrategySettings s = config.strategy();
        RunConfig.Simulation sim = config.simulation();

        int numClients = config.partition().clients();
        log.info("{}: {} clients, model {} ({} parameters), engine {}", config.name(), numClients, spec.name(),
                spec.numParameters(), engine.version());

        try (EnginePool pool = new EnginePool(engine, spec, config.seed(), sim.intraOpThreads());
             CentralizedEvaluator evaluator = new CentralizedEvaluator(
                     engine.create(spec, config.seed(), sim.intraOpThreads()),
                     data.test(), 1000, s.evaluateEvery())) {
            List<String> malicious = maliciousIds(config);
            if (!malicious.isEmpty()) {
                log.info("attack {}: malicious clients {}", config.attack().type(), malicious);
            }
            // label flipping poisons the malicious clients' data; the other attacks act in aggregation
            Dataset[] shards = LabelFlip.shards(data.train(), data.partitions(),
                    config.attack().type().equals("label_flip") ? malicious : List.of());
            // per-client state that outlives a call (SCAFFOLD's control variate); small, and only for strategies that use it
            ClientStates states = new ClientStates();
            VirtualFederation federation = new VirtualFederation(numClients, sim.threads(), id -> {
                int cid = Integer.parseInt(id);
                return secureClient(compressingClient(privateClient(new ModelClient(pool.current(), shards[cid], null, config.training(),
                        clientSeed(config.seed(), cid), states.of(id)), config), states.of(id), clientSeed(config.seed(), cid)),
                        states.of(id), config);
            });
            for (RoundListener l : listeners) {
                if (l instanceof RoundsCsv csv) {
                    csv.meter(federation.traffic());
                }
            }
            try {
                Strategy strategy = simulated(serverStrategy(config, spec, evaluator), config, malicious, shards);
                ServerConfig serverConfig = serverConfig(config);
                History history = new Server(federation.clientManager(), strategy, serverConfig, fanOut(listeners)).run();
                double seconds = (System.nanoTime() - t0) / 1e9;
                Map<String, Object> results = Summary.results(history, config.targetAccuracy(), seconds);
                results.put("engine_models", pool.size() + 1);
                results.put("bytes_up", federation.traffic().bytesUp());
                results.put("bytes_down", federation.traffic().bytesDown());
                return new Result(history, results, spec);
            } finally {
                federation.close();
            }
        }
    }

    /** The outcome of a run. */
    public record Result(History history, Map<String, Object> results, ModelSpec spec) {
    }

    /** The ids of the malicious clients of a simulation (empty without an attack); fixed by the seed. */
    public static List<String> maliciousIds(RunConfig config) {
        RunConfig.Attack a = config.attack();
        return a.enabled() ? MaliciousClients.select(config.partition().clients(), a.numMalicious(), config.seed()) : List.of();
    }

    /** The configured model-poisoning attack, or null for none and for label flipping (a data attack). */
    static ModelAttack modelAttack(RunConfig.Attack a) {
        return switch (a.type()) {
            case "sign_flip" -> new SignFlipAttack(a.scale());
            case "scaling" -> new ScalingAttack(a.scale());
            case "gaussian" -> new GaussianAttack(a.sigma());
            case "alie" -> new AlieAttack(a.z());
            case "ipm" -> new IpmAttack(a.epsilon());
            case "none", "label_flip" -> null;
            default -> throw new ConfigException("attack.type = \"" + a.type() + "\" is invalid, allowed: one of "
                    + RunConfig.ATTACK_TYPES);
        };
    }

    /**
     * {@code strategy} inside the simulated attack and heterogeneity of the config: model poisoning by
     * the malicious clients between their training and the aggregation, then stragglers and dropouts
     * among each round's sampled clients. Unchanged when the config has neither.
     */
    static Strategy simulated(Strategy strategy, RunConfig config, List<String> malicious, Dataset[] shards) {
        Strategy s = strategy;
        ModelAttack attack = modelAttack(config.attack());
        if (attack != null) {
            s = new AttackedStrategy(s, Set.copyOf(malicious), attack, config.seed());
        }
        RunConfig.Heterogeneity h = config.heterogeneity();
        if (h.enabled()) {
            Stragglers stragglers = h.stragglerFraction() > 0 ? new Stragglers(h.stragglerFraction(), h.stragglerWork(), config.seed()) : null;
            Dropouts dropouts = h.dropoutProbability() > 0 ? new Dropouts(h.dropoutProbability(), config.seed()) : null;
            s = new HeterogeneousStrategy(s, stragglers, dropouts, id -> shards[Integer.parseInt(id)].size(), config.training());
        }
        return s;
    }

    /** The configured strategy; the same for a simulation and a deployment. */
    static FedAvg strategy(RunConfig config, ModelSpec spec, CentralizedEvaluator evaluator) {
        RunConfig.Algorithm a = config.strategy().algorithm();
        int clients = config.partition().clients();
        return switch (config.strategy().name()) {
            case "fedavg" -> a.aggregator().equals("mean") && Double.isNaN(a.normBound())
                    ? common(FedAvg.builder(), config, spec, evaluator).build()
                    : common(AggregatorStrategy.builder(aggregator(a)), config, spec, evaluator).build();
            case "fedavgm" -> common(FedAvgM.builder().serverLearningRate(a.serverLearningRate())
                    .serverMomentum(a.serverMomentum()).aggregator(aggregator(a)), config, spec, evaluator).build();
            case "fedadam" -> {
                FedAdam.Builder b = fedOpt(FedAdam.builder(), a);
                if (!Double.isNaN(a.beta2())) {
                    b.beta2(a.beta2());
                }
                yield common(b, config, spec, evaluator).build();
            }
            case "fedyogi" -> {
                FedYogi.Builder b = fedOpt(FedYogi.builder(), a);
                if (!Double.isNaN(a.beta2())) {
                    b.beta2(a.beta2());
                }
                yield common(b, config, spec, evaluator).build();
            }
            case "fedadagrad" -> common(fedOpt(FedAdagrad.builder(), a), config, spec, evaluator).build();
            case "fedprox" -> common(FedProx.builder(a.proximalMu()), config, spec, evaluator).build();
            case "scaffold" -> common(Scaffold.builder().serverLearningRate(a.serverLearningRate()).numClients(clients),
                    config, spec, evaluator).build();
            case "fednova" -> common(FedNova.builder(), config, spec, evaluator).build();
            case "qfedavg" -> common(QFedAvg.builder().qParam(a.qParam()).qfflLearningRate(a.qfflLearningRate()),
                    config, spec, evaluator).build();
            case "fedmedian" -> common(normBound(FedMedian.builder(), a), config, spec, evaluator).build();
            case "fedtrimmedavg" -> common(normBound(FedTrimmedAvg.builder().beta(a.trimBeta()), a), config, spec, evaluator).build();
            case "krum" -> common(normBound(Krum.builder().numMaliciousClients(a.numMalicious()), a), config, spec, evaluator).build();
            case "multikrum" -> common(normBound(Krum.builder().numMaliciousClients(a.numMalicious())
                    .numClientsToKeep(a.numClientsToKeep()), a), config, spec, evaluator).build();
            case "bulyan" -> {
                int n = Math.max(config.strategy().minFitClients(), (int) Math.floor(clients * config.strategy().fractionFit() + 1e-9));
                if (n < 4 * a.numMalicious() + 3) {
                    throw new ConfigException("strategy.name = \"bulyan\" needs at least 4f + 3 = " + (4 * a.numMalicious() + 3)
                            + " clients per round for strategy.num_malicious = " + a.numMalicious() + ", but a round samples " + n);
                }
                yield common(normBound(Bulyan.builder().numMaliciousClients(a.numMalicious()), a), config, spec, evaluator).build();
            }
            default -> throw new ConfigException("strategy.name = \"" + config.strategy().name() + "\" is invalid, allowed: "
                    + RunConfig.STRATEGIES);
        };
    }

    /** The options every strategy shares: sampling, initial model, per-round config, server evaluation. */
    private static <B extends FedAvg.Builder> B common(B b, RunConfig config, ModelSpec spec, CentralizedEvaluator evaluator) {
        RunConfig.StrategySettings s = config.strategy();
        int rounds = config.rounds();
        b.fractionFit(s.fractionFit())
                .minFitClients(s.minFitClients())
                .minAvailableClients(Math.max(s.minFitClients(), 1))
                .fractionEvaluate(s.fractionEvaluate())
                .minEvaluateClients(s.minEvaluateClients())
                .seed(config.seed())
                .initialParameters(Initializer.glorotUniform(spec.layout(), config.seed()))
                .fitConfig(round -> Scalars.of(ModelClient.ROUND, round, ModelClient.NUM_ROUNDS, rounds))
                .evaluateConfig(round -> Scalars.of(ModelClient.ROUND, round))
                .evaluateFunction(evaluator);
        return b;
    }

    private static <B extends FedOpt.BaseBuilder<B>> B fedOpt(B b, RunConfig.Algorithm a) {
        if (!Double.isNaN(a.eta())) {
            b.eta(a.eta());
        }
        if (!Double.isNaN(a.etaL())) {
            b.etaL(a.etaL());
        }
        if (!Double.isNaN(a.beta1())) {
            b.beta1(a.beta1());
        }
        if (!Double.isNaN(a.tau())) {
            b.tau(a.tau());
        }
        return b.aggregator(aggregator(a));
    }

    private static <B extends AggregatorStrategy.BaseBuilder<B>> B normBound(B b, RunConfig.Algorithm a) {
        return Double.isNaN(a.normBound()) ? b : b.normBound(a.normBound());
    }

    /** The configured aggregation rule, norm-bounded if asked. */
    static UpdateAggregator aggregator(RunConfig.Algorithm a) {
        UpdateAggregator rule = switch (a.aggregator()) {
            case "median" -> UpdateAggregator.median();
            case "trimmed_mean" -> UpdateAggregator.trimmedMean(a.trimBeta());
            case "krum" -> UpdateAggregator.krum(a.numMalicious());
            case "multikrum" -> UpdateAggregator.multiKrum(a.numMalicious(), a.numClientsToKeep());
            case "bulyan" -> UpdateAggregator.bulyan(a.numMalicious());
            default -> UpdateAggregator.weightedMean();
        };
        return Double.isNaN(a.normBound()) ? rule : rule.withNormBound(a.normBound());
    }

    /**
     * The server's strategy of a simulation or a deployment: the configured strategy, under secure aggregation
     * when {@code [secagg]} is enabled, with the configured central differential privacy around it.
     */
    public static Strategy serverStrategy(RunConfig config, ModelSpec spec, CentralizedEvaluator evaluator) {
        FedAvg base = strategy(config, spec, evaluator);
        return io.hanse.compression.CompressedStrategy.wrap(
                privatized(secure(base, config), base.numFitClients(config.partition().clients()), config),
                config.compression().toSettings());
    }

    /**
     * {@code client} able to compress its updates when the server's fit config asks for it ({@code [compression]});
     * a no-op otherwise, so every client of a simulation or deployment gets it. Inside secure aggregation's client
     * half (which the config never combines with compression) and outside client-side privacy (clip or noise, then
     * compress).
     *
     * @param state the client's state, where the error-feedback residual lives
     * @param seed  the client's seed, for int8's stochastic rounding
     */
    public static io.hanse.client.Client compressingClient(io.hanse.client.Client client, io.hanse.client.ClientState state, long seed) {
        return new io.hanse.compression.CompressingClient(client, state, seed);
    }

    /** {@code strategy} under SecAgg+ when {@code [secagg]} is enabled; unchanged otherwise. */
    static Strategy secure(FedAvg strategy, RunConfig config) {
        return config.secagg().enabled() ? new SecAggPlusFedAvg(strategy, config.secagg().toConfig()) : strategy;
    }

    /** The client half of secure aggregation around {@code client} when {@code [secagg]} is enabled; unchanged otherwise. */
    public static io.hanse.client.Client secureClient(io.hanse.client.Client client, io.hanse.client.ClientState state, RunConfig config) {
        return config.secagg().enabled() ? new SecAggPlusClientMod(client, state) : client;
    }

    /** {@link #secureClient(io.hanse.client.Client, io.hanse.client.ClientState, RunConfig)} reporting its milestones to {@code progress}. */
    public static io.hanse.client.Client secureClient(io.hanse.client.Client client, io.hanse.client.ClientState state, RunConfig config,
                                                      java.util.function.Consumer<String> progress) {
        return config.secagg().enabled() ? new SecAggPlusClientMod(client, state, progress) : client;
    }

    /**
     * The strategy with the configured central differential privacy around it (server-side or
     * client-side clipping, Gaussian noise on the aggregate, RDP accounting); unchanged without it.
     */
    static Strategy privatized(FedAvg strategy, RunConfig config) {
        return privatized(strategy, strategy.numFitClients(config.partition().clients()), config);
    }

    /** {@link #privatized(FedAvg, RunConfig)} of any strategy that samples {@code sampled} clients a round. */
    static Strategy privatized(Strategy strategy, int sampled, RunConfig config) {
        RunConfig.Privacy p = config.privacy();
        int clients = config.partition().clients();
        CentralDpStrategy<?> dp = switch (p.mode()) {
            case "server_fixed" -> new DpServerSideFixedClipping(strategy, p.noiseMultiplier(), p.clippingNorm(), sampled);
            case "server_adaptive" -> new DpServerSideAdaptiveClipping(strategy, p.noiseMultiplier(), sampled,
                    p.initialClippingNorm(), p.targetQuantile(), p.clipNormLearningRate(),
                    Double.isNaN(p.clippedCountStddev()) ? null : p.clippedCountStddev());
            case "client_fixed" -> new DpClientSideFixedClipping(strategy, p.noiseMultiplier(), p.clippingNorm(), sampled);
            default -> null;
        };
        if (dp == null) {
            return strategy;
        }
        PrivacyAccounting accounting = PrivacyAccounting.forClients(clients);
        if (!Double.isNaN(p.delta())) {
            accounting = accounting.withDelta(p.delta());
        }
        if (!Double.isNaN(p.budget())) {
            accounting = accounting.withBudget(p.budget());
        }
        return dp.withAccounting(accounting);
    }

    /** The client with the configured client-side privacy: clipping for client_fixed, clipping and noise for local. */
    public static io.hanse.client.Client privateClient(io.hanse.client.Client client, RunConfig config) {
        RunConfig.Privacy p = config.privacy();
        return switch (p.mode()) {
            case "client_fixed" -> new ClippingClient(client);
            case "local" -> new LocalDpClient(client, p.clippingNorm(),
                    Double.isNaN(p.sensitivity()) ? p.clippingNorm() : p.sensitivity(), p.localEpsilon(), p.localDelta());
            default -> client;
        };
    }

    /** The round loop's settings from the config. */
    static ServerConfig serverConfig(RunConfig config) {
        RunConfig.StrategySettings s = config.strategy();
        return ServerConfig.rounds(config.rounds())
                .withRoundTimeout(Server.seconds(s.roundTimeoutSeconds()))
                .withFailurePolicy(s.acceptFailures(), s.minCompletionRate())
                .withTargetAccuracy(config.targetAccuracy());
    }

    /** The held-out test set that the server evaluates the global model on. */
    public static Dataset testSet(RunConfig config, Path dataDirOverride) throws IOException {
        RunConfig.Data d = config.data();
        if (TextData.isText(config)) {
            return TextData.testSet(config, dataDirOverride);
        }
        if (d.dataset().equals("tabular")) {
            // with federated standardisation the server standardises its test set once the clients' totals are in
            return limit((federatedStandardization(config) ? tabularRaw(config) : tabular(config)).test(), d.testLimit());
        }
        Path explicit = dataDirOverride != null ? dataDirOverride : d.dir() == null ? null : Path.of(d.dir());
        return limit(Mnist.load(d.dataset(), Mnist.Split.TEST, explicit, DataDirectory.fromEnvironment()), d.testLimit());
    }

    /**
     * The training data of client {@code index} of a partitioned federation, as the simulation would
     * give it, loading only that client's rows (labels first, to compute the partition).
     */
    public static Dataset clientPartition(RunConfig config, int index, Path dataDirOverride) throws IOException {
        RunConfig.Data d = config.data();
        RunConfig.Partition p = config.partition();
        if (index < 0 || index >= p.clients()) {
            throw new ConfigException("partition " + index + "/" + p.clients() + " is invalid, allowed: 0 .. " + (p.clients() - 1));
        }
        if (TextData.isText(config)) {
            return TextData.clientPartition(config, index, dataDirOverride);
        }
        if (d.dataset().equals("tabular")) {
            // The client's raw rows: with data.standardize the client (StandardizationExchange.StandardizingClient)
            // standardises them once the server sends the totals of all clients' statistics, as a hospital holding only
            // its own rows would. The file stands in for the site's own store; the partition equals the simulation's.
            Dataset train = tabularRaw(config).train();
            return train.view(partitioner(p).partition(train, p.clients(), config.seed())[index]);
        }
        Path explicit = dataDirOverride != null ? dataDirOverride : d.dir() == null ? null : Path.of(d.dir());
        Path dir = Mnist.locate(d.dataset(), explicit, DataDirectory.fromEnvironment());
        int[] labels = Mnist.loadLabels(dir, d.dataset(), Mnist.Split.TRAIN);
        if (d.trainLimit() > 0 && d.trainLimit() < labels.length) {
            labels = java.util.Arrays.copyOf(labels, d.trainLimit());
        }
        if (p.clients() > labels.length) {
            throw new ConfigException("partition.clients = " + p.clients() + " is invalid, allowed: at most the "
                    + labels.length + " training examples");
        }
        Dataset labelsOnly = Dataset.labelsOnly(d.dataset() + "-train", labels, Mnist.NUM_CLASSES);
        int[] rows = partitioner(p).partition(labelsOnly, p.clients(), config.seed())[index];
        return Mnist.loadRows(dir, d.dataset(), Mnist.Split.TRAIN, rows);
    }

    /** A different, reproducible seed per client. */
    public static long clientSeed(long seed, int clientId) {
        return seed * 1_000_003L + clientId;
    }

    /** The run description for summary.json. */
    public static Map<String, Object> describe(RunConfig config, Federation data, ModelSpec spec, Engine engine) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", config.name());
        m.put("engine", engine.version());
        m.put("java", System.getProperty("java.version"));
        m.put("train_examples", data.train().size());
        m.put("test_examples", data.test().size());
        m.put("model_parameters", spec.numParameters());
        List<Integer> sizes = new ArrayList<>();
        for (int[] p : data.partitions()) {
            sizes.add(p.length);
        }
        m.put("partition_sizes_min_max", List.of(sizes.stream().mapToInt(Integer::intValue).min().orElse(0),
                sizes.stream().mapToInt(Integer::intValue).max().orElse(0)));
        RunConfig.Attack a = config.attack();
        if (a.enabled()) {
            Map<String, Object> attack = new LinkedHashMap<>();
            attack.put("type", a.type());
            switch (a.type()) {
                case "sign_flip", "scaling" -> attack.put("scale", a.scale());
                case "gaussian" -> attack.put("sigma", a.sigma());
                case "alie" -> attack.put("z", a.z() > 0 ? (Object) a.z() : "z_max");
                case "ipm" -> attack.put("epsilon", a.epsilon());
                default -> { }
            }
            attack.put("num_malicious", a.numMalicious());
            attack.put("malicious_ids", maliciousIds(config));
            m.put("attack", attack);
        }
        RunConfig.Heterogeneity h = config.heterogeneity();
        if (h.enabled()) {
            Map<String, Object> het = new LinkedHashMap<>();
            het.put("straggler_fraction", h.stragglerFraction());
            het.put("straggler_work", Double.isNaN(h.stragglerWork()) ? "random" : (Object) h.stragglerWork());
            het.put("dropout_probability", h.dropoutProbability());
            m.put("heterogeneity", het);
        }
        if (config.secagg().enabled()) {
            m.put("secagg", config.secagg().toConfig().toString());
        }
        if (config.compression().enabled()) {
            m.put("compression", config.compression().toSettings().describe());
        }
        return m;
    }

    static RoundListener fanOut(List<RoundListener> listeners) {
        return new RoundListener() {
            @Override
            public void onStart(int numRounds) {
                listeners.forEach(l -> l.onStart(numRounds));
            }

            @Override
            public void onRoundCompleted(RoundRecord record, io.hanse.core.Parameters global) {
                listeners.forEach(l -> l.onRoundCompleted(record, global));
            }

            @Override
            public void onClientResults(int round, List<io.hanse.strategy.ClientFit> fits, List<io.hanse.strategy.ClientFailure> failures) {
                listeners.forEach(l -> l.onClientResults(round, fits, failures));
            }

            @Override
            public void onRound(RoundRecord record) {
                listeners.forEach(l -> l.onRound(record));
            }

            @Override
            public void onFinish(History history) {
                listeners.forEach(l -> l.onFinish(history));
            }
        };
    }
}
