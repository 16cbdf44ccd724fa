package io.hanse.strategy;

import io.hanse.client.FitResult;
import io.hanse.client.ModelClient;
import io.hanse.core.Parameters;
import io.hanse.core.Scalars;
import io.hanse.server.ClientManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * q-FedAvg, Li et al. 2020, "Fair Resource Allocation in Federated Learning" (ICLR), Algorithm 3: it
 * minimises the q-FFL objective {@code f_q(w) = sum_k p_k F_k^{q+1}(w) / (q + 1)}, which weights
 * clients with a higher loss more and so spreads accuracy more evenly over them.
 *
 * <p>Each sampled client k reports {@code F_k(w)}, the loss of the global model w on its training
 * data before it trains, and trains locally to {@code w̄_k}. With L the Lipschitz-constant estimate:
 * <pre>
 *   Δw_k = L (w - w̄_k)
 *   Δ_k  = F_k^q Δw_k
 *   h_k  = q F_k^{q-1} ||Δw_k||^2 + L F_k^q
 *   w+   = w - sum_k Δ_k / sum_k h_k
 * </pre>
 * As Flower's {@code QFedAvg} and the authors' code, {@code L = 1 / qffl_learning_rate} (the authors set
 * it to the clients' learning rate; Flower and Hanse keep it a separate option) and
 * {@code F_k} is taken as {@code F_k + 1e-10}, so that a zero loss does not divide by zero. With q = 0
 * this is the unweighted mean of the client models.
 *
 * <p><b>Client side.</b> The fit config carries {@value ModelClient#REPORT_LOSS_BEFORE} = true;
 * {@link ModelClient} evaluates the received model on its training data before training and reports
 * {@value ModelClient#LOSS_BEFORE} (double), at the cost of one pass over its data. A result without a
 * finite, non-negative {@code loss_before} is left out (round metric {@code qffl_rejected}).
 *
 * <p><b>Deviation from Flower.</b> Flower's {@code QFedAvg} uses one loss for every client (the server's
 * centralized evaluation of w, else a constant 1.0), which makes {@code F_k^q} the same for all clients
 * and loses the fairness weighting; this class uses each client's own {@code F_k(w)}, as the paper and
 * the authors' code do.
 *
 * <p>Defaults, as Flower's {@code QFedAvg}: {@code q_param} 0.2, {@code qffl_learning_rate} 0.1 (L = 10),
 * {@code min_fit_clients}, {@code min_evaluate_clients} and {@code min_available_clients} 1; the rest as FedAvg.
 */
public class QFedAvg extends FedAvg {

    private static final Logger log = LoggerFactory.getLogger(QFedAvg.class);

    /** Round metric: results left out for lack of a usable loss_before. */
    public static final String METRIC_REJECTED = "qffl_rejected";
    /** Round metric: the mean of the clients' loss_before, the q-FFL picture of the global model. */
    public static final String METRIC_LOSS_BEFORE = "loss_before";

    /** Added to every loss before it is raised to a power, as in Flower and the authors' code. */
    static final double LOSS_EPSILON = 1e-10;

    protected final double qParam;
    protected final double qfflLearningRate;
    private Parameters roundStart;

    protected QFedAvg(Builder b) {
        super(b);
        this.qParam = b.qParam;
        this.qfflLearningRate = b.qfflLearningRate;
    }

    public static Builder builder() {
        return new Builder();
    }

    public double qParam() {
        return qParam;
    }

    public double qfflLearningRate() {
        return qfflLearningRate;
    }

    @Override
    public List<FitInstruction> configureFit(int round, Parameters parameters, ClientManager clients) {
        roundStart = parameters;
        return ClientAssisted.withConfig(super.configureFit(round, parameters, clients),
                Scalars.of(ModelClient.REPORT_LOSS_BEFORE, true));
    }

    @Override
    public AggregatedFit aggregateFit(int round, List<ClientFit> results, List<ClientFailure> failures) {
        if (results.isEmpty()) {
            return AggregatedFit.none(Scalars.EMPTY);
        }
        if (roundStart == null) {
            throw new IllegalStateException("aggregateFit before configureFit: the round's global parameters are unknown");
        }
        double lipschitz = 1.0 / qfflLearningRate;
        List<ClientFit> used = new ArrayList<>();
        List<Parameters> models = new ArrayList<>();
        List<Double> scales = new ArrayList<>(); // L F^q, the weight of (y_k - w) before dividing by sum h
        double hSum = 0;
        double lossSum = 0;
        int rejected = 0;
        for (ClientFit r : results) {
            FitResult f = r.result();
            double loss = ClientAssisted.number(f.metrics(), ModelClient.LOSS_BEFORE);
            if (!(loss >= 0) || Double.isInfinite(loss)) {
                log.warn("round {}: client {} left out of the q-FedAvg update: {} = {}", round, r.clientId(),
                        ModelClient.LOSS_BEFORE, f.metrics().get(ModelClient.LOSS_BEFORE));
                rejected++;
                continue;
            }
            double fk = loss + LOSS_EPSILON;
            double fq = Math.pow(fk, qParam);
            double normSquared = lipschitz * lipschitz * ClientAssisted.squaredDistance(roundStart, f.parameters());
            hSum += qParam * Math.pow(fk, qParam - 1) * normSquared + lipschitz * fq;
            used.add(r);
            models.add(f.parameters());
            scales.add(lipschitz * fq);
            lossSum += loss;
        }
        if (used.isEmpty()) {
            return AggregatedFit.none(Scalars.of(METRIC_REJECTED, rejected));
        }
        // w - sum F^q L (w - y_k) / H  =  w + sum (L F^q / H) (y_k - w)
        double[] coefficients = new double[used.size()];
        for (int k = 0; k < coefficients.length; k++) {
            coefficients[k] = scales.get(k) / hSum;
        }
        Parameters next = ClientAssisted.moveTowards(roundStart, models, coefficients);
        Scalars metrics = fitMetrics(used).toBuilder()
                .put(METRIC_LOSS_BEFORE, lossSum / used.size())
                .put(METRIC_REJECTED, rejected)
                .build();
        return AggregatedFit.of(next, metrics);
    }

    @Override
    public String toString() {
        return "QFedAvg(q_param=" + qParam + ", qffl_learning_rate=" + qfflLearningRate + ", fraction_fit=" + fractionFit
                + ", fraction_evaluate=" + fractionEvaluate + ", min_fit_clients=" + minFitClients + ")";
    }

    /** Options of {@link QFedAvg}: FedAvg's (with Flower's QFedAvg minimums of 1), q and the learning rate. */
    public static final class Builder extends ClientAssisted.Builder<Builder> {
        double qParam = 0.2;
        double qfflLearningRate = 0.1;

        Builder() {
            minFitClients = 1;
            minEvaluateClients = 1;
            minAvailableClients = 1;
        }

        /** q, {@code >= 0}: 0 is the unweighted mean of the client models, larger q is fairer. */
        public Builder qParam(double q) {
            if (!(q >= 0) || Double.isInfinite(q)) {
                throw new IllegalArgumentException("q_param = " + q + " is invalid, allowed: >= 0 and finite");
            }
            this.qParam = q;
            return this;
        }

        /** 1/L, {@code > 0}. */
        public Builder qfflLearningRate(double rate) {
            if (!(rate > 0) || Double.isInfinite(rate)) {
                throw new IllegalArgumentException("qffl_learning_rate = " + rate + " is invalid, allowed: > 0 and finite");
            }
            this.qfflLearningRate = rate;
            return this;
        }

        @Override
        public QFedAvg build() {
            checkClientCounts();
            return new QFedAvg(this);
        }
    }
}
