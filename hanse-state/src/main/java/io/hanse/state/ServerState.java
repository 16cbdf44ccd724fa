package io.hanse.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hanse.core.Parameters;
import io.hanse.server.RoundListener;
import io.hanse.server.RoundRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The crash-safe state of a server run in one directory: the run database ({@value #DB_FILE}, a
 * {@link RunStore}) and the model checkpoints ({@value #CHECKPOINT_DIR}/, {@link Checkpoints}).
 *
 * <p>As a {@link RoundListener}, it writes the checkpoint of every round first and only then records the
 * round in the database, so a round counts as completed only once its model is durable. After a crash,
 * {@link #open} with {@code resume} finds the last completed round {@code n} and its checkpoint; the CLI
 * then continues with
 * <pre>
 * server.restoreHistory(state.previousRounds());
 * server.run(state.resumeParameters(), state.resumeRound());
 * </pre>
 * The directory is locked while open, so two servers cannot write the same state.
 */
public final class ServerState implements RoundListener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ServerState.class);

    public static final String DB_FILE = "state.db";
    public static final String CHECKPOINT_DIR = "checkpoints";
    /** Directory of the strategy's own state after each round (server optimizer moments, control variates). */
    public static final String STRATEGY_DIR = "strategy-state";
    static final String LOCK_FILE = ".lock";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final RunStore store;
    private final Checkpoints checkpoints;
    private final RunStore.RunInfo run;
    private final boolean resumed;
    private final int resumeRound;
    private final Parameters resumeParameters;
    private final List<RoundRecord> previousRounds;
    private volatile java.util.function.Supplier<Optional<Parameters>> strategyState;
    private Checkpoints strategyCheckpoints;

    private ServerState(Path dir, FileChannel lockChannel, FileLock lock, RunStore store, Checkpoints checkpoints,
                        RunStore.RunInfo run, boolean resumed, int resumeRound, Parameters resumeParameters,
                        List<RoundRecord> previousRounds) {
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.store = store;
        this.checkpoints = checkpoints;
        this.run = run;
        this.resumed = resumed;
        this.resumeRound = resumeRound;
        this.resumeParameters = resumeParameters;
        this.previousRounds = List.copyOf(previousRounds);
    }

    /** {@link #open(Path, String, long, int, boolean, int)} keeping {@value Checkpoints#DEFAULT_KEEP} checkpoints. */
    public static ServerState open(Path stateDir, String configJson, long seed, int numRounds, boolean resume) {
        return open(stateDir, configJson, seed, numRounds, resume, Checkpoints.DEFAULT_KEEP);
    }

    /**
     * Opens the state dir for a run.
     *
     * <p>Without {@code resume}, the directory must be missing or empty, and a new run is started in it.
     * With {@code resume}, the run stored there continues: its config, seed and number of rounds must equal
     * the given ones. A state dir that does not exist yet (or is empty) starts a new run even with
     * {@code resume}, so that a supervisor can always pass it.
     *
     * @param configJson the run's configuration as JSON; compared structurally on resume
     * @param keepCheckpoints how many of the newest checkpoints to keep (at least 1)
     * @throws StateException saying why the directory cannot be used as asked
     */
    public static ServerState open(Path stateDir, String configJson, long seed, int numRounds, boolean resume,
                                   int keepCheckpoints) {
        FileChannel lockChannel = null;
        FileLock lock = null;
        RunStore store = null;
        try {
            Files.createDirectories(stateDir);
            lockChannel = FileChannel.open(stateDir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                lock = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new StateException("state dir " + stateDir + " is in use by another server");
            }
            boolean hasDb = Files.exists(stateDir.resolve(DB_FILE));
            Set<String> others = otherEntries(stateDir);
            if (!hasDb && !others.isEmpty()) {
                throw new StateException("state dir " + stateDir + " is not empty (it holds " + describe(others)
                        + ") and holds no run; choose an empty or new --state-dir");
            }
            store = hasDb ? RunStore.open(stateDir.resolve(DB_FILE)) : null;
            Optional<RunStore.RunInfo> existing = store != null ? store.existingRun() : Optional.empty();

            if (!resume) {
                if (existing.isPresent()) {
                    int n = countRounds(store);
                    throw new StateException("state dir " + stateDir + " already holds run " + existing.get().runId() + " with "
                            + n + " completed round" + (n == 1 ? "" : "s")
                            + "; use --resume to continue it or choose another --state-dir");
                }
                if (hasDb) {
                    throw new StateException("state dir " + stateDir + " is not empty (it holds " + DB_FILE
                            + " without a run); choose an empty or new --state-dir");
                }
            }
            if (store == null) {
                store = RunStore.open(stateDir.resolve(DB_FILE));
            }
            Checkpoints checkpoints = new Checkpoints(stateDir.resolve(CHECKPOINT_DIR), keepCheckpoints);

            if (existing.isEmpty()) {
                if (resume) {
                    log.warn("state dir {} holds no run to resume; starting a new run", stateDir);
                }
                checkpoints.deleteAfter(-1);
                RunStore.RunInfo run = store.startRun(configJson, seed, numRounds);
                log.info("state dir {}: started run {}", stateDir, run.runId());
                return new ServerState(stateDir, lockChannel, lock, store, checkpoints, run, false, 1, null, List.of());
            }

            RunStore.RunInfo run = existing.get();
            requireSameRun(stateDir, run, configJson, seed, numRounds);
            return resume(stateDir, lockChannel, lock, store, checkpoints, run);
        } catch (IOException | RuntimeException e) {
            if (store != null) {
                try {
                    store.close();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            closeQuietly(lockChannel, e);
            if (e instanceof StateException se) {
                throw se;
            }
            throw new StateException("cannot open state dir " + stateDir + ": " + e.getMessage(), e);
        }
    }

    private static ServerState resume(Path stateDir, FileChannel lockChannel, FileLock lock, RunStore store,
                                      Checkpoints checkpoints, RunStore.RunInfo run) throws IOException {
        List<RoundRecord> rounds = store.completedRounds();
        OptionalInt last = store.lastCompletedRound();
        if (last.isEmpty()) {
            checkpoints.deleteAfter(-1);
            log.info("state dir {}: run {} has no completed round yet; starting it from round 1", stateDir, run.runId());
            return new ServerState(stateDir, lockChannel, lock, store, checkpoints, run, true, 1, null, List.of());
        }
        int n = last.getAsInt();
        Optional<Checkpoints.Checkpoint> checkpoint = checkpoints.read(n);
        if (checkpoint.isEmpty()) {
            Set<Integer> recorded = new LinkedHashSet<>();
            rounds.forEach(r -> recorded.add(r.round()));
            Optional<Checkpoints.Checkpoint> fallback = Optional.empty();
            for (int r = n - 1; r >= 0 && fallback.isEmpty(); r--) {
                if (recorded.contains(r)) {
                    fallback = checkpoints.read(r);
                }
            }
            if (fallback.isEmpty()) {
                throw new StateException("state dir " + stateDir + ": run " + run.runId() + " has completed round " + n
                        + " but neither its checkpoint " + checkpoints.path(n) + " nor that of any earlier round is usable;"
                        + " it cannot be resumed. Choose another --state-dir to start over");
            }
            int k = fallback.get().round();
            log.warn("state dir {}: the checkpoint of round {} ({}) is missing or corrupt; resuming from the checkpoint of"
                    + " round {}, so rounds {}..{} run again", stateDir, n, checkpoints.path(n), k, k + 1, n);
            store.deleteRoundsAfter(k);
            checkpoint = fallback;
        }
        int k = checkpoint.get().round();
        List<Integer> stale = new ArrayList<>();
        for (int r : checkpoints.rounds()) {
            if (r > k) {
                stale.add(r);
            }
        }
        if (!stale.isEmpty()) {
            // written before a crash that came before the round was recorded, or after a fallback
            log.info("state dir {}: deleting checkpoints of rounds {} that have no completed round", stateDir, stale);
            checkpoints.deleteAfter(k);
        }
        List<RoundRecord> previous = new ArrayList<>();
        for (RoundRecord r : rounds) {
            // Server.run(start, 1) evaluates round 0 again, so its record is not restored then
            if (r.round() <= k && !(k == 0 && r.round() == 0)) {
                previous.add(r);
            }
        }
        int next = k + 1;
        if (next > run.numRounds()) {
            log.info("state dir {}: run {} already completed all {} rounds", stateDir, run.runId(), run.numRounds());
        } else {
            log.info("state dir {}: resuming run {} at round {} from {}", stateDir, run.runId(), next, checkpoint.get().file());
        }
        return new ServerState(stateDir, lockChannel, lock, store, checkpoints, run, true, next,
                checkpoint.get().parameters(), previous);
    }

    private static void requireSameRun(Path stateDir, RunStore.RunInfo run, String configJson, long seed, int numRounds) {
        String prefix = "state dir " + stateDir + " holds run " + run.runId();
        String suffix = "; resume with the run's original settings or choose another --state-dir";
        String diff = configDifference(run.configJson(), configJson);
        if (diff != null) {
            throw new StateException(prefix + " with a different config: " + diff + suffix);
        }
        if (run.seed() != seed) {
            throw new StateException(prefix + ", started with seed " + run.seed() + ", not " + seed + suffix);
        }
        if (run.numRounds() != numRounds) {
            throw new StateException(prefix + " of " + run.numRounds() + " rounds, not " + numRounds + suffix);
        }
    }

    /** Null if the two configs are the same JSON value (or the same text), else the first difference. */
    static String configDifference(String stored, String given) {
        if (stored.equals(given)) {
            return null;
        }
        JsonNode a;
        JsonNode b;
        try {
            a = JSON.readTree(stored);
            b = JSON.readTree(given);
        } catch (JsonProcessingException e) {
            a = null;
            b = null;
        }
        if (a == null || b == null) {
            return "stored config has SHA-256 " + sha256(stored) + ", the given one " + sha256(given);
        }
        return firstDifference("", a, b);
    }

    private static String firstDifference(String path, JsonNode stored, JsonNode given) {
        if (stored.equals(given)) {
            return null;
        }
        String where = path.isEmpty() ? "the config" : "'" + path + "'";
        if (stored.isObject() && given.isObject()) {
            Set<String> keys = new LinkedHashSet<>();
            stored.fieldNames().forEachRemaining(keys::add);
            given.fieldNames().forEachRemaining(keys::add);
            for (String key : keys) {
                String sub = path.isEmpty() ? key : path + "." + key;
                JsonNode s = stored.get(key);
                JsonNode g = given.get(key);
                if (s == null) {
                    return "'" + sub + "' is new (= " + shorten(g) + ")";
                }
                if (g == null) {
                    return "'" + sub + "' is missing (was " + shorten(s) + ")";
                }
                String d = firstDifference(sub, s, g);
                if (d != null) {
                    return d;
                }
            }
            return null;
        }
        if (stored.isArray() && given.isArray()) {
            Iterator<JsonNode> s = stored.elements();
            Iterator<JsonNode> g = given.elements();
            for (int i = 0; s.hasNext() && g.hasNext(); i++) {
                String d = firstDifference(path + "[" + i + "]", s.next(), g.next());
                if (d != null) {
                    return d;
                }
            }
            return where + " has " + given.size() + " elements, was " + stored.size();
        }
        return where + " is " + shorten(given) + ", was " + shorten(stored);
    }

    private static String shorten(JsonNode v) {
        String s = v.toString();
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    private static String sha256(String s) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int countRounds(RunStore store) {
        return store.completedRounds().size();
    }

    private static Set<String> otherEntries(Path dir) throws IOException {
        Set<String> names = new LinkedHashSet<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (!name.equals(LOCK_FILE) && !name.startsWith(DB_FILE)) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    private static String describe(Set<String> names) {
        List<String> list = new ArrayList<>(names);
        list.sort(null);
        return list.size() <= 3 ? String.join(", ", list) : String.join(", ", list.subList(0, 3)) + " and " + (list.size() - 3) + " more";
    }

    /** The state directory. */
    public Path dir() {
        return dir;
    }

    /** The run this state holds. */
    public RunStore.RunInfo run() {
        return run;
    }

    /** Whether an existing run is being continued (false for a new run, also when --resume found nothing). */
    public boolean resumed() {
        return resumed;
    }

    /** The next round to run: 1 for a new run, else the last completed round (with a usable checkpoint) + 1. */
    public int resumeRound() {
        return resumeRound;
    }

    /**
     * The global model after round {@link #resumeRound()} - 1, from its checkpoint; null for a new run (the
     * server then initialises the model itself).
     */
    public Parameters resumeParameters() {
        return resumeParameters;
    }

    /**
     * The records of the rounds before {@link #resumeRound()}, for {@code Server.restoreHistory}. Round 0 is
     * left out when resuming at round 1, because {@code Server.run(start, 1)} evaluates the start model again.
     */
    public List<RoundRecord> previousRounds() {
        return previousRounds;
    }

    public RunStore store() {
        return store;
    }

    public Checkpoints checkpoints() {
        return checkpoints;
    }

    /**
     * Checkpoints {@code state}'s value (e.g. {@code strategy::serverState}) with every round's model, so that
     * {@link #resumeStrategyState} can hand it back after a restart.
     */
    public void trackStrategyState(java.util.function.Supplier<Optional<Parameters>> state) {
        this.strategyState = state;
    }

    /**
     * The strategy state checkpointed with the model of round {@link #resumeRound()} - 1, or empty (a new run, a
     * stateless strategy, or a state directory written before strategy state was kept: the strategy then starts
     * afresh, as it would have before).
     */
    public Optional<Parameters> resumeStrategyState() {
        if (!resumed || resumeRound <= 1 || !Files.isDirectory(dir.resolve(STRATEGY_DIR))) {
            return Optional.empty();
        }
        try {
            return strategyCheckpoints().read(resumeRound - 1).map(Checkpoints.Checkpoint::parameters);
        } catch (IOException e) {
            throw new StateException("cannot read the strategy state of round " + (resumeRound - 1) + " in "
                    + dir.resolve(STRATEGY_DIR) + ": " + e.getMessage(), e);
        }
    }

    private synchronized Checkpoints strategyCheckpoints() throws IOException {
        if (strategyCheckpoints == null) {
            strategyCheckpoints = new Checkpoints(dir.resolve(STRATEGY_DIR), checkpoints.keep());
        }
        return strategyCheckpoints;
    }

    /** Records that a client was seen (its properties as JSON, may be null). */
    public void recordClient(String clientId, String propertiesJson) {
        store.recordClient(clientId, propertiesJson);
    }

    /**
     * Writes the checkpoint of {@code record.round()} durably, then records the round. Throws
     * {@link StateException} if either fails, which stops the run: continuing without state would break
     * the promise that a restart resumes where the run stopped.
     */
    @Override
    public void onRoundCompleted(RoundRecord record, Parameters global) {
        String file = null;
        if (global != null) {
            try {
                checkpoints.write(record.round(), global);
                file = Checkpoints.fileName(record.round());
            } catch (IOException e) {
                throw new StateException("cannot write the checkpoint of round " + record.round() + " to "
                        + checkpoints.path(record.round()) + ": " + e.getMessage(), e);
            }
            java.util.function.Supplier<Optional<Parameters>> s = strategyState;
            Optional<Parameters> state = s == null ? Optional.empty() : s.get();
            if (state.isPresent()) {
                try {
                    strategyCheckpoints().write(record.round(), state.get());
                } catch (IOException e) {
                    throw new StateException("cannot write the strategy state of round " + record.round() + " to "
                            + dir.resolve(STRATEGY_DIR) + ": " + e.getMessage(), e);
                }
            }
        }
        store.recordRound(record, file);
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        try {
            store.close();
        } catch (RuntimeException e) {
            failure = e;
        }
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            log.debug("releasing the lock of {}: {}", dir, e.toString());
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static void closeQuietly(FileChannel channel, Exception into) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                into.addSuppressed(e);
            }
        }
    }
}
