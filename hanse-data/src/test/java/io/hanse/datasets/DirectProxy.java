package io.hanse.datasets;

import io.hanse.client.EvaluateResult;
import io.hanse.client.FitResult;
import io.hanse.client.MessageHandler;
import io.hanse.core.Parameters;
import io.hanse.core.Scalars;
import io.hanse.server.ClientProxy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

/** For exchange tests: a client proxy that delivers messages to a handler in this thread, optionally tampering with replies. */
public record DirectProxy(String id, MessageHandler handler, UnaryOperator<byte[]> tamper) implements ClientProxy {

    public DirectProxy(String id, MessageHandler handler) {
        this(id, handler, b -> b);
    }

    @Override
    public CompletableFuture<Parameters> getParameters(Scalars config, Duration timeout) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<FitResult> fit(Parameters parameters, Scalars config, Duration timeout) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<EvaluateResult> evaluate(Parameters parameters, Scalars config, Duration timeout) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<byte[]> exchange(String protocol, byte[] message, Parameters parameters, Scalars config, Duration timeout) {
        try {
            return CompletableFuture.completedFuture(tamper.apply(handler.handle(protocol, message, parameters, config)));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
