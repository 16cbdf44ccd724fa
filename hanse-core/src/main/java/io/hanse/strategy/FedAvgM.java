package io.hanse.strategy;

import io.hanse.core.Parameters;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * Federated Averaging with server momentum (FedAvgM), Hsu, Qi and Brown 2019, "Measuring the Effects of
 * Non-Identical Data Distribution for Federated Visual Classification" (arXiv:1909.06335):
 * with {@code x} the global model of the round and {@code a} the aggregate of the client models
 * (FedAvg's example-weighted mean by default, or any {@link UpdateAggregator}), the pseudo-gradient is
 * {@code Δ = x - a} and
 * <pre>
 *   v &larr; β v + Δ        (v = 0 before the first round, so v = Δ in round 1)
 *   x &larr; x - η v
 * </pre>
 * with server learning rate η and server momentum β: heavy-ball momentum without dampening, PyTorch's
 * SGD convention, as the paper and Flower's {@code FedAvgM}.
 *
 * <p>Defaults are Flower's: {@code server_learning_rate} η = 1.0 and {@code server_momentum} β = 0.0, with
 * which FedAvgM is FedAvg (the aggregate is returned as is, as Flower does); the paper's experiments use
 * β = 0.9 (effective learning rate {@code η / (1 - β)}), so set {@code serverMomentum(0.9)} to get server
 * momentum. Flower's defaults were chosen so that a FedAvgM configured like a Flower one behaves the same.
 * The FedAvg options and their defaults are {@link FedAvg}'s; {@code norm_bound}, see
 * {@link AggregatorStrategy}.
 *
 * <p>The velocity v lives in memory, one float per parameter: a restarted server starts it from 0. Rounds
 * the server discards (failures, {@code ServerConfig.minCompletionRate}) leave it unchanged. The step runs in
 * double per coordinate, in parallel over blocks.
 */
public class FedAvgM extends AggregatorStrategy {

    private static final int BLOCK = 1 << 14;

    private final double serverLearningRate;
    private final double serverMomentum;
    private float[] velocity;

    protected FedAvgM(Builder b) {
        super(b, b.aggregator);
        this.serverLearningRate = b.serverLearningRate;
        this.serverMomentum = b.serverMomentum;
    }

    public static Builder builder() {
        return new Builder();
    }

    public double serverLearningRate() {
        return serverLearningRate;
    }

    public double serverMomentum() {
        return serverMomentum;
    }

    private boolean serverOpt() {
        return serverMomentum != 0.0 || serverLearningRate != 1.0;
    }

    @Override
    protected boolean needsGlobal() {
        return serverOpt() || super.needsGlobal();
    }

    /** The server momentum's velocity, once a round with momentum has set it. */
    @Override
    public Optional<Parameters> serverState() {
        if (velocity == null) {
            return Optional.empty();
        }
        return Optional.of(Parameters.wrap(new io.hanse.core.ParameterLayout(List.of(io.hanse.core.TensorSpec.of("fedavgm/velocity",
                velocity.length))), velocity.clone()));
    }

    @Override
    public void restoreServerState(Parameters state) {
        if (state.layout().numTensors() != 1 || !state.layout().tensor(0).name().equals("fedavgm/velocity")) {
            throw new IllegalArgumentException("FedAvgM state must be the tensor fedavgm/velocity, got " + state.layout());
        }
        velocity = state.flat().clone();
    }

    @Override
    protected Parameters step(int round, Parameters x, Parameters a) {
        if (!serverOpt()) {
            return a;
        }
        float[] xs = x.flat();
        float[] as = a.flat();
        int size = xs.length;
        if (serverMomentum > 0 && velocity == null) {
            velocity = new float[size];
        }
        float[] v = velocity;
        double lr = serverLearningRate;
        double beta = serverMomentum;
        float[] out = new float[size];
        int blocks = (size + BLOCK - 1) / BLOCK;
        IntStream.range(0, blocks).parallel().forEach(b -> {
            int from = b * BLOCK;
            int to = Math.min(size, from + BLOCK);
            if (beta > 0) {
                for (int i = from; i < to; i++) {
                    double vi = beta * v[i] + ((double) xs[i] - as[i]);
                    v[i] = (float) vi;
                    out[i] = (float) (xs[i] - lr * vi);
                }
            } else {
                for (int i = from; i < to; i++) {
                    out[i] = (float) (xs[i] - lr * ((double) xs[i] - as[i]));
                }
            }
        });
        return Parameters.wrap(x.layout(), out);
    }

    @Override
    public String toString() {
        return "FedAvgM(server_learning_rate=" + serverLearningRate + ", server_momentum=" + serverMomentum
                + ", fraction_fit=" + fractionFit + ", min_fit_clients=" + minFitClients + ", aggregator=" + aggregator + ")";
    }

    /** Options of {@link FedAvgM}; every setter checks its value. */
    public static final class Builder extends BaseBuilder<Builder> {
        double serverLearningRate = 1.0;
        double serverMomentum = 0.0;
        UpdateAggregator aggregator = WeightedMean.byExamples();

        /** η, the server learning rate: finite, {@code > 0}; default 1.0 (Flower). */
        public Builder serverLearningRate(double eta) {
            this.serverLearningRate = positive("server_learning_rate", eta);
            return this;
        }

        /** β, the server momentum, in {@code [0, 1)}; default 0.0 (Flower; the paper uses 0.9). */
        public Builder serverMomentum(double beta) {
            this.serverMomentum = inUnitInterval("server_momentum", beta);
            return this;
        }

        /** The rule whose aggregate defines the pseudo-gradient; default {@link WeightedMean#byExamples()}. */
        public Builder aggregator(UpdateAggregator a) {
            this.aggregator = Objects.requireNonNull(a, "aggregator");
            return this;
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        public FedAvgM build() {
            checkClientCounts();
            return new FedAvgM(this);
        }
    }
}
