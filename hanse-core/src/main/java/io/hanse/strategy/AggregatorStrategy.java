package io.hanse.strategy;

import io.hanse.client.FitResult;
import io.hanse.core.Parameters;
import io.hanse.core.Scalars;
import io.hanse.server.ClientManager;
import io.hanse.strategy.robust.NormBounded;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * FedAvg (McMahan et al. 2017) with a pluggable aggregation rule: client sampling, configs, evaluation and
 * metrics exactly as {@link FedAvg} (same defaults: {@code fraction_fit} 1.0, {@code fraction_evaluate}
 * 1.0, {@code min_fit_clients} 2, {@code min_evaluate_clients} 2, {@code min_available_clients} 2, seed 0),
 * but the new global model is {@code step(global, rule(models, examples, global))}, where the rule is an
 * {@link UpdateAggregator} given to {@link #builder(UpdateAggregator)} (with {@link WeightedMean#byExamples()},
 * FedAvg's own rule, this strategy is FedAvg) and {@code step} is the identity here and a server optimizer
 * in {@link FedAvgM} and {@link FedOpt}, whose rule defaults to {@link WeightedMean#byExamples()}. The
 * robust strategies ({@link FedMedian}, {@link FedTrimmedAvg}, {@link Krum}, {@link Bulyan}) fix the rule.
 * For example, the coordinate-wise median of norm-bounded updates:
 * <pre>{@code
 * AggregatorStrategy.builder(UpdateAggregator.median()).normBound(5.0).fractionFit(0.1).build();
 * }</pre>
 *
 * <p>{@code norm_bound} (no default: off) wraps the rule in {@link NormBounded}: each client's update is
 * clipped to that L2 norm first (Sun et al. 2019). The global model a round's clients started from is the
 * one {@link #configureFit} sent, which the server calls before {@link #aggregateFit}; before the first
 * call it is the initial parameters, and after an aggregation the aggregate. The server refuses non-finite
 * and mis-shaped results before they reach the strategy, and discards rounds below
 * {@code ServerConfig.minCompletionRate} before aggregation; both apply to every strategy here.
 */
public class AggregatorStrategy extends FedAvg {

    protected final UpdateAggregator aggregator;
    /** The global model of the current round; null until known. */
    protected Parameters global;

    protected AggregatorStrategy(BaseBuilder<?> b, UpdateAggregator rule) {
        super(b);
        Objects.requireNonNull(rule, "aggregator");
        this.aggregator = Double.isNaN(b.normBound) ? rule : NormBounded.of(b.normBound, rule);
        this.global = b.initialParameters;
    }

    /**
     * A builder of FedAvg over {@code rule}, e.g. {@code AggregatorStrategy.builder(UpdateAggregator.median())}.
     * (The no-argument {@code builder()} is {@link FedAvg}'s: FedAvg is this strategy with its default rule.)
     */
    public static Builder builder(UpdateAggregator rule) {
        return new Builder().aggregator(rule);
    }

    /** The rule combining the client models, including the norm bound if one was set. */
    public UpdateAggregator aggregator() {
        return aggregator;
    }

    @Override
    public List<FitInstruction> configureFit(int round, Parameters parameters, ClientManager clients) {
        this.global = parameters;
        return super.configureFit(round, parameters, clients);
    }

    @Override
    public AggregatedFit aggregateFit(int round, List<ClientFit> results, List<ClientFailure> failures) {
        if (results.isEmpty()) {
            return AggregatedFit.none(Scalars.EMPTY);
        }
        if (global == null && needsGlobal()) {
            throw new IllegalStateException(getClass().getSimpleName() + " needs the global model of the round:"
                    + " set initialParameters or let the server call configureFit first");
        }
        List<Parameters> models = new ArrayList<>(results.size());
        double[] weights = new double[results.size()];
        for (int k = 0; k < results.size(); k++) {
            FitResult r = results.get(k).result();
            models.add(r.parameters());
            weights[k] = r.numExamples();
        }
        Parameters combined = aggregator.aggregate(models, weights, global);
        Parameters next = step(round, global, combined);
        this.global = next;
        return AggregatedFit.of(next, fitMetrics(results));
    }

    /** Whether {@link #step} or the rule needs the round's global model. */
    protected boolean needsGlobal() {
        return aggregator instanceof NormBounded;
    }

    /**
     * The new global model from the round's global model and the rule's aggregate; the identity here.
     * Server optimizers override it with their step on the pseudo-gradient {@code aggregate - global}.
     */
    protected Parameters step(int round, Parameters global, Parameters aggregate) {
        return aggregate;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(fraction_fit=" + fractionFit + ", fraction_evaluate=" + fractionEvaluate
                + ", min_fit_clients=" + minFitClients + ", aggregator=" + aggregator + ")";
    }

    /** Options of {@link AggregatorStrategy}: FedAvg's, plus the rule. */
    public static final class Builder extends BaseBuilder<Builder> {
        private UpdateAggregator aggregator = WeightedMean.byExamples();

        private Builder() {
        }

        /** The aggregation rule. */
        public Builder aggregator(UpdateAggregator a) {
            this.aggregator = Objects.requireNonNull(a, "aggregator");
            return this;
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        public AggregatorStrategy build() {
            checkClientCounts();
            return new AggregatorStrategy(this, aggregator);
        }
    }

    /**
     * FedAvg's options, returning the concrete builder type, plus {@code norm_bound}; the base of the builders
     * of every strategy built on {@link AggregatorStrategy}.
     */
    public abstract static class BaseBuilder<B extends BaseBuilder<B>> extends FedAvg.TypedBuilder<B> {
        double normBound = Double.NaN;

        /**
         * Clips each client's update {@code x_k - global} to L2 norm {@code bound} before the rule (Sun et al.
         * 2019); default: no bound. Finite and {@code > 0}.
         */
        public B normBound(double bound) {
            if (!(bound > 0) || Double.isInfinite(bound)) {
                throw new IllegalArgumentException("norm_bound = " + bound + " is invalid, allowed: finite and > 0");
            }
            this.normBound = bound;
            return self();
        }

        @Override
        public abstract AggregatorStrategy build();

        /** A {@code [0, 1)} value, e.g. a decay rate, or an exception naming {@code key}. */
        protected static double inUnitInterval(String key, double value) {
            if (!(value >= 0 && value < 1)) {
                throw new IllegalArgumentException(key + " = " + value + " is invalid, allowed: [0, 1)");
            }
            return value;
        }

        /** A finite value {@code > 0}, or an exception naming {@code key}. */
        protected static double positive(String key, double value) {
            if (!(value > 0) || Double.isInfinite(value)) {
                throw new IllegalArgumentException(key + " = " + value + " is invalid, allowed: finite and > 0");
            }
            return value;
        }

    }
}
