package io.hanse.simulation.attack;

import io.hanse.client.FitResult;
import io.hanse.core.Parameters;
import io.hanse.server.ClientManager;
import io.hanse.strategy.AggregatedFit;
import io.hanse.strategy.ClientFailure;
import io.hanse.strategy.ClientFit;
import io.hanse.strategy.FitInstruction;
import io.hanse.strategy.FitWorkflow;
import io.hanse.strategy.ForwardingStrategy;
import io.hanse.strategy.Strategy;
import io.hanse.core.Scalars;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Puts a model-poisoning attack between the clients and any strategy, for simulations only. The
 * malicious clients train honestly like everyone else; then, in {@link #aggregateFit}, after every
 * client of the round has answered and before aggregation, their results are replaced by the vectors
 * of the {@link ModelAttack}, computed from the round's global parameters, the benign clients' updates
 * and the malicious clients' own honest updates. The inner strategy then aggregates as usual, so any
 * defence can be evaluated against any attack.
 *
 * <p>The inner strategy sees nothing that would let it cheat: the results keep their position, client
 * id, example count and metrics (the honest training metrics of the malicious client); only the
 * parameters change. Like the server, the decorator refuses a crafted result holding NaN or infinity
 * and reports it as that client's failure, so the inner strategy still only receives finite results.
 * Every other call is delegated unchanged. Not thread-safe, as strategies need not be: the server calls
 * it from one thread.
 */
public final class AttackedStrategy extends ForwardingStrategy {

    private final Set<String> maliciousIds;
    private final ModelAttack attack;
    private final long seed;
    private int globalRound = -1;
    private Parameters global;

    public AttackedStrategy(Strategy inner, Set<String> maliciousIds, ModelAttack attack, long seed) {
        super(inner);
        this.maliciousIds = Set.copyOf(maliciousIds);
        this.attack = Objects.requireNonNull(attack, "attack");
        this.seed = seed;
    }

    public Set<String> maliciousIds() {
        return maliciousIds;
    }

    public ModelAttack attack() {
        return attack;
    }

    @Override
    public List<FitInstruction> configureFit(int round, Parameters parameters, ClientManager clients) {
        globalRound = round;
        global = parameters;
        return inner.configureFit(round, parameters, clients);
    }

    @Override
    public AggregatedFit aggregateFit(int round, List<ClientFit> results, List<ClientFailure> failures) {
        List<Integer> malicious = new ArrayList<>();
        for (int k = 0; k < results.size(); k++) {
            if (maliciousIds.contains(results.get(k).clientId())) {
                malicious.add(k);
            }
        }
        if (malicious.isEmpty()) {
            return inner.aggregateFit(round, results, failures);
        }
        if (round != globalRound || global == null) {
            throw new IllegalStateException("aggregateFit of round " + round + " without configureFit of that round"
                    + " (last configured: " + globalRound + "): the attack needs the round's global parameters");
        }
        List<Parameters> benign = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        List<Parameters> honest = new ArrayList<>();
        for (int k = 0; k < results.size(); k++) {
            ClientFit r = results.get(k);
            Parameters update = r.result().parameters().minus(global);
            if (maliciousIds.contains(r.clientId())) {
                ids.add(r.clientId());
                honest.add(update);
            } else {
                benign.add(update);
            }
        }
        List<Parameters> crafted = attack.craft(new AttackContext(round, global, benign, ids, honest, seed));
        if (crafted.size() != ids.size()) {
            throw new IllegalStateException(attack.name() + " crafted " + crafted.size() + " updates for " + ids.size()
                    + " malicious clients");
        }
        List<ClientFit> attacked = new ArrayList<>(results);
        List<ClientFailure> allFailures = new ArrayList<>(failures);
        List<Integer> refused = new ArrayList<>();
        for (int m = 0; m < malicious.size(); m++) {
            int k = malicious.get(m);
            ClientFit original = results.get(k);
            Parameters poisoned = global.plus(crafted.get(m));
            int bad = poisoned.firstNonFiniteTensor();
            if (bad >= 0) {
                // what the server would have said, had the client sent it
                allFailures.add(new ClientFailure(original.clientId(),
                        "tensor '" + global.layout().tensor(bad).name() + "' holds NaN or infinite values"));
                refused.add(k);
                continue;
            }
            FitResult r = original.result();
            attacked.set(k, new ClientFit(original.clientId(), new FitResult(poisoned, r.numExamples(), r.metrics())));
        }
        for (int i = refused.size() - 1; i >= 0; i--) {
            attacked.remove((int) refused.get(i));
        }
        if (attacked.isEmpty()) {
            return AggregatedFit.none(Scalars.EMPTY);
        }
        return inner.aggregateFit(round, attacked, allFailures);
    }

    /**
     * None, whatever the inner strategy's: the attack acts on the individual updates in {@link #aggregateFit}, which a
     * strategy that runs its own fit protocol (secure aggregation) would bypass.
     */
    @Override
    public Optional<FitWorkflow> fitWorkflow() {
        return Optional.empty();
    }

    @Override
    public String toString() {
        return inner + " under " + attack + " by " + maliciousIds.size() + " malicious clients";
    }

}
