package io.hanse.simulation;

import io.hanse.client.EvaluateResult;
import io.hanse.client.FitResult;
import io.hanse.client.MessageHandler;
import io.hanse.compression.Compression;
import io.hanse.core.Parameters;
import io.hanse.core.ParametersCodec;
import io.hanse.core.ParametersStream;
import io.hanse.core.Scalars;
import io.hanse.server.ClientProxy;
import io.hanse.server.TrafficMeter;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The in-process transport: a virtual client whose calls run on a worker pool in this JVM. Messages
 * are passed by reference; nothing is serialised, but what a remote transport would do to them is done here
 * too, so that a simulation behaves as a deployment:
 * <ul>
 *   <li>with down compression ({@link Compression#DOWN} in the config) the client receives the global model
 *       rounded to float16, as a remote client decodes it;</li>
 *   <li>a fit result carrying a compressed update ({@link Compression#COMPRESSED_UPDATE}) is rebuilt on the
 *       server's side from those bytes and the server's own copy of the global model
 *       ({@link Compression#reconstruct}), and the bytes are removed from the metrics; a malformed update fails
 *       the fit;</li>
 *   <li>the payload bytes of each direction are added to a {@link TrafficMeter.Counter}: the size of the HNSP
 *       encoding (float32, or float16 under down compression) of the parameters sent and received, or of the
 *       compressed update; the same sizes the gRPC transport moves.</li>
 * </ul>
 */
public final class VirtualClientProxy implements ClientProxy {

    private final String id;
    private final ClientFactory factory;
    private final Executor workers;
    private final TrafficMeter.Counter traffic;

    public VirtualClientProxy(String id, ClientFactory factory, Executor workers) {
        this(id, factory, workers, new TrafficMeter.Counter());
    }

    /** A proxy adding the payload bytes it moves to {@code traffic} (shared by the proxies of a federation). */
    public VirtualClientProxy(String id, ClientFactory factory, Executor workers, TrafficMeter.Counter traffic) {
        this.id = id;
        this.factory = factory;
        this.workers = workers;
        this.traffic = traffic;
    }

    /** The encoded size of {@code parameters} as sent down with {@code config}, counted; and what the client receives. */
    private Parameters sendDown(Parameters parameters, Scalars config) {
        if (parameters == null) {
            return null;
        }
        Parameters received = Compression.received(parameters, config);
        byte dtype = received != parameters ? ParametersCodec.DTYPE_FLOAT16 : ParametersCodec.DTYPE_FLOAT32;
        traffic.addDown(ParametersStream.encodedSize(parameters.layout(), dtype));
        return received;
    }

    /** The server's side of a fit result: rebuilt from a compressed update if it carries one, and counted. */
    private FitResult receiveFit(Parameters global, FitResult result) {
        if (result == null) {
            return null;
        }
        Object payload = result.metrics().get(Compression.COMPRESSED_UPDATE);
        if (payload == null) {
            traffic.addUp(ParametersStream.encodedSize(result.parameters()));
            return result;
        }
        if (!(payload instanceof byte[] bytes)) {
            throw new IllegalArgumentException("'" + Compression.COMPRESSED_UPDATE + "' must be bytes, got "
                    + payload.getClass().getSimpleName());
        }
        traffic.addUp(bytes.length);
        return new FitResult(Compression.reconstruct(global, bytes), result.numExamples(), Compression.withoutPayload(result.metrics()));
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public CompletableFuture<Parameters> getParameters(Scalars config, Duration timeout) {
        return CompletableFuture.supplyAsync(() -> {
            Parameters p = factory.create(id).getParameters(config);
            if (p != null) {
                traffic.addUp(ParametersStream.encodedSize(p));
            }
            return p;
        }, workers);
    }

    @Override
    public CompletableFuture<FitResult> fit(Parameters parameters, Scalars config, Duration timeout) {
        return CompletableFuture.supplyAsync(() -> receiveFit(parameters, factory.create(id).fit(sendDown(parameters, config), config)), workers);
    }

    @Override
    public CompletableFuture<EvaluateResult> evaluate(Parameters parameters, Scalars config, Duration timeout) {
        return CompletableFuture.supplyAsync(() -> factory.create(id).evaluate(sendDown(parameters, config), config), workers);
    }

    /**
     * Runs {@link MessageHandler#handle} of the client on the worker pool, if the factory's client implements it;
     * the parameters are passed by reference.
     */
    @Override
    public CompletableFuture<byte[]> exchange(String protocol, byte[] message, Parameters parameters, Scalars config, Duration timeout) {
        return CompletableFuture.supplyAsync(() -> {
            var client = factory.create(id);
            if (!(client instanceof MessageHandler handler)) {
                throw new UnsupportedOperationException("virtual client " + id + " (" + client.getClass().getSimpleName()
                        + ") does not handle '" + protocol + "' messages: it does not implement MessageHandler");
            }
            Scalars cfg = config == null ? Scalars.EMPTY : config;
            byte[] reply = handler.handle(protocol, message, sendDown(parameters, cfg), cfg);
            if (reply != null) {
                traffic.addUp(reply.length);
            }
            return reply;
        }, workers);
    }

    @Override
    public String toString() {
        return "virtual client " + id;
    }
}
