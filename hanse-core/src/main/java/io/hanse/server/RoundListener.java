package io.hanse.server;

/** Observes a run: progress bars, result files, logs. Called from the round loop's thread. */
public interface RoundListener {

    default void onStart(int numRounds) {
    }

    /**
     * A round finished; {@code global} is the global model after it (unchanged if the round was
     * discarded). Called before {@link #onRound}, so a state store can checkpoint the model first.
     */
    default void onRoundCompleted(RoundRecord record, io.hanse.core.Parameters global) {
    }

    default void onRound(RoundRecord record) {
    }

    /**
     * The per-client outcome of a round's fit phase, before aggregation: the updates that passed the server's checks
     * and the clients that failed, with the reason. A round whose fit phase a strategy runs itself (secure
     * aggregation) reports no individual updates, only failures. Called before {@link #onRoundCompleted}.
     */
    default void onClientResults(int round, java.util.List<io.hanse.strategy.ClientFit> fits,
                                 java.util.List<io.hanse.strategy.ClientFailure> failures) {
    }

    default void onFinish(History history) {
    }

    RoundListener NONE = new RoundListener() {
    };
}
