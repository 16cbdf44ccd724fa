package io.hanse.compression;

import io.hanse.core.Parameters;
import io.hanse.server.ClientManager;
import io.hanse.strategy.AggregatedFit;
import io.hanse.strategy.ClientEvaluation;
import io.hanse.strategy.ClientFailure;
import io.hanse.strategy.ClientFit;
import io.hanse.strategy.EvaluateInstruction;
import io.hanse.strategy.Evaluation;
import io.hanse.strategy.FitInstruction;
import io.hanse.strategy.FitWorkflow;
import io.hanse.strategy.Strategy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Any strategy with communication compression: adds the {@link Compression} keys to every fit config (and the
 * down key to every evaluate config); everything else is the inner strategy's. The strategy itself is unchanged:
 * the transport rebuilds each compressed update into ordinary parameters ({@code global + decoded update}) before
 * the strategy sees it, so averaging, server-side optimisers, robust aggregators and server-side clipping work on
 * reconstructed parameters.
 *
 * <p>Refuses a strategy that runs its fit phase itself ({@link Strategy#fitWorkflow()}, e.g. secure aggregation):
 * such a protocol carries its own encoding of the updates, which compression would change the meaning of.
 */
public final class CompressedStrategy implements Strategy {

    private final Strategy inner;
    private final Compression compression;

    public CompressedStrategy(Strategy inner, Compression compression) {
        this.inner = inner;
        this.compression = compression;
        if (compression.enabled() && inner.fitWorkflow().isPresent()) {
            throw new IllegalArgumentException("communication compression cannot be combined with a strategy that runs its own "
                    + "fit protocol (secure aggregation): the protocol encodes the updates itself");
        }
    }

    /** {@code strategy} with {@code compression}, or {@code strategy} itself when nothing is compressed. */
    public static Strategy wrap(Strategy strategy, Compression compression) {
        return compression.enabled() ? new CompressedStrategy(strategy, compression) : strategy;
    }

    public Compression compression() {
        return compression;
    }

    @Override
    public Optional<Parameters> initializeParameters(ClientManager clients) {
        return inner.initializeParameters(clients);
    }

    @Override
    public List<FitInstruction> configureFit(int round, Parameters parameters, ClientManager clients) {
        List<FitInstruction> out = new ArrayList<>();
        for (FitInstruction i : inner.configureFit(round, parameters, clients)) {
            out.add(new FitInstruction(i.client(), i.parameters(), compression.addTo(i.config())));
        }
        return out;
    }

    @Override
    public AggregatedFit aggregateFit(int round, List<ClientFit> results, List<ClientFailure> failures) {
        return inner.aggregateFit(round, results, failures);
    }

    @Override
    public List<EvaluateInstruction> configureEvaluate(int round, Parameters parameters, ClientManager clients) {
        if (compression.down() == CompressionMethod.NONE) {
            return inner.configureEvaluate(round, parameters, clients);
        }
        Compression downOnly = new Compression(CompressionMethod.NONE, compression.down(), compression.topkFraction(),
                compression.errorFeedback(), compression.int8Chunk());
        List<EvaluateInstruction> out = new ArrayList<>();
        for (EvaluateInstruction i : inner.configureEvaluate(round, parameters, clients)) {
            out.add(new EvaluateInstruction(i.client(), i.parameters(), downOnly.addTo(i.config())));
        }
        return out;
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
}
