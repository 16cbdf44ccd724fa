package io.hanse.strategy;

import io.hanse.client.FitResult;
import io.hanse.client.ModelClient;
import io.hanse.core.ParameterMismatchException;
import io.hanse.core.Parameters;
import io.hanse.core.ParametersCodec;
import io.hanse.core.Scalars;
import io.hanse.server.ClientManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * SCAFFOLD, Karimireddy et al. 2020, "SCAFFOLD: Stochastic Controlled Averaging for Federated
 * Learning" (ICML), Algorithm 1 with option II for the client control variates.
 *
 * <p>The server keeps a control variate {@code c}, each client {@code i} its own {@code c_i} (both
 * start at 0). In a round, each sampled client starts from the global model {@code x} and takes K local
 * steps {@code y <- y - eta_l (g_i(y) + c - c_i)}, then sets
 * {@code c_i+ = c_i - c + (x - y_i) / (K eta_l)} and returns {@code y_i} and {@code Delta c_i = c_i+ - c_i}.
 * The server, over the set S of results and N clients in all:
 * <pre>
 *   x+ = x + eta_g * (1/|S|) * sum_{i in S} (y_i - x)
 *   c+ = c + (|S|/N) * (1/|S|) * sum_{i in S} Delta c_i
 * </pre>
 * Both means are unweighted, as in the paper (FedAvg weights by examples). N is the number of clients
 * available when the round was configured, unless set with {@link Builder#numClients}.
 *
 * <p><b>Transport.</b> {@code c} travels to the clients in the fit config as {@value ModelClient#SCAFFOLD_C}
 * (bytes, {@link ParametersCodec}), {@code Delta c_i} back in the fit metrics as
 * {@value ModelClient#SCAFFOLD_DELTA_C} (bytes): every fit moves two model-sized tensors each way, twice
 * FedAvg's traffic, as the paper notes. The client reports {@value ModelClient#SCAFFOLD_STATE_FRESH}
 * (boolean) when it had no {@code c_i}; a client the server has aggregated before that reports a fresh
 * state has lost it (a restarted process, a simulation without per-client state): it is still
 * aggregated, logged, and counted in the round metric {@code scaffold_state_resets}.
 *
 * <p><b>Client side.</b> {@link ModelClient} applies the correction {@code c - c_i} to every step's
 * gradient and keeps {@code c_i} in its {@link io.hanse.client.ClientState}: in a simulation one per
 * client id ({@link io.hanse.client.ClientStates}), not in the pooled model; in a deployment one per
 * client process. K is the number of steps the client actually took and {@code eta_l} its learning rate
 * in this round. Option II assumes plain SGD; with momentum or adaptive optimizers the correction is
 * still applied but {@code c_i+} is only a heuristic.
 *
 * <p>A result without a valid {@code Delta c_i} (missing, another layout, NaN) is left out of both
 * updates and counted in {@code scaffold_rejected}. A client that trained but whose result was lost
 * has already updated its {@code c_i}, so {@code c} no longer is exactly the mean of the {@code c_i};
 * as in the paper's analysis, this is tolerated.
 *
 * <p>The server's {@code c} is state: a server restarted from a checkpoint should restore it with
 * {@link Builder#initialControlVariate} ({@link #controlVariate()} gives it after each round).
 *
 * <p>Defaults: FedAvg's, server learning rate {@code eta_g = 1.0}.
 */
public class Scaffold extends FedAvg {

    private static final Logger log = LoggerFactory.getLogger(Scaffold.class);

    /** Round metric: results left out because their Delta c_i was missing or invalid. */
    public static final String METRIC_REJECTED = "scaffold_rejected";
    /** Round metric: clients aggregated before that reported a fresh (lost) control variate. */
    public static final String METRIC_STATE_RESETS = "scaffold_state_resets";
    /** Round metric: the L2 norm of the server control variate after the round. */
    public static final String METRIC_C_NORM = "scaffold_c_norm";

    protected final double serverLearningRate;
    protected final int numClients;

    private Parameters controlVariate;
    private Parameters roundStart;
    private int roundClients;
    private final Set<String> aggregatedClients = new HashSet<>();

    protected Scaffold(Builder b) {
        super(b);
        this.serverLearningRate = b.serverLearningRate;
        this.numClients = b.numClients;
        this.controlVariate = b.initialControlVariate;
    }

    public static Builder builder() {
        return new Builder();
    }

    public double serverLearningRate() {
        return serverLearningRate;
    }

    /** The server control variate c after the last aggregated round; null before the first round. */
    public Parameters controlVariate() {
        return controlVariate;
    }

    /** The server control variate c, once the first round has set it (it has the model's layout). */
    @Override
    public java.util.Optional<Parameters> serverState() {
        return java.util.Optional.ofNullable(controlVariate);
    }

    @Override
    public void restoreServerState(Parameters state) {
        controlVariate = state; // configureFit checks it against the model's layout
    }

    @Override
    public List<FitInstruction> configureFit(int round, Parameters parameters, ClientManager clients) {
        if (controlVariate == null) {
            controlVariate = Parameters.zeros(parameters.layout());
        } else {
            parameters.layout().requireSameAs(controlVariate.layout());
        }
        roundStart = parameters;
        roundClients = numClients > 0 ? numClients : clients.numAvailable();
        List<FitInstruction> instructions = super.configureFit(round, parameters, clients);
        if (instructions.isEmpty()) {
            return instructions;
        }
        return ClientAssisted.withConfig(instructions, Scalars.of(ModelClient.SCAFFOLD_C, ParametersCodec.encode(controlVariate)));
    }

    @Override
    public AggregatedFit aggregateFit(int round, List<ClientFit> results, List<ClientFailure> failures) {
        if (results.isEmpty()) {
            return AggregatedFit.none(Scalars.EMPTY);
        }
        if (roundStart == null) {
            throw new IllegalStateException("aggregateFit before configureFit: the round's global parameters are unknown");
        }
        List<ClientFit> accepted = new ArrayList<>(results.size());
        List<Parameters> models = new ArrayList<>(results.size());
        List<Parameters> deltas = new ArrayList<>(results.size());
        int rejected = 0;
        int resets = 0;
        for (ClientFit r : results) {
            Parameters delta;
            try {
                delta = deltaC(r.result());
            } catch (IllegalArgumentException e) {
                log.warn("round {}: client {} left out of the SCAFFOLD update: {}", round, r.clientId(), e.getMessage());
                rejected++;
                continue;
            }
            if (r.result().metrics().getBoolean(ModelClient.SCAFFOLD_STATE_FRESH, false) && aggregatedClients.contains(r.clientId())) {
                log.warn("round {}: client {} lost its SCAFFOLD control variate c_i since it last took part (restarted, "
                        + "or its state is not kept per client); it starts again from c_i = 0", round, r.clientId());
                resets++;
            }
            accepted.add(r);
            models.add(r.result().parameters());
            deltas.add(delta);
        }
        Scalars.Builder metrics = Scalars.builder();
        if (accepted.isEmpty()) {
            return AggregatedFit.none(metrics.put(METRIC_REJECTED, rejected).put(METRIC_STATE_RESETS, resets).build());
        }
        int s = accepted.size();
        int n = Math.max(roundClients, s);
        double[] modelCoefficients = new double[s];
        double[] controlCoefficients = new double[s];
        java.util.Arrays.fill(modelCoefficients, serverLearningRate / s);
        java.util.Arrays.fill(controlCoefficients, 1.0 / n);
        Parameters next = ClientAssisted.moveTowards(roundStart, models, modelCoefficients);
        controlVariate = ClientAssisted.addScaled(controlVariate, deltas, controlCoefficients);
        for (ClientFit r : accepted) {
            aggregatedClients.add(r.clientId());
        }
        metrics.putAll(fitMetrics(accepted))
                .put(METRIC_REJECTED, rejected)
                .put(METRIC_STATE_RESETS, resets)
                .put(METRIC_C_NORM, controlVariate.l2Norm());
        return AggregatedFit.of(next, metrics.build());
    }

    /** The client's Delta c_i, checked. */
    private Parameters deltaC(FitResult result) {
        Object v = result.metrics().get(ModelClient.SCAFFOLD_DELTA_C);
        if (v == null) {
            throw new IllegalArgumentException("no '" + ModelClient.SCAFFOLD_DELTA_C + "' in its fit metrics (not a SCAFFOLD client?)");
        }
        if (!(v instanceof byte[] bytes)) {
            throw new IllegalArgumentException("'" + ModelClient.SCAFFOLD_DELTA_C + "' is not bytes");
        }
        Parameters delta;
        try {
            delta = ParametersCodec.decode(bytes);
            roundStart.layout().requireSameAs(delta.layout());
        } catch (ParameterMismatchException e) {
            throw new IllegalArgumentException("its control variate update does not match the model: " + e.getMessage(), e);
        }
        int bad = delta.firstNonFiniteTensor();
        if (bad >= 0) {
            throw new IllegalArgumentException("its control variate update holds NaN or infinite values in tensor '"
                    + delta.layout().tensor(bad).name() + "'");
        }
        return delta;
    }

    @Override
    public String toString() {
        return "Scaffold(server_learning_rate=" + serverLearningRate + ", fraction_fit=" + fractionFit
                + ", fraction_evaluate=" + fractionEvaluate + ", min_fit_clients=" + minFitClients + ")";
    }

    /** Options of {@link Scaffold}: FedAvg's, the server learning rate and N. */
    public static final class Builder extends ClientAssisted.Builder<Builder> {
        double serverLearningRate = 1.0;
        int numClients;
        Parameters initialControlVariate;

        Builder() {
        }

        /** eta_g, {@code > 0}; 1.0 by default (the paper's experiments use 1). */
        public Builder serverLearningRate(double rate) {
            if (!(rate > 0) || Double.isInfinite(rate)) {
                throw new IllegalArgumentException("server_learning_rate = " + rate + " is invalid, allowed: > 0 and finite");
            }
            this.serverLearningRate = rate;
            return this;
        }

        /** N, the number of clients in the federation; 0 (default): those available when each round is configured. */
        public Builder numClients(int n) {
            this.numClients = atLeast("num_clients", n, 0);
            return this;
        }

        /** The server control variate to start from, e.g. restored after a restart; null (default): zeros. */
        public Builder initialControlVariate(Parameters c) {
            this.initialControlVariate = c;
            return this;
        }

        @Override
        public Scaffold build() {
            checkClientCounts();
            return new Scaffold(this);
        }
    }
}
