package io.hanse.strategy;

import io.hanse.client.ModelClient;
import io.hanse.core.Parameters;
import io.hanse.core.Scalars;
import io.hanse.server.ClientManager;

import java.util.List;

/**
 * FedProx, Li et al. 2020, "Federated Optimization in Heterogeneous Networks" (MLSys), Algorithm 2:
 * FedAvg whose clients minimise the proximal local objective
 * {@code h_k(w) = F_k(w) + mu/2 * ||w - w^t||^2}, where {@code w^t} is the global model the round
 * started from, so that local models drift less from it on heterogeneous data.
 *
 * <p><b>Client side.</b> Every fit config carries {@value ModelClient#PROXIMAL_MU} (double);
 * {@link ModelClient} trains with the term, the TensorFlow engine adds {@code mu * (w - w^t)} to every
 * step's gradient. The proximal term is not counted in the reported {@code train_loss}.
 *
 * <p><b>Partial work.</b> FedProx tolerates stragglers: a client that did fewer local steps than
 * asked (it hit a {@code max_steps}, or its epochs were cut) delivers a gamma-inexact solution that is
 * aggregated as it is, weighted by its number of examples as in FedAvg, instead of being dropped as
 * the paper's FedAvg baseline drops stragglers. Only results that do not arrive (timeouts, errors)
 * are left out, as for every strategy.
 *
 * <p><b>Aggregation.</b> As {@link FedAvg}: {@code w^{t+1} = sum_k n_k w_k / n} over the results. The
 * paper averages uniformly over clients sampled with probability proportional to {@code n_k}; Hanse,
 * like Flower, samples uniformly and weights by {@code n_k}, which has the same expectation.
 *
 * <p>Defaults: FedAvg's; {@code proximal_mu} has none (as in Flower's {@code FedProx(proximal_mu)}).
 * {@code mu = 0} is FedAvg. The paper tunes mu in {0.001, 0.01, 0.1, 0.5, 1}.
 */
public class FedProx extends FedAvg {

    protected final double proximalMu;

    protected FedProx(Builder b) {
        super(b);
        this.proximalMu = b.proximalMu;
    }

    /** @param proximalMu mu of the proximal term, {@code >= 0} */
    public static Builder builder(double proximalMu) {
        return new Builder(proximalMu);
    }

    public double proximalMu() {
        return proximalMu;
    }

    @Override
    public List<FitInstruction> configureFit(int round, Parameters parameters, ClientManager clients) {
        return ClientAssisted.withConfig(super.configureFit(round, parameters, clients),
                Scalars.of(ModelClient.PROXIMAL_MU, proximalMu));
    }

    @Override
    public String toString() {
        return "FedProx(proximal_mu=" + proximalMu + ", fraction_fit=" + fractionFit + ", fraction_evaluate="
                + fractionEvaluate + ", min_fit_clients=" + minFitClients + ")";
    }

    /** Options of {@link FedProx}: FedAvg's and mu. */
    public static final class Builder extends ClientAssisted.Builder<Builder> {
        double proximalMu;

        Builder(double proximalMu) {
            proximalMu(proximalMu);
        }

        /** mu of the proximal term {@code mu/2 ||w - w^t||^2}, finite and {@code >= 0}. */
        public Builder proximalMu(double mu) {
            if (!(mu >= 0) || Double.isInfinite(mu)) {
                throw new IllegalArgumentException("proximal_mu = " + mu + " is invalid, allowed: >= 0 and finite");
            }
            this.proximalMu = mu;
            return this;
        }

        @Override
        public FedProx build() {
            checkClientCounts();
            return new FedProx(this);
        }
    }
}
