package io.hanse.compression;

import io.hanse.core.Parameters;
import io.hanse.server.ClientManager;
import io.hanse.strategy.EvaluateInstruction;
import io.hanse.strategy.FitInstruction;
import io.hanse.strategy.ForwardingStrategy;
import io.hanse.strategy.Strategy;

import java.util.ArrayList;
import java.util.List;

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
public final class CompressedStrategy extends ForwardingStrategy {

    private final Compression compression;

    public CompressedStrategy(Strategy inner, Compression compression) {
        super(inner);
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
    public List<FitInstruction> configureFit(int round, Parameters parameters, ClientManager clients) {
        List<FitInstruction> out = new ArrayList<>();
        for (FitInstruction i : inner.configureFit(round, parameters, clients)) {
            out.add(new FitInstruction(i.client(), i.parameters(), compression.addTo(i.config())));
        }
        return out;
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

}
