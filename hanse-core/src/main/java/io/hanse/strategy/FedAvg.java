package io.hanse.strategy;

import io.hanse.client.FitResult;
import io.hanse.core.Parameters;
import io.hanse.core.Scalars;
import io.hanse.server.ClientManager;
import io.hanse.server.ClientProxy;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.function.IntFunction;

/**
 * Federated Averaging (FedAvg), McMahan et al. 2017, "Communication-Efficient Learning of Deep Networks
 * from Decentralized Data" (AISTATS), Algorithm 1: each round samples {@code m = max(C * K, min_fit_clients)}
 * of the K available clients uniformly without replacement, each trains locally, and the new global
 * model is the average of their models weighted by their numbers of examples, {@code sum_k n_k w_k / n}.
 *
 * <p>Defaults, as Flower's {@code FedAvg}: {@code fraction_fit} 1.0, {@code fraction_evaluate} 1.0,
 * {@code min_fit_clients} 2, {@code min_evaluate_clients} 2, {@code min_available_clients} 2, seed 0,
 * no server-side evaluation, an empty fit and evaluate config, example-weighted means of client metrics.
 */
public class FedAvg implements Strategy {

    protected final double fractionFit;
    protected final double fractionEvaluate;
    protected final int minFitClients;
    protected final int minEvaluateClients;
    protected final int minAvailableClients;
    protected final Parameters initialParameters;
    protected final IntFunction<Scalars> fitConfig;
    protected final IntFunction<Scalars> evaluateConfig;
    protected final BiFunction<Integer, Parameters, Optional<Evaluation>> evaluateFunction;
    protected final long seed;

