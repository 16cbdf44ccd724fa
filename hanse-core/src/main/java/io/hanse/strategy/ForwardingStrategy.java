package io.hanse.strategy;

import io.hanse.core.Parameters;
import io.hanse.server.ClientManager;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A strategy that passes every call to another one; decorators (compression, simulated attacks, stragglers and
 * dropouts) extend it and override only what they change.
 */
public abstract class ForwardingStrategy implements Strategy {

    protected final Strategy inner;

    protected ForwardingStrategy(Strategy inner) {
        this.inner = Objects.requireNonNull(inner, "inner");
    }

    /** The decorated strategy. */
    public Strategy inner() {
        return inner;
    }

    @Override
    public Optional<Parameters> initializeParameters(ClientManager clients) {
        return inner.initializeParameters(clients);
    }

    @Override
    public List<FitInstruction> configureFit(int round, Parameters parameters, ClientManager clients) {
        return inner.configureFit(round, parameters, clients);
    }

    @Override
    public AggregatedFit aggregateFit(int round, List<ClientFit> results, List<ClientFailure> failures) {
        return inner.aggregateFit(round, results, failures);
    }

    @Override
    public List<EvaluateInstruction> configureEvaluate(int round, Parameters parameters, ClientManager clients) {
        return inner.configureEvaluate(round, parameters, clients);
    }

    @Override
    public Optional<Evaluation> aggregateEvaluate(int round, List<ClientEvaluation> results, List<ClientFailure> failures) {
        return inner.aggregateEvaluate(round, results, failures);
    }

    @Override
    public Optional<Evaluation> evaluate(int round, Parameters parameters) {
        return inner.evaluate(round, parameters);
    }

    @Override
    public boolean isFinished() {
        return inner.isFinished();
    }

    @Override
    public Optional<FitWorkflow> fitWorkflow() {
        return inner.fitWorkflow();
    }

    @Override
    public Optional<Parameters> serverState() {
        return inner.serverState();
    }

    @Override
    public void restoreServerState(Parameters state) {
        inner.restoreServerState(state);
    }

    @Override
    public String toString() {
        return inner.toString();
    }
}
