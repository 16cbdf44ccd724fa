package io.hanse.simulation;

import io.hanse.server.ClientManager;
import io.hanse.server.TrafficMeter;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Virtual clients {@code "0" .. "n-1"} registered with a {@link ClientManager}, all served by a fixed
 * pool of worker threads. Hand its client manager to a {@link io.hanse.server.Server}: the server's round
 * loop is the same one that drives remote clients.
 */
public final class VirtualFederation implements AutoCloseable {

    private final ClientManager clients = new ClientManager();
    private final ExecutorService workers;
    private final int numClients;
    private final TrafficMeter.Counter traffic = new TrafficMeter.Counter();

    public VirtualFederation(int numClients, int workerThreads, ClientFactory factory) {
        if (numClients < 1) {
            throw new IllegalArgumentException("clients = " + numClients + " is invalid, allowed: >= 1");
        }
        if (workerThreads < 1) {
            throw new IllegalArgumentException("threads = " + workerThreads + " is invalid, allowed: >= 1");
        }
        this.numClients = numClients;
        AtomicInteger n = new AtomicInteger();
        ThreadFactory tf = r -> {
            Thread t = new Thread(r, "hanse-worker-" + n.getAndIncrement());
            t.setDaemon(true);
            return t;
        };
        this.workers = Executors.newFixedThreadPool(workerThreads, tf);
        for (int i = 0; i < numClients; i++) {
            clients.register(new VirtualClientProxy(Integer.toString(i), factory, workers, traffic));
        }
    }

    public ClientManager clientManager() {
        return clients;
    }

    /** Payload bytes moved so far, each direction: what a deployment of the same run would send. */
    public TrafficMeter traffic() {
        return traffic;
    }

    public int numClients() {
        return numClients;
    }

    @Override
    public void close() {
        workers.shutdownNow();
        try {
            workers.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