    protected FedAvg(Builder b) {
        this.fractionFit = b.fractionFit;
        this.fractionEvaluate = b.fractionEvaluate;
        this.minFitClients = b.minFitClients;
        this.minEvaluateClients = b.minEvaluateClients;
        this.minAvailableClients = b.minAvailableClients;
        this.initialParameters = b.initialParameters;
        this.fitConfig = b.fitConfig;
        this.evaluateConfig = b.evaluateConfig;
        this.evaluateFunction = b.evaluateFunction;
        this.seed = b.seed;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Clients to sample for fit among {@code available}: {@code max(floor(C * available), min_fit_clients)}. */
    public int numFitClients(int available) {
        return Math.max(floorOfProduct(available, fractionFit), minFitClients);
    }

    public int numEvaluateClients(int available) {
        return Math.max(floorOfProduct(available, fractionEvaluate), minEvaluateClients);
    }

    /**
     * {@code floor(n * fraction)} of the decimal fraction the user wrote: in double arithmetic
     * {@code 100 * 0.29} is {@code 28.999999999999996}, which a plain cast would floor to 28.
     */
    private static int floorOfProduct(int n, double fraction) {
        return (int) Math.floor(n * fraction + 1e-9);
    }

    public int minAvailableClients() {
        return minAvailableClients;
    }

    /**
     * The random source of one round's sampling, derived from the seed and the round alone, so that a
     * server restarted at round r samples exactly as an uninterrupted run would.
     */
    protected Random roundRandom(int round, int purpose) {
        long z = seed + 0x9E3779B97F4A7C15L * (2L * round + purpose + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return new Random(z ^ (z >>> 31));
    }

    @Override
    public Optional<Parameters> initializeParameters(ClientManager clients) {
        return Optional.ofNullable(initialParameters);
    }

    @Override
    public List<FitInstruction> configureFit(int round, Parameters parameters, ClientManager clients) {
        Scalars config = fitConfig.apply(round);
        List<FitInstruction> out = new ArrayList<>();
        for (ClientProxy c : clients.sample(numFitClients(clients.numAvailable()), roundRandom(round, 0))) {
            out.add(new FitInstruction(c, parameters, config));
        }
        return out;
    }

    @Override
    public AggregatedFit aggregateFit(int round, List<ClientFit> results, List<ClientFailure> failures) {
        if (results.isEmpty()) {
            return AggregatedFit.none(Scalars.EMPTY);
        }
        List<Parameters> params = new ArrayList<>(results.size());
        double[] weights = new double[results.size()];
        for (int k = 0; k < results.size(); k++) {
            FitResult r = results.get(k).result();
            params.add(r.parameters());
            weights[k] = r.numExamples();
        }
        return AggregatedFit.of(WeightedAverage.of(params, weights), fitMetrics(results));
    }

    @Override
    public List<EvaluateInstruction> configureEvaluate(int round, Parameters parameters, ClientManager clients) {
        if (fractionEvaluate <= 0) {
            return List.of();
        }
        Scalars config = evaluateConfig.apply(round);
        List<EvaluateInstruction> out = new ArrayList<>();
        for (ClientProxy c : clients.sample(numEvaluateClients(clients.numAvailable()), roundRandom(round, 1))) {
            out.add(new EvaluateInstruction(c, parameters, config));
        }
        return out;
    }

    @Override
    public Optional<Evaluation> aggregateEvaluate(int round, List<ClientEvaluation> results, List<ClientFailure> failures) {
        long total = 0;
        double lossSum = 0;
        List<Scalars> metrics = new ArrayList<>();
        long[] counts = new long[results.size()];
        for (int k = 0; k < results.size(); k++) {
            var r = results.get(k).result();
            total += r.numExamples();
            lossSum += r.loss() * r.numExamples();
            metrics.add(r.metrics());
            counts[k] = r.numExamples();
        }
        if (total == 0) {
            return Optional.empty();
        }
        return Optional.of(new Evaluation(lossSum / total, MetricsAggregation.weightedMean(metrics, counts)));
    }

    @Override
    public Optional<Evaluation> evaluate(int round, Parameters parameters) {
        return evaluateFunction == null ? Optional.empty() : evaluateFunction.apply(round, parameters);
    }

    /** Example-weighted means of the clients' fit metrics. */
    protected static Scalars fitMetrics(List<ClientFit> results) {
        List<Scalars> metrics = new ArrayList<>(results.size());
        long[] counts = new long[results.size()];
        for (int k = 0; k < results.size(); k++) {
            metrics.add(results.get(k).result().metrics());
            counts[k] = results.get(k).result().numExamples();
        }
        return MetricsAggregation.weightedMean(metrics, counts);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(fraction_fit=" + fractionFit + ", fraction_evaluate=" + fractionEvaluate
                + ", min_fit_clients=" + minFitClients + ")";
    }

    /** Options of {@link FedAvg}; every setter checks its value. */
    public static class Builder {
        double fractionFit = 1.0;
        double fractionEvaluate = 1.0;
        int minFitClients = 2;
        int minEvaluateClients = 2;
        int minAvailableClients = 2;
        long seed = 0;
        Parameters initialParameters;
        IntFunction<Scalars> fitConfig = round -> Scalars.EMPTY;
        IntFunction<Scalars> evaluateConfig = round -> Scalars.EMPTY;
        BiFunction<Integer, Parameters, Optional<Evaluation>> evaluateFunction;

        /** C: the fraction of available clients trained each round, in [0, 1]. */
        public Builder fractionFit(double c) {
            if (!(c >= 0 && c <= 1)) {
                throw new IllegalArgumentException("fraction_fit = " + c + " is invalid, allowed: [0, 1]");
            }
            this.fractionFit = c;
            return this;
        }

        /** Fraction of available clients asked to evaluate each round, in [0, 1]; 0 turns federated evaluation off. */
        public Builder fractionEvaluate(double c) {
            if (!(c >= 0 && c <= 1)) {
                throw new IllegalArgumentException("fraction_evaluate = " + c + " is invalid, allowed: [0, 1]");
            }
            this.fractionEvaluate = c;
            return this;
        }

        public Builder minFitClients(int n) {
            this.minFitClients = atLeast("min_fit_clients", n, 1);
            return this;
        }

        public Builder minEvaluateClients(int n) {
            this.minEvaluateClients = atLeast("min_evaluate_clients", n, 0);
            return this;
        }

        public Builder minAvailableClients(int n) {
            this.minAvailableClients = atLeast("min_available_clients", n, 1);
            return this;
        }

        /** Seeds client sampling. */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        public Builder initialParameters(Parameters p) {
            this.initialParameters = p;
            return this;
        }

        /** The config sent with fit in each round (Flower's {@code on_fit_config_fn}). */
        public Builder fitConfig(IntFunction<Scalars> f) {
            this.fitConfig = Objects.requireNonNull(f);
            return this;
        }

        public Builder evaluateConfig(IntFunction<Scalars> f) {
            this.evaluateConfig = Objects.requireNonNull(f);
            return this;
        }

        /** Server-side evaluation of the global parameters (Flower's {@code evaluate_fn}). */
        public Builder evaluateFunction(BiFunction<Integer, Parameters, Optional<Evaluation>> f) {
            this.evaluateFunction = f;
            return this;
        }

        public FedAvg build() {
            checkClientCounts();
            return new FedAvg(this);
        }

        /** The build-time check of every FedAvg-based strategy: {@code min_available_clients >= min_fit_clients}. */
        protected void checkClientCounts() {
            if (minAvailableClients < minFitClients) {
                throw new IllegalArgumentException("min_available_clients = " + minAvailableClients
                        + " is below min_fit_clients = " + minFitClients);
            }
        }

        static int atLeast(String key, int value, int min) {
            if (value < min) {
                throw new IllegalArgumentException(key + " = " + value + " is invalid, allowed: >= " + min);
            }
            return value;
        }
    }
    /**
     * {@link Builder}'s options with every setter returning the concrete builder {@code B}, so that a strategy's own
     * options and FedAvg's chain in any order: {@code FedProx.builder(0.01).fractionFit(0.1).minFitClients(10)}.
     */
    public abstract static class TypedBuilder<B extends TypedBuilder<B>> extends Builder {

        /** This builder as its concrete type. */
        protected abstract B self();

        @Override
        public B fractionFit(double c) {
            super.fractionFit(c);
            return self();
        }

        @Override
        public B fractionEvaluate(double c) {
            super.fractionEvaluate(c);
            return self();
        }

        @Override
        public B minFitClients(int n) {
            super.minFitClients(n);
            return self();
        }

        @Override
        public B minEvaluateClients(int n) {
            super.minEvaluateClients(n);
            return self();
        }

        @Override
        public B minAvailableClients(int n) {
            super.minAvailableClients(n);
            return self();
        }

        @Override
        public B seed(long s) {
            super.seed(s);
            return self();
        }

        @Override
        public B initialParameters(Parameters p) {
            super.initialParameters(p);
            return self();
        }

        @Override
        public B fitConfig(IntFunction<Scalars> f) {
            super.fitConfig(f);
            return self();
        }

        @Override
        public B evaluateConfig(IntFunction<Scalars> f) {
            super.evaluateConfig(f);
            return self();
        }

        @Override
        public B evaluateFunction(BiFunction<Integer, Parameters, Optional<Evaluation>> f) {
            super.evaluateFunction(f);
            return self();
        }
    }
}
