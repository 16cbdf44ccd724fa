package io.hanse.strategy;

import io.hanse.client.FitResult;
import io.hanse.client.ModelClient;
import io.hanse.core.Parameters;
import io.hanse.core.Scalars;
import io.hanse.model.OptimizerSpec;
import io.hanse.server.ClientManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * FedNova, Wang et al. 2020, "Tackling the Objective Inconsistency Problem in Heterogeneous Federated
 * Optimization" (NeurIPS): normalized averaging, so that clients that take more local steps do not pull
 * the global model towards their own objective.
 *
 * <p>Client i starts from x and takes tau_i local steps to y_i. Its update is
 * {@code x - y_i = eta * G_i a_i}, where G_i stacks its tau_i gradients and the vector a_i says how much
 * each gradient moved the model; {@code ||a_i||_1} is the client's <i>normalizer</i>:
 * <ul>
 *   <li>vanilla SGD: {@code ||a_i||_1 = tau_i};</li>
 *   <li>heavy-ball momentum rho: {@code ||a_i||_1 = (tau_i - rho (1 - rho^tau_i) / (1 - rho)) / (1 - rho)};</li>
 *   <li>Nesterov momentum rho (as TensorFlow and PyTorch implement it): {@code tau_i + rho * } the heavy-ball value;</li>
 *   <li>SGD with FedProx's proximal term mu: {@code (1 - (1 - eta mu)^tau_i) / (eta mu)};</li>
 *   <li>momentum with a proximal term: the sum of the coefficients, computed by running the linear
 *       recursion (see {@link #localNormalizer}).</li>
 * </ul>
 * The server, with {@code p_i = n_i / n} over the results:
 * <pre>
 *   d_i     = (x - y_i) / ||a_i||_1
 *   tau_eff = sum_i p_i tau_i
 *   x+      = x - tau_eff * sum_i p_i d_i
 * </pre>
 * With equal tau_i and SGD this is FedAvg. {@link EffectiveSteps#NORMALIZERS} uses
 * {@code tau_eff = sum_i p_i ||a_i||_1} instead, as the authors' code does for momentum without a
 * proximal term (with equal tau_i it then reduces to FedAvg under momentum too).
 *
 * <p><b>Client side.</b> The fit config carries {@value ModelClient#REPORT_NORMALIZER} = true;
 * {@link ModelClient} reports {@value ModelClient#STEPS} (tau_i, long) and
 * {@value ModelClient#LOCAL_NORMALIZER} ({@code ||a_i||_1}, double) computed from its optimizer,
 * learning rate and proximal mu. For adaptive optimizers (Adam, RMSprop, Adagrad) the normalizer is
 * not defined and not reported; the server then uses tau_i, as for SGD. A result without
 * {@code steps}, or with no step taken, is left out (counted in the round metric {@code fednova_rejected}).
 *
 * <p>Not implemented: the server momentum ("gmf") of the authors' code. Defaults: FedAvg's.
 */
public class FedNova extends FedAvg {

    private static final Logger log = LoggerFactory.getLogger(FedNova.class);

    /** Round metric: the effective number of steps tau_eff. */
    public static final String METRIC_TAU_EFF = "tau_eff";
    /** Round metric: results left out (no step count, or no step taken). */
    public static final String METRIC_REJECTED = "fednova_rejected";

    /** How tau_eff is computed. */
    public enum EffectiveSteps {
        /** {@code tau_eff = sum_i p_i tau_i} (default). */
        STEPS,
        /** {@code tau_eff = sum_i p_i ||a_i||_1}. */
        NORMALIZERS
    }

    protected final EffectiveSteps effectiveSteps;
    private Parameters roundStart;

    protected FedNova(Builder b) {
        super(b);
        this.effectiveSteps = b.effectiveSteps;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public List<FitInstruction> configureFit(int round, Parameters parameters, ClientManager clients) {
        roundStart = parameters;
        return ClientAssisted.withConfig(super.configureFit(round, parameters, clients),
                Scalars.of(ModelClient.REPORT_NORMALIZER, true));
    }

    @Override
    public AggregatedFit aggregateFit(int round, List<ClientFit> results, List<ClientFailure> failures) {
        if (results.isEmpty()) {
            return AggregatedFit.none(Scalars.EMPTY);
        }
        if (roundStart == null) {
            throw new IllegalStateException("aggregateFit before configureFit: the round's global parameters are unknown");
        }
        List<ClientFit> used = new ArrayList<>();
        List<double[]> stepsAndNormalizers = new ArrayList<>();
        int rejected = 0;
        for (ClientFit r : results) {
            FitResult f = r.result();
            double tau = ClientAssisted.number(f.metrics(), ModelClient.STEPS);
            double a = ClientAssisted.number(f.metrics(), ModelClient.LOCAL_NORMALIZER);
            if (Double.isNaN(a)) {
                a = tau;
            }
            if (!(tau > 0) || !(a > 0) || Double.isInfinite(tau) || Double.isInfinite(a)) {
                log.warn("round {}: client {} left out of the FedNova update: steps = {}, local_normalizer = {}",
                        round, r.clientId(), tau, a);
                rejected++;
                continue;
            }
            used.add(r);
            stepsAndNormalizers.add(new double[]{tau, a});
        }
        if (used.isEmpty()) {
            return AggregatedFit.none(Scalars.of(METRIC_REJECTED, rejected));
        }
        double total = 0;
        for (ClientFit r : used) {
            total += r.result().numExamples();
        }
        if (total <= 0) {
            throw new IllegalArgumentException("all weights are zero: every client reported 0 examples");
        }
        double tauEff = 0;
        for (int k = 0; k < used.size(); k++) {
            double p = used.get(k).result().numExamples() / total;
            double[] ta = stepsAndNormalizers.get(k);
            tauEff += p * (effectiveSteps == EffectiveSteps.STEPS ? ta[0] : ta[1]);
        }
        // x - tau_eff sum p_i (x - y_i)/a_i  =  x + sum (tau_eff p_i / a_i) (y_i - x)
        List<Parameters> models = new ArrayList<>(used.size());
        double[] coefficients = new double[used.size()];
        for (int k = 0; k < used.size(); k++) {
            FitResult f = used.get(k).result();
            models.add(f.parameters());
            coefficients[k] = tauEff * (f.numExamples() / total) / stepsAndNormalizers.get(k)[1];
        }
        Parameters next = ClientAssisted.moveTowards(roundStart, models, coefficients);
        Scalars metrics = fitMetrics(used).toBuilder().put(METRIC_TAU_EFF, tauEff).put(METRIC_REJECTED, rejected).build();
        return AggregatedFit.of(next, metrics);
    }

    /**
     * FedNova's {@code ||a_i||_1} for a client that took {@code steps} steps of {@code optimizer} at
     * {@code learningRate} with proximal term {@code proximalMu} (0: none); NaN where it is not defined
     * (Adam, RMSprop, Adagrad). Weight decay counts as part of the gradient, as in the authors' code.
     */
    public static double localNormalizer(OptimizerSpec optimizer, double learningRate, double proximalMu, int steps) {
        if (steps <= 0) {
            return 0;
        }
        boolean momentum = optimizer.kind() == OptimizerSpec.Kind.MOMENTUM && optimizer.momentum() > 0;
        if (optimizer.kind() != OptimizerSpec.Kind.SGD && optimizer.kind() != OptimizerSpec.Kind.MOMENTUM) {
            return Double.NaN;
        }
        if (proximalMu == 0) {
            if (!momentum) {
                return steps;
            }
            double rho = optimizer.momentum();
            double heavyBall = momentumNormalizer(steps, rho);
            return optimizer.nesterov() ? steps + rho * heavyBall : heavyBall;
        }
        if (!momentum) {
            return proximalNormalizer(steps, learningRate * proximalMu);
        }
        return simulatedNormalizer(steps, learningRate, proximalMu, optimizer.momentum(), optimizer.nesterov());
    }

    /** Heavy-ball momentum: {@code (tau - rho (1 - rho^tau) / (1 - rho)) / (1 - rho)}; tau for rho = 0. */
    public static double momentumNormalizer(int tau, double rho) {
        if (rho == 0) {
            return tau;
        }
        return (tau - rho * (1 - Math.pow(rho, tau)) / (1 - rho)) / (1 - rho);
    }

    /** SGD with a proximal term, {@code etaMu = eta * mu}: {@code (1 - (1 - etaMu)^tau) / etaMu}; tau for etaMu = 0. */
    public static double proximalNormalizer(int tau, double etaMu) {
        if (etaMu == 0) {
            return tau;
        }
        return (1 - Math.pow(1 - etaMu, tau)) / etaMu;
    }

    /**
     * The sum of the coefficients of a linear local solver, run on a scalar whose every gradient is 1:
     * {@code g_t = 1 + mu e_t}, {@code m_t = rho m_{t-1} + g_t}, {@code e_{t+1} = e_t - eta (nesterov ? g_t + rho m_t : m_t)},
     * from {@code e_0 = 0}; the update is linear in the gradients, so {@code -e_tau / eta = ||a||_1}.
     */
    static double simulatedNormalizer(int tau, double eta, double mu, double rho, boolean nesterov) {
        double e = 0;
        double m = 0;
        for (int t = 0; t < tau; t++) {
            double g = 1 + mu * e;
            m = rho * m + g;
            e -= eta * (nesterov ? g + rho * m : m);
        }
        return -e / eta;
    }

    @Override
    public String toString() {
        return "FedNova(effective_steps=" + effectiveSteps + ", fraction_fit=" + fractionFit + ", fraction_evaluate="
                + fractionEvaluate + ", min_fit_clients=" + minFitClients + ")";
    }

    /** Options of {@link FedNova}: FedAvg's and how tau_eff is computed. */
    public static final class Builder extends ClientAssisted.Builder<Builder> {
        EffectiveSteps effectiveSteps = EffectiveSteps.STEPS;

        Builder() {
        }

        public Builder effectiveSteps(EffectiveSteps e) {
            this.effectiveSteps = java.util.Objects.requireNonNull(e);
            return this;
        }

        @Override
        public FedNova build() {
            checkClientCounts();
            return new FedNova(this);
        }
    }
}
