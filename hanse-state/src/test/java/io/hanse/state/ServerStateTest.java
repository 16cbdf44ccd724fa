package io.hanse.state;

import io.hanse.core.Parameters;
import io.hanse.core.Scalars;
import io.hanse.server.RoundRecord;
import io.hanse.strategy.Evaluation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerStateTest {

    static final String CONFIG = "{\"server\":{\"num_rounds\":10,\"fraction_fit\":0.5},\"strategy\":{\"name\":\"fedavg\"}}";

    @TempDir
    Path dir;

    private Path stateDir() {
        return dir.resolve("state");
    }

    private void runRounds(int from, int to) {
        try (ServerState state = ServerState.open(stateDir(), CONFIG, 7, 10, from > 1)) {
            for (int r = from; r <= to; r++) {
                state.onRoundCompleted(Samples.fullRound(r), Samples.parameters(r));
            }
        }
    }

    @Test
    void strategyStateIsCheckpointedWithEachRound_andHandedBackOnResume() {
        // a stand-in for a server optimizer's moments: different after every round
        Parameters[] after = new Parameters[5];
        try (ServerState state = ServerState.open(stateDir(), CONFIG, 7, 10, false)) {
            int[] round = {0};
            state.trackStrategyState(() -> round[0] == 0 ? java.util.Optional.empty() : java.util.Optional.of(after[round[0]]));
            for (int r = 1; r <= 4; r++) {
                round[0] = r;
                after[r] = Samples.parameters(100 + r);
                state.onRoundCompleted(Samples.fullRound(r), Samples.parameters(r));
            }
            assertTrue(state.resumeStrategyState().isEmpty(), "a new run has nothing to resume");
        }
        try (ServerState state = ServerState.open(stateDir(), CONFIG, 7, 10, true)) {
            assertEquals(5, state.resumeRound());
            assertEquals(after[4], state.resumeStrategyState().orElseThrow());
        }
    }

    @Test
    void aStateDirWithoutStrategyState_resumesWithNone() {
        runRounds(1, 3);
        try (ServerState state = ServerState.open(stateDir(), CONFIG, 7, 10, true)) {
            assertEquals(4, state.resumeRound());
            assertTrue(state.resumeStrategyState().isEmpty());
        }
    }

    @Test
    void newRunStartsAtRoundOneWithoutParameters() {
        try (ServerState state = ServerState.open(stateDir(), CONFIG, 7, 10, false)) {
            assertFalse(state.resumed());
            assertEquals(1, state.resumeRound());
            assertNull(state.resumeParameters());
            assertTrue(state.previousRounds().isEmpty());
            assertEquals(CONFIG, state.run().configJson());
        }
    }

    @Test
    void resumeGivesTheNextRoundAndTheModelOfTheLastCompletedRound() {
        runRounds(1, 4);
        try (ServerState state = ServerState.open(stateDir(), CONFIG, 7, 10, true)) {
            assertTrue(state.resumed());
            assertEquals(5, state.resumeRound());
            assertEquals(Samples.parameters(4), state.resumeParameters());
            assertEquals(List.of(Samples.fullRound(1), Samples.fullRound(2), Samples.fullRound(3), Samples.fullRound(4)),
                    state.previousRounds());
            assertEquals(List.of(2, 3, 4), assertDoesNotThrowRounds(state.checkpoints()));
        }
    }

    @Test
    void checkpointIsWrittenBeforeTheRoundIsRecorded() {
        try (ServerState state = ServerState.open(stateDir(), CONFIG, 7, 10, false)) {
            state.onRoundCompleted(Samples.fullRound(1), Samples.parameters(1));
            assertEquals("round-1.hnsp", state.store().checkpointOf(1).orElseThrow());
            assertTrue(Files.exists(stateDir().resolve("checkpoints/round-1.hnsp")));
        }
    }

    @Test
    void refusesANonEmptyStateDirWithoutResume() {
        runRounds(1, 2);
        StateException e = assertThrows(StateException.class, () -> ServerState.open(stateDir(), CONFIG, 7, 10, false));
        assertTrue(e.getMessage().contains("already holds run"), e.getMessage());
        assertTrue(e.getMessage().contains("with 2 completed rounds"), e.getMessage());
        assertTrue(e.getMessage().contains("--resume"), e.getMessage());
    }

    @Test
    void refusesADirectoryHoldingOtherFiles() throws Exception {
        Files.createDirectories(stateDir());
        Files.writeString(stateDir().resolve("notes.txt"), "x");
        StateException e = assertThrows(StateException.class, () -> ServerState.open(stateDir(), CONFIG, 7, 10, true));
        assertTrue(e.getMessage().contains("notes.txt"), e.getMessage());
    }

    @Test
    void refusesToResumeWithADifferentConfigNamingTheKey() {
        runRounds(1, 1);
        String other = CONFIG.replace("0.5", "0.25");
        StateException e = assertThrows(StateException.class, () -> ServerState.open(stateDir(), other, 7, 10, true));
        assertTrue(e.getMessage().contains("'server.fraction_fit' is 0.25, was 0.5"), e.getMessage());
        // the refused attempt released the lock and left the run intact
        try (ServerState state = ServerState.open(stateDir(), CONFIG, 7, 10, true)) {
            assertEquals(2, state.resumeRound());
        }
    }

    @Test
    void refusesToResumeWithADifferentSeedOrRoundCount() {
        runRounds(1, 1);
        assertThrows(StateException.class, () -> ServerState.open(stateDir(), CONFIG, 8, 10, true));
        assertThrows(StateException.class, () -> ServerState.open(stateDir(), CONFIG, 7, 11, true));
    }

    @Test
    void configFormattingAndKeyOrderDoNotCountAsADifference() {
        assertNull(ServerState.configDifference("{\"a\":1,\"b\":[1,2]}", "{ \"b\" : [1, 2],\n \"a\" : 1 }"));
        assertEquals("'b[1]' is 3, was 2", ServerState.configDifference("{\"a\":1,\"b\":[1,2]}", "{\"a\":1,\"b\":[1,3]}"));
        assertEquals("'c' is new (= true)", ServerState.configDifference("{\"a\":1}", "{\"a\":1,\"c\":true}"));
        assertTrue(ServerState.configDifference("not json", "other").contains("SHA-256"));
    }

    @Test
    void resumeWithNothingStoredStartsANewRun() {
        try (ServerState state = ServerState.open(stateDir(), CONFIG, 7, 10, true)) {
            assertFalse(state.resumed());
            assertEquals(1, state.resumeRound());
        }
    }

    @Test
    void aSecondServerOnTheSameStateDirIsRefused() {
        try (ServerState state = ServerState.open(stateDir(), CONFIG, 7, 10, false)) {
            StateException e = assertThrows(StateException.class, () -> ServerState.open(stateDir(), CONFIG, 7, 10, true));
            assertTrue(e.getMessage().contains("in use"), e.getMessage());
            assertEquals(1, state.resumeRound());
        }
    }

    @Test
    void corruptCheckpointOfTheLastRoundFallsBackToTheRoundBeforeAndForgetsTheLaterRecord() throws Exception {
        runRounds(1, 3);
        Files.writeString(stateDir().resolve("checkpoints/round-3.hnsp"), "torn");
        try (ServerState state = ServerState.open(stateDir(), CONFIG, 7, 10, true)) {
            assertEquals(3, state.resumeRound());
            assertEquals(Samples.parameters(2), state.resumeParameters());
            assertEquals(List.of(Samples.fullRound(1), Samples.fullRound(2)), state.previousRounds());
            assertEquals(2, state.store().lastCompletedRound().getAsInt());
            assertEquals(List.of(1, 2), state.checkpoints().rounds());
        }
    }

    @Test
    void checkpointWithoutARecordedRoundIsIgnored() throws Exception {
        runRounds(1, 2);
        // a crash between writing round 3's checkpoint and recording the round
        new Checkpoints(stateDir().resolve("checkpoints")).write(3, Samples.parameters(3));
        try (ServerState state = ServerState.open(stateDir(), CONFIG, 7, 10, true)) {
            assertEquals(3, state.resumeRound());
            assertEquals(Samples.parameters(2), state.resumeParameters());
            assertEquals(List.of(1, 2), state.checkpoints().rounds());
        }
    }

    @Test
    void resumingAfterOnlyTheInitialEvaluationLeavesRoundZeroToTheServer() {
        RoundRecord initial = new RoundRecord(0, 0, 0, List.of(), false, null, Scalars.EMPTY,
                new Evaluation(2.3, Scalars.of("accuracy", 0.1)), null, 0.01);
        Parameters start = Samples.parameters(0);
        try (ServerState state = ServerState.open(stateDir(), CONFIG, 7, 10, false)) {
            state.onRoundCompleted(initial, start);
        }
        try (ServerState state = ServerState.open(stateDir(), CONFIG, 7, 10, true)) {
            assertEquals(1, state.resumeRound());
            assertEquals(start, state.resumeParameters());
            assertTrue(state.previousRounds().isEmpty());
        }
        try (ServerState state = ServerState.open(stateDir(), CONFIG, 7, 10, true)) {
            // what Server.run(start, 1) does: evaluate round 0 again, then run round 1
            state.onRoundCompleted(initial, start);
            state.onRoundCompleted(Samples.fullRound(1), Samples.parameters(1));
        }
        try (ServerState state = ServerState.open(stateDir(), CONFIG, 7, 10, true)) {
            assertEquals(2, state.resumeRound());
            assertEquals(List.of(initial, Samples.fullRound(1)), state.previousRounds());
        }
    }

    @Test
    void noUsableCheckpointForAnyCompletedRoundIsReported() throws Exception {
        runRounds(1, 1);
        Files.writeString(stateDir().resolve("checkpoints/round-1.hnsp"), "torn");
        StateException e = assertThrows(StateException.class, () -> ServerState.open(stateDir(), CONFIG, 7, 10, true));
        assertTrue(e.getMessage().contains("cannot be resumed"), e.getMessage());
    }

    private static List<Integer> assertDoesNotThrowRounds(Checkpoints c) {
        try {
            return c.rounds();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
