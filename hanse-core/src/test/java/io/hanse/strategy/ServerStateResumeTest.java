package io.hanse.strategy;

import io.hanse.client.FitResult;
import io.hanse.core.Parameters;
import io.hanse.core.Scalars;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server optimizer resumed from its {@link Strategy#serverState()} after round 3 computes rounds 4-6 exactly as an
 * uninterrupted run, and one resumed without it does not: what a crash-safe server needs to checkpoint.
 */
class ServerStateResumeTest {

    private static final int SIZE = 300;

    /** Round r's client models around {@code global}, the same for every run. */
    private static List<ClientFit> results(int round, Parameters global) {
        Random r = new Random(round);
        List<ClientFit> out = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            float[] v = global.flat().clone();
            for (int i = 0; i < v.length; i++) {
                v[i] += (float) (0.05 * r.nextGaussian() + 0.01);
            }
            out.add(new ClientFit("c" + k, new FitResult(Parameters.wrap(global.layout(), v), 10 + k, Scalars.EMPTY)));
        }
        return out;
    }

    private static Parameters run(Strategy s, Parameters start, int from, int to) {
        Parameters global = start;
        for (int round = from; round <= to; round++) {
            global = s.aggregateFit(round, results(round, global), List.of()).parameters().orElseThrow();
        }
        return global;
    }

    private static void check(Function<Parameters, Strategy> make) {
        Parameters initial = FedOptChecks.randomInitial(SIZE);
        Parameters uninterrupted = run(make.apply(initial), initial, 1, 6);

        Strategy before = make.apply(initial);
        Parameters afterThree = run(before, initial, 1, 3);
        Parameters state = before.serverState().orElseThrow();

        Strategy resumed = make.apply(afterThree);
        assertFalse(resumed.serverState().isPresent(), "a fresh strategy has no state yet");
        resumed.restoreServerState(state);
        assertArrayEquals(uninterrupted.flat(), run(resumed, afterThree, 4, 6).flat(), "resumed with its state");

        Parameters fresh = run(make.apply(afterThree), afterThree, 4, 6);
        assertNotEquals(java.util.Arrays.toString(uninterrupted.flat()), java.util.Arrays.toString(fresh.flat()),
                "without its state the resumed run differs: the test would catch a state that is not restored");
    }

    @Test
    void fedAdam_resumesExactly() {
        check(p -> FedAdam.builder().eta(0.05).initialParameters(p).build());
    }

    @Test
    void fedYogi_resumesExactly() {
        check(p -> FedYogi.builder().eta(0.05).initialParameters(p).build());
    }

    @Test
    void fedAvgM_resumesExactly() {
        check(p -> FedAvgM.builder().serverMomentum(0.9).initialParameters(p).build());
    }

    @Test
    void aStateOfAnotherStrategy_isRefused() {
        Parameters initial = FedOptChecks.randomInitial(SIZE);
        FedAvgM m = FedAvgM.builder().serverMomentum(0.9).initialParameters(initial).build();
        run(m, initial, 1, 2);
        Parameters velocity = m.serverState().orElseThrow();
        assertThrows(IllegalArgumentException.class, () -> FedAdam.builder().initialParameters(initial).build().restoreServerState(velocity));
        assertThrows(IllegalArgumentException.class, () -> FedAvg.builder().build().restoreServerState(velocity));
        assertTrue(FedAvg.builder().build().serverState().isEmpty());
    }
}
