package io.hanse.strategy;

import io.hanse.core.Parameters;
import io.hanse.server.ClientManager;

import java.util.List;
import java.util.Optional;

/**
 * How a federation learns: which clients take part in a round, what they are told, and how their
 * results become the next global model. The contract of Flower's {@code Strategy}; the server's round
 * loop calls these methods in order each round, from one thread.
 *
 * <p>Results arrive already checked by the server: their parameters have the global model's layout
 * and only finite values; anything else was turned into a {@link ClientFailure}.
 */
public interface Strategy {

    /** The initial global parameters, or empty to ask one client for its parameters. */
    Optional<Parameters> initializeParameters(ClientManager clients);

    /** Clients to train in round {@code round} (1-based), and what to tell each. */
    List<FitInstruction> configureFit(int round, Parameters parameters, ClientManager clients);

    /** Combines the round's fit results into new global parameters (or keeps the current ones). */
    AggregatedFit aggregateFit(int round, List<ClientFit> results, List<ClientFailure> failures);

    /** Clients to evaluate the global model in round {@code round}; empty for none. */
    List<EvaluateInstruction> configureEvaluate(int round, Parameters parameters, ClientManager clients);

    /** Combines the clients' evaluations; empty if there is nothing to report. */
    Optional<Evaluation> aggregateEvaluate(int round, List<ClientEvaluation> results, List<ClientFailure> failures);

    /**
     * Server-side (centralized) evaluation of the global parameters; round 0 is the initial model.
     * Empty when the strategy has no evaluation function.
     */
    Optional<Evaluation> evaluate(int round, Parameters parameters);

    /**
     * Whether the run should stop after the current round, e.g. because a privacy budget is spent.
     * The server checks it after every round. Decorators must forward it.
     */
    default boolean isFinished() {
        return false;
    }

    /**
     * Non-empty when the strategy runs the fit phase of a round itself (secure aggregation: the server must
     * never see an individual update). The server then hands it the round's instructions instead of sending
     * fit to each client, applies its failure policy to the outcome, and does not call {@link #aggregateFit}.
     * Empty by default. Decorators must forward it (or refuse it, if they need individual results).
     */
    default Optional<FitWorkflow> fitWorkflow() {
        return Optional.empty();
    }

    /**
     * What the strategy itself carries from round to round (a server optimizer's moments, SCAFFOLD's control
     * variate), as named tensors, for the server's checkpoint after each round; empty when it carries nothing (yet).
     * A resumed run hands it back to {@link #restoreServerState}, so it computes what an uninterrupted run would.
     * Decorators must forward both.
     */
    default Optional<Parameters> serverState() {
        return Optional.empty();
    }

    /**
     * Restores what {@link #serverState} returned after the round before the one the run resumes at.
     *
     * @throws IllegalArgumentException if the state is not this strategy's (other names or sizes)
     */
    default void restoreServerState(Parameters state) {
        throw new IllegalArgumentException(getClass().getSimpleName() + " keeps no state between rounds, but a state with "
                + state.layout().numTensors() + " tensors was given");
    }
}
