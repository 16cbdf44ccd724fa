package io.hanse.client;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link ClientState} of every client of a simulation, keyed by client id, created on first use.
 * A simulation keeps one for the whole run and builds each call's client with
 * {@code new ModelClient(pooledModel, shard, test, options, seed, states.of(clientId))}, so that a
 * client's state survives between rounds while the pooled model serves other clients in between.
 *
 * <p>Memory: SCAFFOLD keeps one model-sized {@code c_i} per client that has trained at least once,
 * 4 bytes per parameter and client (100 clients of a 1.7M-parameter CNN: about 660 MB); so does update
 * compression with error feedback, for its residual ({@link io.hanse.compression.CompressingClient}).
 *
 * <p>Thread-safe.
 */
public final class ClientStates {

    private final Map<String, ClientState> states = new ConcurrentHashMap<>();

    /** The state of {@code clientId}, created empty on first use. */
    public ClientState of(String clientId) {
        return states.computeIfAbsent(clientId, id -> new ClientState());
    }

    /** Clients that have a state. */
    public int size() {
        return states.size();
    }

    /** Float values held over all clients. */
    public long totalSize() {
        long n = 0;
        for (ClientState s : states.values()) {
            n += s.size();
        }
        return n;
    }

    public void clear() {
        states.clear();
    }
}
