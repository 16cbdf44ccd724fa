package io.hanse.simulation.heterogeneity;

import io.hanse.client.ModelClient;
import io.hanse.core.Parameters;
import io.hanse.core.Scalars;
import io.hanse.model.TrainingOptions;
import io.hanse.server.ClientManager;
import io.hanse.strategy.FitInstruction;
import io.hanse.strategy.ForwardingStrategy;
import io.hanse.strategy.Strategy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToLongFunction;

/**
 * Simulates system heterogeneity around any strategy: after the inner strategy has chosen the round's
 * clients and their fit configs, some of them become stragglers and some drop out. It works on the
 * round's list of instructions because that is the one place that knows both the round and the whole
 * sample, so that exactly {@code round(fraction * m)} of the m sampled clients straggle, as in FedProx.
 *
 * <ul>
 *   <li>A straggler's fit config gets {@value ModelClient#MAX_STEPS} = its share of the full local steps
 *       {@code epochs * ceil(n / B)}, where epochs, B and any existing cap come from the instruction's
 *       config, else from the training options, and n is the client's number of examples.</li>
 *   <li>A dropped-out client's instruction goes to a {@link DroppedOutClient}, whose fit fails with
 *       {@value Dropouts#MESSAGE}.</li>
 * </ul>
 * The inner strategy never sees the changed instructions; it sees the results (a straggler reports its
 * actual {@code steps}) and the failures, as it would in a deployment. Everything else is delegated.
 */
public final class HeterogeneousStrategy extends ForwardingStrategy {

    private final Stragglers stragglers;
    private final Dropouts dropouts;
    private final ToLongFunction<String> numExamples;
    private final TrainingOptions training;

    /**
     * @param stragglers  null for none
     * @param dropouts    null for none
     * @param numExamples training examples of a client, by id (for its number of local steps)
     * @param training    the clients' local training options, for what a fit config does not say
     */
    public HeterogeneousStrategy(Strategy inner, Stragglers stragglers, Dropouts dropouts,
                                 ToLongFunction<String> numExamples, TrainingOptions training) {
        super(inner);
        this.stragglers = stragglers;
        this.dropouts = dropouts;
        this.numExamples = Objects.requireNonNull(numExamples, "numExamples");
        this.training = Objects.requireNonNull(training, "training");
    }

    @Override
    public List<FitInstruction> configureFit(int round, Parameters parameters, ClientManager clients) {
        List<FitInstruction> instructions = inner.configureFit(round, parameters, clients);
        Map<String, Double> slow = Map.of();
        if (stragglers != null && stragglers.fraction() > 0) {
            slow = stragglers.choose(round, instructions.stream().map(i -> i.client().id()).toList());
        }
        List<FitInstruction> out = new ArrayList<>(instructions.size());
        for (FitInstruction i : instructions) {
            String id = i.client().id();
            FitInstruction changed = i;
            Double work = slow.get(id);
            if (work != null) {
                changed = new FitInstruction(i.client(), i.parameters(), straggle(i.config(), id, work));
            }
            if (dropouts != null && dropouts.dropsOut(round, id)) {
                changed = new FitInstruction(new DroppedOutClient(changed.client()), changed.parameters(), changed.config());
            }
            out.add(changed);
        }
        return out;
    }

    /** {@code config} with the straggler's step cap. */
    Scalars straggle(Scalars config, String clientId, double work) {
        long full = Stragglers.fullSteps(numExamples.applyAsLong(clientId),
                config.getInt(ModelClient.EPOCHS, training.epochs()),
                config.getInt(ModelClient.BATCH_SIZE, training.batchSize()),
                config.getInt(ModelClient.MAX_STEPS, training.maxSteps()));
        int steps = Stragglers.partialSteps(work, full);
        if (steps <= 0) {
            return config; // no local work at all: nothing to cut (and max_steps = 0 would mean "no limit")
        }
        return config.toBuilder().put(ModelClient.MAX_STEPS, steps).build();
    }

    @Override
    public String toString() {
        return inner + " with " + (stragglers == null ? "no stragglers" : stragglers) + ", "
                + (dropouts == null ? "no dropouts" : dropouts);
    }

    /** The inner strategy's workflow; it runs on this strategy's instructions, so stragglers and dropouts apply. */
}
