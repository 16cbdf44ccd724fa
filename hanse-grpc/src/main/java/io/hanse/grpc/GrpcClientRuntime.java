package io.hanse.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.Context;
import io.grpc.ForwardingClientCall;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.hanse.client.Client;
import io.hanse.client.EvaluateResult;
import io.hanse.client.FitResult;
import io.hanse.core.Parameters;
import io.hanse.core.ParametersStream;
import io.hanse.core.Scalars;
import io.hanse.grpc.proto.Chunk;
import io.hanse.grpc.proto.DownloadRequest;
import io.hanse.grpc.proto.FederationGrpc;
import io.hanse.grpc.proto.HeartbeatReply;
import io.hanse.grpc.proto.HeartbeatRequest;
import io.hanse.grpc.proto.LeaveRequest;
import io.hanse.grpc.proto.ParametersInfo;
import io.hanse.grpc.proto.PullTaskReply;
import io.hanse.grpc.proto.PullTaskRequest;
import io.hanse.grpc.proto.PushResultReply;
import io.hanse.grpc.proto.RegisterReply;
import io.hanse.grpc.proto.RegisterRequest;
import io.hanse.grpc.proto.ResultHeader;
import io.hanse.grpc.proto.ResultPart;
import io.hanse.grpc.proto.Task;
import io.hanse.grpc.proto.TaskType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Iterator;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * The client end of the Hanse gRPC transport: one client process, dialing out to the server.
 *
 * <pre>{@code
 * int exit = GrpcClientRuntime.builder()
 *         .target("server.example:9092").trustCa(Path.of("ca.pem"))
 *         .clientId("hospital-3").token(System.getenv("HANSE_TOKEN"))
 *         .build()
 *         .run(new MyClient());
 * System.exit(exit);
 * }</pre>
 *
 * <p>{@link #run} registers, sends heartbeats from a background thread, and loops: pull a task,
 * download its parameters, call the {@link Client}, push the result. When the server is unreachable
 * (UNAVAILABLE, DEADLINE_EXCEEDED) or no longer knows the session (it restarted, or evicted this client),
 * the runtime registers again after a backoff ({@link ReconnectPolicy}) and picks up whatever task the
 * server hands out next. A result refused as stale is dropped. An exception thrown by the client is
 * reported to the server as the task's error. DONE from the server ends the run with {@link #EXIT_OK}.
 */
public final class GrpcClientRuntime implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GrpcClientRuntime.class);

    /** The server finished the run (DONE), or {@link #stop} was called. */
    public static final int EXIT_OK = 0;
    /** The server could not be reached for {@link ReconnectPolicy#maxAttempts} consecutive attempts. */
    public static final int EXIT_UNREACHABLE = 1;
    /** The server refused the registration: wrong token, other protocol version, invalid client id. */
    public static final int EXIT_REFUSED = 2;
    /** The thread running {@link #run} was interrupted: the client stops at once, without leaving. */
    public static final int EXIT_INTERRUPTED = 3;

    private final String host;
    private final int port;
    private final ChannelCredentials credentials;
    private final String credentialsKind;
    private final String token;
    private final String clientId;
    private final Scalars properties;
    private final ReconnectPolicy reconnect;
    private final Random random;
    private final Duration rpcTimeout;
    private final Duration pollWait;
    private final int maxChunkBytes;
    private final int maxInboundMessageBytes;
    private final long maxParametersBytes;
    private final Duration keepAliveTime;
    private final String overrideAuthority;
    private final String protocolVersion;

    private final AtomicBoolean started = new AtomicBoolean();
    private volatile boolean stopRequested;
    private volatile ManagedChannel channel;
    private volatile String sessionId;
    private volatile boolean sessionLost;
    private final Set<String> sessionsLeft = ConcurrentHashMap.newKeySet();
    private final Object leaveLock = new Object();
    private int consecutiveFailures;
    private ScheduledExecutorService heartbeats;
    private ScheduledFuture<?> heartbeatTask;

    private final LongAdder parameterBytesSent = new LongAdder();
    private final LongAdder parameterBytesReceived = new LongAdder();

    private GrpcClientRuntime(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.token = b.token;
        this.clientId = b.clientId;
        this.properties = b.properties;
        this.reconnect = b.reconnect;
        this.random = b.random != null ? b.random : new Random();
        this.rpcTimeout = b.rpcTimeout;
        this.pollWait = b.pollWait;
        this.maxChunkBytes = b.maxChunkBytes;
        this.maxInboundMessageBytes = b.maxInboundMessageBytes;
        this.maxParametersBytes = b.maxParametersBytes;
        this.keepAliveTime = b.keepAliveTime;
        this.overrideAuthority = b.overrideAuthority;
        this.protocolVersion = b.protocolVersion;
        try {
            if (b.insecure) {
                credentials = InsecureChannelCredentials.create();
                credentialsKind = "plaintext";
            } else {
                TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder();
                if (b.trustCa != null) {
                    tls.trustManager(b.trustCa.toFile());
                }
                if (b.clientCertificate != null) {
                    tls.keyManager(b.clientCertificate.toFile(), b.clientKey.toFile());
                }
                credentials = tls.build();
                credentialsKind = b.clientCertificate != null ? "mutual TLS" : "TLS";
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the TLS files: " + e.getMessage(), e);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public String clientId() {
        return clientId;
    }

    /** Bytes of encoded parameters pushed to the server. */
    public long parameterBytesSent() {
        return parameterBytesSent.sum();
    }

    /** Bytes of encoded parameters downloaded from the server. */
    public long parameterBytesReceived() {
        return parameterBytesReceived.sum();
    }

    /**
     * Serves {@code client} until the server says DONE ({@link #EXIT_OK}), the server stays unreachable
     * ({@link #EXIT_UNREACHABLE}), refuses this client ({@link #EXIT_REFUSED}), or the calling thread is
     * interrupted ({@link #EXIT_INTERRUPTED}). Call once.
     */
    public int run(Client client) {
        Objects.requireNonNull(client, "client");
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("run may be called only once per runtime");
        }
        NettyChannelBuilder nb = NettyChannelBuilder.forAddress(host, port, credentials)
                .maxInboundMessageSize(maxInboundMessageBytes)
                .keepAliveTime(keepAliveTime.toMillis(), TimeUnit.MILLISECONDS)
                .keepAliveTimeout(20, TimeUnit.SECONDS)
                .keepAliveWithoutCalls(true)
                .intercept(new MetadataInterceptor());
        if (overrideAuthority != null) {
            nb.overrideAuthority(overrideAuthority);
        }
        channel = nb.build();
        heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "hanse-heartbeat-" + clientId);
            t.setDaemon(true);
            return t;
        });
        log.info("client '{}' connecting to {}:{} ({})", clientId, host, port, credentialsKind);
        try {
            return loop(client);
        } finally {
            stopHeartbeat();
            heartbeats.shutdownNow();
            synchronized (leaveLock) {
                // not while stop() is still leaving
                channel.shutdownNow();
            }
        }
    }

    /** Asks a running {@link #run} to leave the federation and return {@link #EXIT_OK}. */
    public void stop() {
        stopRequested = true;
        leave("stopped");
    }

    @Override
    public void close() {
        stop();
        ManagedChannel c = channel;
        if (c != null) {
            c.shutdownNow();
        }
    }

    private FederationGrpc.FederationBlockingStub blocking(long deadlineMillis) {
        return FederationGrpc.newBlockingStub(channel).withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS);
    }

    private static boolean interrupted(Throwable e) {
        if (Thread.currentThread().isInterrupted()) {
            return true;
        }
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof InterruptedException) {
                return true;
            }
        }
        return false;
    }

    private int killed() {
        log.warn("client '{}' interrupted: stopping without leaving", clientId);
        Thread.currentThread().interrupt();
        return EXIT_INTERRUPTED;
    }

    private enum Phase { REGISTER, SERVE }

    private int loop(Client client) {
        consecutiveFailures = 0;
        String target = host + ":" + port;
        while (true) {
            if (stopRequested) {
                return EXIT_OK;
            }
            Phase phase = Phase.REGISTER;
            try {
                RegisterReply reg = blocking(rpcTimeout.toMillis()).register(RegisterRequest.newBuilder()
                        .setProtocolVersion(Protocol.PROTOCOL_VERSION)
                        .setClientId(clientId)
                        .putAllProperties(Protocol.toProto(properties))
                        .build());
                phase = Phase.SERVE;
                sessionId = reg.getSessionId();
                sessionLost = false;
                startHeartbeat(reg.getSessionId(), reg.getHeartbeatIntervalMs());
                log.info("client '{}' registered with {} (heartbeat every {} ms)", clientId, target, reg.getHeartbeatIntervalMs());
                boolean done = serve(client, reg);
                stopHeartbeat();
                if (done) {
                    log.info("client '{}': the server finished the run", clientId);
                }
                leave(done ? "done" : "stopped");
                return EXIT_OK;
            } catch (StatusRuntimeException e) {
                stopHeartbeat();
                if (interrupted(e)) {
                    return killed();
                }
                if (stopRequested) {
                    leave("stopped");
                    return EXIT_OK;
                }
                Status st = e.getStatus();
                if (phase == Phase.REGISTER && refusal(st.getCode())) {
                    log.error("client '{}': the server at {} refused the registration: {}: {}", clientId, target, st.getCode(), st.getDescription());
                    return EXIT_REFUSED;
                }
                consecutiveFailures++;
                if (consecutiveFailures > reconnect.maxAttempts()) {
                    log.error("client '{}': giving up after {} consecutive failed attempts to reach the server at {} (last: {}: {})",
                            clientId, reconnect.maxAttempts(), target, st.getCode(), st.getDescription());
                    return EXIT_UNREACHABLE;
                }
                long delay = reconnect.delayMillis(consecutiveFailures, random);
                log.warn("client '{}': {} ({}: {}); reconnecting in {} ms (attempt {}/{})", clientId,
                        phase == Phase.REGISTER ? "cannot register with " + target : "lost the session with " + target,
                        st.getCode(), st.getDescription(), delay, consecutiveFailures, reconnect.maxAttempts());
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException ie) {
                    return killed();
                }
                channel.resetConnectBackoff();
            } catch (InterruptedException e) {
                stopHeartbeat();
                return killed();
            }
        }
    }

    private static boolean refusal(Status.Code code) {
        return code == Status.Code.UNAUTHENTICATED || code == Status.Code.PERMISSION_DENIED || code == Status.Code.FAILED_PRECONDITION
                || code == Status.Code.INVALID_ARGUMENT || code == Status.Code.UNIMPLEMENTED;
    }

    /** Transport trouble or a lost session: the caller reconnects. Anything else concerns one task. */
    private static boolean reconnectable(Status.Code code) {
        return code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED || code == Status.Code.UNAUTHENTICATED
                || code == Status.Code.CANCELLED || code == Status.Code.UNKNOWN || code == Status.Code.INTERNAL
                || code == Status.Code.ABORTED;
    }

    /** Pulls and runs tasks; true on DONE, false if stopped. */
    private boolean serve(Client client, RegisterReply reg) throws InterruptedException {
        String sid = reg.getSessionId();
        int chunkBytes = reg.getMaxChunkBytes() > 0 ? Math.min(maxChunkBytes, reg.getMaxChunkBytes()) : maxChunkBytes;
        while (true) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException();
            }
            if (stopRequested) {
                return false;
            }
            if (sessionLost) {
                throw Status.UNAUTHENTICATED.withDescription("the server no longer knows the session").asRuntimeException();
            }
            PullTaskReply reply = blocking(pollWait.toMillis() + rpcTimeout.toMillis())
                    .pullTask(PullTaskRequest.newBuilder().setSessionId(sid).setWaitMs(pollWait.toMillis()).build());
            consecutiveFailures = 0;
            if (!reply.hasTask()) {
                if (reply.getRetryAfterMs() > 0) {
                    Thread.sleep(Math.min(reply.getRetryAfterMs(), 60_000));
                }
                continue;
            }
            Task task = reply.getTask();
            if (task.getType() == TaskType.DONE) {
                return true;
            }
            handle(client, sid, chunkBytes, task);
        }
    }

    private long callDeadlineMillis(Task task) {
        long untilTask = task.getDeadlineUnixMs() - System.currentTimeMillis();
        return Math.max(rpcTimeout.toMillis(), untilTask);
    }

    private void handle(Client client, String sid, int chunkBytes, Task task) throws InterruptedException {
        TaskType type = task.getType();
        String what = type + " task of round " + task.getRound();
        // the deadline is the server's clock: the server alone decides whether a result is late
        log.debug("client '{}': {}", clientId, what);
        if (type != TaskType.FIT && type != TaskType.EVALUATE && type != TaskType.GET_PARAMETERS && type != TaskType.EXCHANGE) {
            pushError(sid, task, "task type " + type + " is not supported by this client (protocol version " + Protocol.PROTOCOL_VERSION + ")");
            return;
        }
        if (type == TaskType.EXCHANGE) {
            if (!(client instanceof io.hanse.client.MessageHandler)) {
                pushError(sid, task, "this client does not handle '" + task.getExchange().getProtocol() + "' messages (it is not a "
                        + "MessageHandler; e.g. secure aggregation needs [secagg] enabled = true on the client)");
                return;
            }
            if (!task.hasExchange() || task.getExchange().getProtocol().isEmpty()) {
                pushError(sid, task, "an EXCHANGE task without a protocol message");
                return;
            }
        }
        Scalars config;
        try {
            config = Protocol.fromProto(task.getConfigMap());
        } catch (IllegalArgumentException e) {
            pushError(sid, task, "bad task config: " + e.getMessage());
            return;
        }
        Parameters parameters = null;
        if (type != TaskType.GET_PARAMETERS && (type != TaskType.EXCHANGE || task.hasParameters())) {
            try {
                parameters = download(sid, task);
            } catch (StatusRuntimeException e) {
                if (interrupted(e)) {
                    throw new InterruptedException("interrupted during the download");
                }
                Status.Code code = e.getStatus().getCode();
                if (code == Status.Code.FAILED_PRECONDITION) {
                    log.warn("client '{}': the server withdrew the {} ({}); dropping it", clientId, what, e.getStatus().getDescription());
                    return;
                }
                if (reconnectable(code)) {
                    throw e;
                }
                pushError(sid, task, "downloading the parameters failed: " + code + ": " + e.getStatus().getDescription());
                return;
            } catch (IllegalArgumentException e) {
                log.error("client '{}': the parameters of the {} are invalid: {}", clientId, what, e.getMessage());
                pushError(sid, task, "the downloaded parameters are invalid: " + e.getMessage());
                return;
            }
        }
        Object result = null;
        String error = null;
        try {
            result = switch (type) {
                case FIT -> client.fit(parameters, config);
                case EVALUATE -> client.evaluate(parameters, config);
                case EXCHANGE -> ((io.hanse.client.MessageHandler) client).handle(task.getExchange().getProtocol(),
                        task.getExchange().getMessage().toByteArray(), parameters, config);
                default -> client.getParameters(config);
            };
            if (result == null) {
                error = "the client returned no result";
            }
        } catch (RuntimeException | Error e) {
            if (interrupted(e)) {
                throw new InterruptedException("interrupted during " + type);
            }
            log.warn("client '{}': {} failed in the client; reporting it to the server", clientId, what, e);
            error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException("interrupted during " + type);
        }
        if (stopRequested) {
            return;
        }
        push(sid, chunkBytes, task, result, error);
    }

    /** Downloads and checks a task's parameters, resuming a broken stream from the next chunk. */
    private Parameters download(String sid, Task task) throws InterruptedException {
        ParametersInfo info = task.getParameters();
        long total = info.getTotalBytes();
        int numChunks = info.getNumChunks();
        if (!task.hasParameters() || total <= 0 || numChunks <= 0 || numChunks > total || info.getSha256().size() != 32) {
            throw new IllegalArgumentException("malformed parameters description: " + total + " bytes in " + numChunks + " chunks, sha256 of "
                    + info.getSha256().size() + " bytes");
        }
        if (total > maxParametersBytes) {
            throw new IllegalArgumentException("the parameters take " + total + " bytes, more than this client accepts (" + maxParametersBytes + ")");
        }
        ParametersStream.Decoder decoder = ParametersStream.decoder(null, total);
        MessageDigest digest = Protocol.sha256();
        long received = 0;
        int next = 0;
        int resumes = 0;
        while (next < numChunks) {
            try (Context.CancellableContext ctx = Context.current().withCancellation()) {
                Context previous = ctx.attach();
                try {
                    Iterator<Chunk> chunks = blocking(callDeadlineMillis(task)).downloadParameters(DownloadRequest.newBuilder()
                            .setSessionId(sid).setTaskId(task.getTaskId()).setFromChunk(next).build());
                    while (chunks.hasNext()) {
                        Chunk c = chunks.next();
                        int n = c.getData().size();
                        if (c.getIndex() != next || next >= numChunks) {
                            throw new IllegalArgumentException("chunk " + c.getIndex() + " arrived, expected " + next + " of " + numChunks);
                        }
                        if (received + n > total) {
                            throw new IllegalArgumentException("more than the " + total + " bytes announced");
                        }
                        digest.update(c.getData().asReadOnlyByteBuffer());
                        decoder.update(c.getData().asReadOnlyByteBuffer());
                        received += n;
                        next++;
                        parameterBytesReceived.add(n);
                    }
                } finally {
                    ctx.detach(previous);
                }
            } catch (StatusRuntimeException e) {
                if (!interrupted(e) && e.getStatus().getCode() == Status.Code.UNAVAILABLE && resumes < 2) {
                    resumes++;
                    log.warn("client '{}': download broke at chunk {} of {} ({}); resuming", clientId, next, numChunks, e.getStatus().getDescription());
                    Thread.sleep(200L * resumes);
                    continue;
                }
                throw e;
            }
            if (next < numChunks) {
                throw new IllegalArgumentException("the server ended the download after chunk " + next + " of " + numChunks);
            }
        }
        if (received != total) {
            throw new IllegalArgumentException("received " + received + " bytes, " + total + " announced");
        }
        byte[] sha = digest.digest();
        if (!MessageDigest.isEqual(sha, info.getSha256().toByteArray())) {
            throw new IllegalArgumentException("sha256 mismatch: the received bytes hash to " + Protocol.hex(sha));
        }
        return decoder.finish();
    }

    private void pushError(String sid, Task task, String error) throws InterruptedException {
        push(sid, maxChunkBytes, task, null, error);
    }

    private void push(String sid, int chunkBytes, Task task, Object result, String error) throws InterruptedException {
        ResultHeader.Builder h = ResultHeader.newBuilder().setSessionId(sid).setTaskId(task.getTaskId())
                .setRound(task.getRound()).setTypeValue(task.getTypeValue());
        Payload encoder = null;
        try {
            if (error != null) {
                h.setError(error.isEmpty() ? "unknown error" : error);
            } else if (result instanceof FitResult f) {
                Object update = f.metrics().get(io.hanse.compression.Compression.COMPRESSED_UPDATE);
                if (update instanceof byte[] compressed) {
                    // a compressed update travels instead of the parameters; the server rebuilds them
                    h.setNumExamples(f.numExamples()).putAllMetrics(Protocol.toProto(io.hanse.compression.Compression.withoutPayload(f.metrics())))
                            .setEncoding(io.hanse.grpc.proto.PayloadEncoding.PAYLOAD_ENCODING_COMPRESSED_UPDATE);
                    encoder = Payload.of(compressed);
                } else {
                    h.setNumExamples(f.numExamples()).putAllMetrics(Protocol.toProto(f.metrics()));
                    encoder = Payload.of(ParametersStream.encoder(f.parameters()));
                }
            } else if (result instanceof EvaluateResult e) {
                h.setNumExamples(e.numExamples()).setLoss(e.loss()).putAllMetrics(Protocol.toProto(e.metrics()));
            } else if (result instanceof Parameters p) {
                encoder = Payload.of(ParametersStream.encoder(p));
            } else if (result instanceof byte[] reply && task.getType() == TaskType.EXCHANGE) {
                if (reply.length == 0) {
                    h.setError("the client returned an empty reply");
                } else {
                    encoder = Payload.of(reply);
                }
            } else {
                h.setError("the client returned " + result.getClass().getName() + " for a " + task.getType() + " task");
            }
        } catch (IllegalArgumentException e) {
            h.clearMetrics().setError("the result cannot be encoded: " + e.getMessage());
            encoder = null;
        }
        if (encoder != null) {
            h.setParametersBytes(encoder.size()).setParametersSha256(ByteString.copyFrom(encoder.sha256()));
        }
        try {
            send(h.build(), encoder, chunkBytes, callDeadlineMillis(task));
            log.debug("client '{}': pushed the {} result of round {}", clientId, task.getType(), task.getRound());
        } catch (StatusRuntimeException e) {
            if (interrupted(e)) {
                throw new InterruptedException("interrupted during the push");
            }
            Status st = e.getStatus();
            if (st.getCode() == Status.Code.FAILED_PRECONDITION) {
                log.warn("client '{}': the server refused the {} result of round {} as stale ({}); dropping it",
                        clientId, task.getType(), task.getRound(), st.getDescription());
                return;
            }
            if ((st.getCode() == Status.Code.INVALID_ARGUMENT || st.getCode() == Status.Code.RESOURCE_EXHAUSTED) && error == null) {
                log.error("client '{}': the server refused the {} result of round {}: {}: {}", clientId, task.getType(), task.getRound(),
                        st.getCode(), st.getDescription());
                try {
                    send(ResultHeader.newBuilder().setSessionId(sid).setTaskId(task.getTaskId()).setRound(task.getRound())
                            .setTypeValue(task.getTypeValue()).setError("the server refused the result: " + st.getDescription()).build(), null, chunkBytes,
                            rpcTimeout.toMillis());
                } catch (StatusRuntimeException again) {
                    if (reconnectable(again.getStatus().getCode())) {
                        throw again;
                    }
                }
                return;
            }
            if (reconnectable(st.getCode())) {
                throw e;
            }
            log.error("client '{}': pushing the {} result of round {} failed: {}: {}", clientId, task.getType(), task.getRound(),
                    st.getCode(), st.getDescription());
        }
    }

    /** One PushResult call: the header, then the chunks as fast as flow control allows. */
    /** What a push uploads in chunks: an HNSP encoding, or the raw bytes of an EXCHANGE reply. */
    private interface Payload {
        long size();

        byte[] read(long offset, int length);

        byte[] sha256();

        static Payload of(ParametersStream.Encoder e) {
            return new Payload() {
                public long size() {
                    return e.size();
                }

                public byte[] read(long offset, int length) {
                    return e.read(offset, length);
                }

                public byte[] sha256() {
                    return Protocol.sha256(e);
                }
            };
        }

        static Payload of(byte[] bytes) {
            return new Payload() {
                public long size() {
                    return bytes.length;
                }

                public byte[] read(long offset, int length) {
                    return java.util.Arrays.copyOfRange(bytes, (int) offset, (int) offset + length);
                }

                public byte[] sha256() {
                    return Protocol.sha256().digest(bytes);
                }
            };
        }
    }

    private PushResultReply send(ResultHeader header, Payload encoder, int chunkBytes, long deadlineMillis)
            throws InterruptedException {
        CompletableFuture<PushResultReply> reply = new CompletableFuture<>();
        Object ready = new Object();
        ClientResponseObserver<ResultPart, PushResultReply> observer = new ClientResponseObserver<>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<ResultPart> requestStream) {
                requestStream.setOnReadyHandler(() -> {
                    synchronized (ready) {
                        ready.notifyAll();
                    }
                });
            }

            @Override
            public void onNext(PushResultReply value) {
                reply.complete(value);
            }

            @Override
            public void onError(Throwable t) {
                reply.completeExceptionally(t);
                synchronized (ready) {
                    ready.notifyAll();
                }
            }

            @Override
            public void onCompleted() {
                reply.complete(PushResultReply.getDefaultInstance());
            }
        };
        ClientCallStreamObserver<ResultPart> requests = (ClientCallStreamObserver<ResultPart>)
                FederationGrpc.newStub(channel).withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS).pushResult(observer);
        try {
            requests.onNext(ResultPart.newBuilder().setHeader(header).build());
            if (encoder != null) {
                long size = encoder.size();
                int index = 0;
                for (long off = 0; off < size && !reply.isDone(); index++) {
                    synchronized (ready) {
                        while (!requests.isReady() && !reply.isDone()) {
                            ready.wait(100);
                        }
                    }
                    if (reply.isDone()) {
                        break; // the server answered early: it refused the push
                    }
                    int n = (int) Math.min(chunkBytes, size - off);
                    byte[] data = encoder.read(off, n);
                    requests.onNext(ResultPart.newBuilder().setChunk(Chunk.newBuilder().setIndex(index)
                            .setData(UnsafeByteOperations.unsafeWrap(data))).build());
                    parameterBytesSent.add(n);
                    off += n;
                }
            }
            if (!reply.isDone()) {
                requests.onCompleted();
            }
            return reply.get();
        } catch (InterruptedException e) {
            requests.cancel("interrupted", e);
            throw e;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StatusRuntimeException sre) {
                throw sre;
            }
            throw Status.fromThrowable(e.getCause()).asRuntimeException();
        } catch (RuntimeException e) {
            requests.cancel("push failed", e);
            throw e;
        }
    }

    private void startHeartbeat(String sid, long intervalMs) {
        stopHeartbeat();
        long interval = intervalMs > 0 ? intervalMs : 5000;
        long deadline = Math.max(1000, Math.min(rpcTimeout.toMillis(), 2 * interval));
        heartbeatTask = heartbeats.scheduleWithFixedDelay(() -> {
            try {
                HeartbeatReply r = blocking(deadline).heartbeat(HeartbeatRequest.newBuilder().setSessionId(sid).build());
                if (!r.getKnown()) {
                    log.warn("client '{}': the server no longer knows this session; registering again", clientId);
                    sessionLost = true;
                }
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() == Status.Code.UNAUTHENTICATED) {
                    sessionLost = true;
                }
                log.debug("client '{}': heartbeat failed: {}", clientId, e.getStatus());
            } catch (RuntimeException e) {
                log.warn("client '{}': heartbeat failed", clientId, e);
            }
        }, interval, interval, TimeUnit.MILLISECONDS);
    }

    private void stopHeartbeat() {
        ScheduledFuture<?> t = heartbeatTask;
        if (t != null) {
            t.cancel(true);
            heartbeatTask = null;
        }
    }

    private void leave(String reason) {
        synchronized (leaveLock) {
            String sid = sessionId;
            ManagedChannel c = channel;
            if (sid == null || c == null || c.isShutdown() || !sessionsLeft.add(sid)) {
                return;
            }
            try {
                blocking(Math.min(rpcTimeout.toMillis(), 5000)).leave(LeaveRequest.newBuilder().setSessionId(sid).setReason(reason).build());
            } catch (StatusRuntimeException e) {
                log.debug("client '{}': leave failed: {}", clientId, e.getStatus());
            }
        }
    }

    /** Adds the protocol version and the bearer token to every call. */
    private final class MetadataInterceptor implements ClientInterceptor {
        @Override
        public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
            return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                @Override
                public void start(Listener<R> listener, Metadata headers) {
                    headers.put(Protocol.VERSION_HEADER, protocolVersion);
                    if (token != null) {
                        headers.put(Protocol.AUTHORIZATION, Protocol.BEARER + token);
                    }
                    super.start(listener, headers);
                }
            };
        }
    }

    /** Options of {@link GrpcClientRuntime}. */
    public static final class Builder {
        private String host;
        private int port;
        private boolean insecure;
        private Path trustCa;
        private Path clientCertificate;
        private Path clientKey;
        private String token;
        private String clientId;
        private Scalars properties = Scalars.EMPTY;
        private ReconnectPolicy reconnect = ReconnectPolicy.defaults();
        private Random random;
        private Duration rpcTimeout = Duration.ofSeconds(30);
        private Duration pollWait = Duration.ofSeconds(20);
        private int maxChunkBytes = Protocol.DEFAULT_MAX_CHUNK_BYTES;
        private int maxInboundMessageBytes = Protocol.DEFAULT_MAX_MESSAGE_BYTES;
        private long maxParametersBytes = 8L << 30;
        private Duration keepAliveTime = Duration.ofSeconds(30);
        private String overrideAuthority;
        private String protocolVersion = Integer.toString(Protocol.PROTOCOL_VERSION);

        /** The server as {@code host:port} ({@code [v6]:port} for IPv6 literals). Required. */
        public Builder target(String hostAndPort) {
            int colon = hostAndPort.lastIndexOf(':');
            if (colon <= 0 || colon == hostAndPort.length() - 1) {
                throw new IllegalArgumentException("target '" + hostAndPort + "' is not host:port");
            }
            String h = hostAndPort.substring(0, colon);
            if (h.startsWith("[") && h.endsWith("]")) {
                h = h.substring(1, h.length() - 1);
            }
            int p;
            try {
                p = Integer.parseInt(hostAndPort.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("target '" + hostAndPort + "' has no valid port");
            }
            return target(h, p);
        }

        public Builder target(String host, int port) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port = " + port + " is invalid, allowed: 1..65535");
            }
            this.host = Objects.requireNonNull(host);
            this.port = port;
            return this;
        }

        /** Plaintext instead of TLS (loopback or trusted networks only). */
        public Builder insecure(boolean insecure) {
            this.insecure = insecure;
            return this;
        }

        /** Trust server certificates signed by this PEM CA (default: the JVM's trusted CAs). */
        public Builder trustCa(Path caCertificate) {
            this.trustCa = caCertificate;
            return this;
        }

        /** Present this PEM certificate (chain) and PEM PKCS#8 key: mutual TLS. */
        public Builder clientCertificate(Path certificate, Path privateKey) {
            this.clientCertificate = Objects.requireNonNull(certificate);
            this.clientKey = Objects.requireNonNull(privateKey);
            return this;
        }

        /** Sent as {@code authorization: Bearer <token>} on every call. */
        public Builder token(String token) {
            this.token = token;
            return this;
        }

        /** The client's stable id (1 to 128 of letters, digits and . _ : @ + = / -). Required. */
        public Builder clientId(String clientId) {
            this.clientId = Objects.requireNonNull(clientId);
            return this;
        }

        /** Sent at registration; the server exposes them on the client's proxy. */
        public Builder properties(Scalars properties) {
            this.properties = Objects.requireNonNull(properties);
            return this;
        }

        public Builder reconnect(ReconnectPolicy policy) {
            this.reconnect = Objects.requireNonNull(policy);
            return this;
        }

        /** The random source of the backoff jitter (default: unseeded). */
        public Builder random(Random random) {
            this.random = random;
            return this;
        }

        public Builder seed(long seed) {
            this.random = new Random(seed);
            return this;
        }

        /** Deadline of each unary call (register, heartbeat, leave), added to the long poll's wait. Default 30 s. */
        public Builder rpcTimeout(Duration timeout) {
            this.rpcTimeout = positive("rpc_timeout", timeout);
            return this;
        }

        /** How long one PullTask may wait for a task (the server may cap it). Default 20 s. */
        public Builder pollWait(Duration wait) {
            this.pollWait = positive("poll_wait", wait);
            return this;
        }

        /** The largest chunk this client sends (the server's limit applies too). Default 1 MiB. */
        public Builder maxChunkBytes(int bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("max_chunk_bytes = " + bytes + " is invalid, allowed: >= 1");
            }
            this.maxChunkBytes = bytes;
            return this;
        }

        /** Largest inbound gRPC message. Default 4 MiB; must hold the server's chunks. */
        public Builder maxInboundMessageBytes(int bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("max_inbound_message_bytes = " + bytes + " is invalid, allowed: >= 1024");
            }
            this.maxInboundMessageBytes = bytes;
            return this;
        }

        /** Largest parameters download accepted. Default 8 GiB. */
        public Builder maxParametersBytes(long bytes) {
            this.maxParametersBytes = bytes;
            return this;
        }

        /** HTTP/2 keepalive ping interval (the server must permit it). Default 30 s. */
        public Builder keepAliveTime(Duration time) {
            this.keepAliveTime = positive("keepalive_time", time);
            return this;
        }

        /** The TLS authority (host name) to verify instead of the target's host. */
        public Builder overrideAuthority(String authority) {
            this.overrideAuthority = authority;
            return this;
        }

        /** The protocol version sent in the header; for compatibility tests only. */
        Builder protocolVersion(String version) {
            this.protocolVersion = version;
            return this;
        }

        public GrpcClientRuntime build() {
            if (host == null) {
                throw new IllegalStateException("a target host:port is required");
            }
            if (clientId == null || clientId.isEmpty()) {
                throw new IllegalStateException("a client id is required");
            }
            if (insecure && (trustCa != null || clientCertificate != null)) {
                throw new IllegalStateException("insecure (plaintext) contradicts the TLS files given");
            }
            if (insecure) {
                boolean loopback;
                try {
                    loopback = InetAddress.getByName(host).isLoopbackAddress();
                } catch (IOException e) {
                    loopback = false;
                }
                if (!loopback) {
                    log.warn("client '{}' talks PLAINTEXT to {}: parameters and token cross the network unencrypted", clientId, host);
                }
            }
            return new GrpcClientRuntime(this);
        }

        private static Duration positive(String key, Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(key + " = " + d + " is invalid, allowed: > 0");
            }
            return d;
        }
    }
}
