package io.hanse.strategy;

import io.hanse.core.ParameterLayout;
import io.hanse.core.Parameters;
import io.hanse.core.TensorSpec;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * The FedOpt family, Reddi et al. 2021, "Adaptive Federated Optimization" (ICLR), Algorithm 2: a server
 * optimizer applied to the pseudo-gradient. With {@code x} the global model of the round and {@code a}
 * the aggregate of the client models (by default the example-weighted mean, as Flower; the paper's
 * Algorithm 2 writes the plain mean, {@link WeightedMean#uniform()}; any {@link UpdateAggregator} works):
 * <pre>
 *   Δ = a - x
 *   m &larr; β1 m + (1 - β1) Δ                  (m = 0 before the first round)
 *   v &larr; the subclass's second moment of Δ    (v = τ² before the first round)
 *   x &larr; x + η m / (sqrt(v) + τ)
 * </pre>
 * elementwise, with {@link FedAdagrad}, {@link FedAdam} or {@link FedYogi} defining v. The step runs in
 * double per coordinate, in parallel over blocks; m and v are kept as floats, one each per parameter, in
 * memory (a restarted server starts them afresh). Rounds the server discards (failures,
 * {@code ServerConfig.minCompletionRate}) leave them unchanged.
 *
 * <p>Options common to the family (defaults in each subclass, Flower's): {@code eta} η, the server learning
 * rate; {@code eta_l} η_l, the client learning rate, which like Flower's is only recorded (the clients'
 * optimizer is configured through the fit config, {@code fitConfig}); {@code tau} τ, the adaptivity;
 * {@code beta_1} β1; {@code initial_second_moment}, v before the first round: default τ², the paper's
 * {@code v_{-1} >= τ²} at its least (Flower starts from 0; set 0 to match it). The FedAvg options and their
 * defaults are {@link FedAvg}'s; {@code norm_bound}, see {@link AggregatorStrategy}. Unlike Flower's,
 * {@code initial_parameters} are optional: the global model of each round is the one {@code configureFit}
 * sent.
 */
public abstract class FedOpt extends AggregatorStrategy {

    private static final int BLOCK = 1 << 14;

    protected final double eta;
    protected final double etaL;
    protected final double tau;
    protected final double beta1;
    protected final double initialSecondMoment;
    private float[] m;
    private float[] v;

    protected FedOpt(BaseBuilder<?> b) {
        super(b, b.aggregator);
        this.eta = b.eta;
        this.etaL = b.etaL;
        this.tau = b.tau;
        this.beta1 = b.beta1;
        this.initialSecondMoment = Double.isNaN(b.initialSecondMoment) ? b.tau * b.tau : b.initialSecondMoment;
    }

    public double eta() {
        return eta;
    }

    public double etaL() {
        return etaL;
    }

    public double tau() {
        return tau;
    }

    public double beta1() {
        return beta1;
    }

    public double initialSecondMoment() {
        return initialSecondMoment;
    }

    /**
     * Updates the second moment {@code v[i]} with the pseudo-gradient {@code Δ_i = a[i] - x[i]} for
     * {@code i} in {@code [from, to)}; called for disjoint blocks in parallel.
     */
    protected abstract void updateSecondMoment(float[] v, float[] x, float[] a, int from, int to);

    @Override
    protected boolean needsGlobal() {
        return true;
    }

    /** The first and second moments {@code m} and {@code v}, once the first round has set them. */
    @Override
    public Optional<Parameters> serverState() {
        if (m == null) {
            return Optional.empty();
        }
        ParameterLayout layout = new ParameterLayout(List.of(TensorSpec.of("fedopt/m", m.length), TensorSpec.of("fedopt/v", v.length)));
        float[] both = new float[m.length + v.length];
        System.arraycopy(m, 0, both, 0, m.length);
        System.arraycopy(v, 0, both, m.length, v.length);
        return Optional.of(Parameters.wrap(layout, both));
    }

    @Override
    public void restoreServerState(Parameters state) {
        ParameterLayout l = state.layout();
        if (l.numTensors() != 2 || !l.tensor(0).name().equals("fedopt/m") || !l.tensor(1).name().equals("fedopt/v")
                || l.tensor(0).size() != l.tensor(1).size()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " state must be the tensors fedopt/m and fedopt/v of "
                    + "equal size, got " + l);
        }
        float[] f = state.flat();
        int n = l.tensor(0).size();
        m = Arrays.copyOfRange(f, 0, n);
        v = Arrays.copyOfRange(f, n, 2 * n);
    }

    @Override
    protected Parameters step(int round, Parameters x, Parameters a) {
        float[] xs = x.flat();
        float[] as = a.flat();
        int size = xs.length;
        if (m != null && m.length != size) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " state holds " + m.length
                    + " parameters, the model has " + size);
        }
        if (m == null) {
            m = new float[size];
            v = new float[size];
            Arrays.fill(v, (float) initialSecondMoment);
        }
        float[] ms = m;
        float[] vs = v;
        double b1 = beta1;
        double lr = eta;
        double t = tau;
        float[] out = new float[size];
        int blocks = (size + BLOCK - 1) / BLOCK;
        IntStream.range(0, blocks).parallel().forEach(b -> {
            int from = b * BLOCK;
            int to = Math.min(size, from + BLOCK);
            updateSecondMoment(vs, xs, as, from, to);
            for (int i = from; i < to; i++) {
                double mi = b1 * ms[i] + (1 - b1) * ((double) as[i] - xs[i]);
                ms[i] = (float) mi;
                out[i] = (float) (xs[i] + lr * mi / (Math.sqrt(vs[i]) + t));
            }
        });
        return Parameters.wrap(x.layout(), out);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(eta=" + eta + ", eta_l=" + etaL + ", beta_1=" + beta1 + options()
                + ", tau=" + tau + ", fraction_fit=" + fractionFit + ", min_fit_clients=" + minFitClients
                + ", aggregator=" + aggregator + ")";
    }

    /** Subclass options for {@link #toString()}, each as {@code ", key=value"}. */
    protected String options() {
        return "";
    }

    /** Options of the FedOpt family; every setter checks its value. */
    public abstract static class BaseBuilder<B extends BaseBuilder<B>> extends AggregatorStrategy.BaseBuilder<B> {
        double eta;
        double etaL;
        double tau;
        double beta1;
        double initialSecondMoment = Double.NaN;
        UpdateAggregator aggregator = WeightedMean.byExamples();

        protected BaseBuilder(double eta, double etaL, double tau, double beta1) {
            this.eta = eta;
            this.etaL = etaL;
            this.tau = tau;
            this.beta1 = beta1;
        }

        /** η, the server learning rate: finite, {@code > 0}. */
        public B eta(double value) {
            this.eta = positive("eta", value);
            return self();
        }

        /** η_l, the client learning rate, recorded only (as Flower): finite, {@code > 0}. */
        public B etaL(double value) {
            this.etaL = positive("eta_l", value);
            return self();
        }

        /** τ, the degree of adaptivity: finite, {@code > 0}. */
        public B tau(double value) {
            this.tau = positive("tau", value);
            return self();
        }

        /** β1, the first-moment decay, in {@code [0, 1)}. */
        public B beta1(double value) {
            this.beta1 = inUnitInterval("beta_1", value);
            return self();
        }

        /** v before the first round, finite and {@code >= 0}; default τ² (the paper), Flower uses 0. */
        public B initialSecondMoment(double value) {
            if (!(value >= 0) || Double.isInfinite(value)) {
                throw new IllegalArgumentException("initial_second_moment = " + value + " is invalid, allowed: finite and >= 0");
            }
            this.initialSecondMoment = value;
            return self();
        }

        /** The rule whose aggregate defines the pseudo-gradient; default {@link WeightedMean#byExamples()}. */
        public B aggregator(UpdateAggregator a) {
            this.aggregator = Objects.requireNonNull(a, "aggregator");
            return self();
        }

        @Override
        public abstract FedOpt build();
    }
}
