package io.hanse.grpc;

import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.hanse.core.ParameterLayout;
import io.hanse.core.Parameters;
import io.hanse.core.Scalars;
import io.hanse.grpc.proto.PullTaskReply;
import io.hanse.grpc.proto.Task;
import io.hanse.grpc.proto.TaskType;
import io.hanse.server.ClientManager;
import io.hanse.server.ClientProxy;
import io.hanse.server.RoundListener;
import io.hanse.server.RoundRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server end of the Hanse gRPC transport. Clients dial in, register, and pull tasks; every
 * registered client id appears in the {@link ClientManager} as a {@link GrpcClientProxy}, so the
 * ordinary {@link io.hanse.server.Server} round loop drives remote clients exactly as it drives
 * simulated ones.
 *
 * <pre>{@code
 * ClientManager clients = new ClientManager();
 * try (GrpcFederationServer transport = GrpcFederationServer.builder()
 *         .bind("0.0.0.0", 9092).clientManager(clients)
 *         .tls(Path.of("server.pem"), Path.of("server.key")).clientCa(Path.of("ca.pem"))
 *         .authenticator(ClientAuthenticator.perClient(tokens))
 *         .expectedLayout(model.layout())
 *         .build().start()) {
 *     Server server = new Server(clients, strategy, config, transport.roundTracker());
 *     server.run();
 *     transport.finish(Duration.ofSeconds(30));   // tells every client DONE, then stops
 * }
 * }</pre>
 *
 * <p>Every incoming message is validated before use; a bad one is answered with a status and a reason,
 * logged (rate-limited), and changes nothing: UNAUTHENTICATED (missing or wrong token, unknown
 * session), FAILED_PRECONDITION (protocol version, stale or unknown task, round or type mismatch),
 * INVALID_ARGUMENT (malformed header, chunk order, SHA-256 mismatch, bad HNSP, layout other than the
 * expected one, NaN or infinity, negative num_examples, a malformed compressed update: see
 * {@link io.hanse.compression.UpdateCodec}), RESOURCE_EXHAUSTED (more bytes than the
 * expected layout encodes to or than allowed, too many or too large chunks).
 *
 * <p>Compression ({@link io.hanse.compression.Compression}): a task whose config asks for float16 down
 * compression sends the global model as float16 HNSP; a FIT result may carry a compressed update, which is
 * added to the server's full-precision copy of the parameters sent with the task. {@link #parameterBytesSent()}
 * and {@link #parameterBytesReceived()} count these payload bytes, as a simulation does.
 */
public final class GrpcFederationServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GrpcFederationServer.class);
    private static final SecureRandom IDS = new SecureRandom();

    static final PullTaskReply DONE_REPLY = PullTaskReply.newBuilder()
            .setTask(Task.newBuilder().setTaskId("done").setType(TaskType.DONE)).build();
    static final PullTaskReply EMPTY_REPLY = PullTaskReply.getDefaultInstance();

    final String host;
    final int requestedPort;
    final ClientManager clients;
    final Path certChain;
    final Path privateKey;
    final Path clientCa;
    final boolean allowInsecure;
    final ClientAuthenticator authenticator;
    final Duration heartbeatInterval;
    final Duration heartbeatTimeout;
    final Duration maxPullWait;
    final int maxChunkBytes;
    final int maxInboundMessageBytes;
    final long maxParametersBytes;
    final Duration keepAliveTime;
    final Duration keepAliveTimeout;
    final Duration permitKeepAliveTime;
    final Duration maxConnectionIdle;
    final boolean loopback;

    private volatile ParameterLayout expectedLayout;
    private volatile int round = 1;
    private volatile boolean done;
    private volatile boolean closing;

    private io.grpc.Server server;
    final ScheduledThreadPoolExecutor timer;
    final LogLimiter refusals = new LogLimiter(log, 20);
    private final Object membership = new Object();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Map<String, GrpcClientProxy> proxies = new ConcurrentHashMap<>();
    private final Map<Parameters, OutgoingParameters> outgoing = new IdentityHashMap<>();
    private final AtomicLong parametersIds = new AtomicLong();

    private final LongAdder bytesSent = new LongAdder();
    private final LongAdder bytesReceived = new LongAdder();
    final LongAdder parameterBytesSent = new LongAdder();
    final LongAdder parameterBytesReceived = new LongAdder();

    private GrpcFederationServer(Builder b) {
        this.host = b.host;
        this.requestedPort = b.port;
        this.clients = b.clients;
        this.certChain = b.certChain;
        this.privateKey = b.privateKey;
        this.clientCa = b.clientCa;
        this.allowInsecure = b.allowInsecure;
        this.authenticator = b.authenticator;
        this.heartbeatInterval = b.heartbeatInterval;
        this.heartbeatTimeout = b.heartbeatTimeout;
        this.maxPullWait = b.maxPullWait;
        this.maxChunkBytes = b.maxChunkBytes;
        this.maxInboundMessageBytes = b.maxInboundMessageBytes;
        this.maxParametersBytes = b.maxParametersBytes;
        this.keepAliveTime = b.keepAliveTime;
        this.keepAliveTimeout = b.keepAliveTimeout;
        this.permitKeepAliveTime = b.permitKeepAliveTime;
        this.maxConnectionIdle = b.maxConnectionIdle;
        this.expectedLayout = b.expectedLayout;
        this.loopback = b.loopback;
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "hanse-grpc-server-timer");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Binds and starts serving; returns {@code this}. */
    public GrpcFederationServer start() throws IOException {
        synchronized (membership) {
            if (server != null) {
                throw new IllegalStateException("already started");
            }
            ServerCredentials credentials;
            if (certChain != null) {
                TlsServerCredentials.Builder tls = TlsServerCredentials.newBuilder().keyManager(certChain.toFile(), privateKey.toFile());
                if (clientCa != null) {
                    tls.trustManager(clientCa.toFile()).clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
                }
                credentials = tls.build();
            } else {
                credentials = InsecureServerCredentials.create();
            }
            NettyServerBuilder nb = NettyServerBuilder.forAddress(new InetSocketAddress(host, requestedPort), credentials)
                    .addService(ServerInterceptors.intercept(new FederationService(this), new ProtocolInterceptor(this)))
                    .addStreamTracerFactory(new ServerStreamTracer.Factory() {
                        @Override
                        public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
                            return new ServerStreamTracer() {
                                @Override
                                public void outboundWireSize(long bytes) {
                                    bytesSent.add(bytes);
                                }

                                @Override
                                public void inboundWireSize(long bytes) {
                                    bytesReceived.add(bytes);
                                }
                            };
                        }
                    })
                    .maxInboundMessageSize(maxInboundMessageBytes)
                    .keepAliveTime(keepAliveTime.toMillis(), TimeUnit.MILLISECONDS)
                    .keepAliveTimeout(keepAliveTimeout.toMillis(), TimeUnit.MILLISECONDS)
                    .permitKeepAliveTime(permitKeepAliveTime.toMillis(), TimeUnit.MILLISECONDS)
                    .permitKeepAliveWithoutCalls(true);
            if (maxConnectionIdle != null) {
                nb.maxConnectionIdle(maxConnectionIdle.toMillis(), TimeUnit.MILLISECONDS);
            }
            server = nb.build().start();
            long period = Math.max(10, Math.min(heartbeatInterval.toMillis(), 1000));
            timer.scheduleWithFixedDelay(this::evictSilentSessions, period, period, TimeUnit.MILLISECONDS);
        }
        log.info("federation server listening on {}:{} ({}{}), heartbeat {} ms, timeout {} ms, chunks of {} bytes",
                host, port(), certChain == null ? "plaintext" : clientCa == null ? "TLS" : "mutual TLS",
                authenticator == null ? ", no client authentication" : ", token authentication",
                heartbeatInterval.toMillis(), heartbeatTimeout.toMillis(), maxChunkBytes);
        return this;
    }

    /** The port bound (the ephemeral one chosen when the builder said 0). */
    public int port() {
        if (server == null) {
            throw new IllegalStateException("not started");
        }
        return server.getPort();
    }

    public ClientManager clientManager() {
        return clients;
    }

    /** The layout every uploaded result must have; null: a fit result must match the parameters sent. */
    public ParameterLayout expectedLayout() {
        return expectedLayout;
    }

    /** Sets the layout uploads are checked against, once the model is known. */
    public void setExpectedLayout(ParameterLayout layout) {
        this.expectedLayout = layout;
    }

    /** The round number stamped on FIT and EVALUATE tasks whose config has no integer {@code server_round}. */
    public int round() {
        return round;
    }

    public void setRound(int round) {
        this.round = round;
    }

    /**
     * A listener to give the {@link io.hanse.server.Server}: after round r completes, tasks are stamped
     * round r + 1. Compose it with other listeners as needed.
     */
    public RoundListener roundTracker() {
        return new RoundListener() {
            @Override
            public void onRoundCompleted(RoundRecord record, Parameters global) {
                round = record.round() + 1;
            }
        };
    }

    /** The proxy of {@code clientId}, if it ever registered. */
    public Optional<GrpcClientProxy> proxy(String clientId) {
        return Optional.ofNullable(proxies.get(clientId));
    }

    /** Clients with a live session. */
    public int numSessions() {
        return sessions.size();
    }

    /** Bytes of all gRPC messages sent (as serialized on the wire, before HTTP/2 framing). */
    public long bytesSent() {
        return bytesSent.sum();
    }

    /** Bytes of all gRPC messages received (as serialized on the wire, before HTTP/2 framing). */
    public long bytesReceived() {
        return bytesReceived.sum();
    }

    /** Bytes of encoded parameters sent in download chunks. */
    public long parameterBytesSent() {
        return parameterBytesSent.sum();
    }

    /** Bytes of encoded parameters received in accepted-so-far upload chunks. */
    public long parameterBytesReceived() {
        return parameterBytesReceived.sum();
    }

    /** Whether {@link #finish} was called: every pull is answered DONE. */
    public boolean isFinished() {
        return done;
    }

    /**
     * Ends the run: every outstanding task fails, every client's next (or parked) pull is answered DONE,
     * and once all clients have left, or {@code grace} has passed, the server shuts down.
     */
    public void finish(Duration grace) throws InterruptedException {
        done = true;
        log.info("run finished: telling {} connected client(s) DONE", sessions.size());
        for (Session s : new ArrayList<>(sessions.values())) {
            List<PendingTask> pending;
            Session.Poll poll;
            synchronized (s) {
                pending = new ArrayList<>(s.tasks.values());
                s.tasks.clear();
                s.queue.clear();
                poll = s.poll;
                s.poll = null;
            }
            pending.forEach(t -> t.future.completeExceptionally(new TaskFailedException("the server finished the run")));
            if (poll != null && poll.reply(DONE_REPLY)) {
                s.doneDelivered = true;
            }
        }
        long deadline = System.nanoTime() + grace.toNanos();
        while (!sessions.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        if (!sessions.isEmpty()) {
            log.warn("{} client(s) did not leave within {} ms of DONE; shutting down anyway", sessions.size(), grace.toMillis());
        }
        shutdown(Duration.ofNanos(Math.max(Duration.ofSeconds(1).toNanos(), deadline - System.nanoTime())));
    }

    /**
     * Stops the server without telling clients DONE (they will try to reconnect): new calls are refused,
     * every session ends (its tasks fail, its parked pull is answered UNAVAILABLE), calls in progress
     * get {@code grace} to finish, and then are cut.
     */
    public void shutdown(Duration grace) {
        synchronized (membership) {
            if (closing) {
                return;
            }
            closing = true;
        }
        if (server != null) {
            server.shutdown();
        }
        for (Session s : new ArrayList<>(sessions.values())) {
            endSession(s, "the server shut down", Status.UNAVAILABLE.withDescription("the server is shutting down"));
        }
        try {
            if (server != null && !server.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                server.shutdownNow();
                server.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        } finally {
            timer.shutdownNow();
        }
        log.info("federation server stopped: {} bytes sent, {} bytes received", bytesSent(), bytesReceived());
    }

    /** {@link #shutdown} with a 5-second grace. */
    @Override
    public void close() {
        shutdown(Duration.ofSeconds(5));
    }

    // ------------------------------------------------------------------ sessions

    static String newId(int bytes) {
        byte[] b = new byte[bytes];
        IDS.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    Session register(String clientId, String token, Scalars properties) {
        Session session = new Session(newId(16), clientId, token, properties);
        Session old;
        synchronized (membership) {
            if (closing) {
                throw Status.UNAVAILABLE.withDescription("the server is shutting down").asRuntimeException();
            }
            GrpcClientProxy proxy = proxies.computeIfAbsent(clientId, id -> new GrpcClientProxy(this, id));
            old = proxy.session;
            if (old != null) {
                sessions.remove(old.id, old);
            }
            sessions.put(session.id, session);
            proxy.session = session;
            if (!clients.register(proxy) && !managerHolds(proxy)) {
                // another proxy with this id (e.g. of a server instance that did not unregister): replace it
                clients.unregister(clientId);
                clients.register(proxy);
            }
        }
        if (old != null) {
            log.info("client '{}' registered again: {} replaces {}; its outstanding tasks fail", clientId, session, old);
            close(old, "client '" + clientId + "' registered again (new session); the old session's task was dropped",
                    Status.UNAUTHENTICATED.withDescription("this session was replaced by a new registration of the same client id"));
        }
        return session;
    }

    private boolean managerHolds(ClientProxy proxy) {
        for (ClientProxy p : clients.all()) {
            if (p == proxy) {
                return true;
            }
        }
        return false;
    }

    /** The live session {@code sessionId}, authenticated by {@code token}; touches it. */
    Session requireSession(String sessionId, String token) {
        Session s = sessionId.isEmpty() ? null : sessions.get(sessionId);
        if (s == null) {
            throw Status.UNAUTHENTICATED.withDescription("unknown session (it ended, was evicted or replaced, or the server restarted): register again")
                    .asRuntimeException();
        }
        if (authenticator != null && (token == null || !ClientAuthenticator.constantTimeEquals(token, s.token))) {
            throw Status.UNAUTHENTICATED.withDescription("the bearer token does not match the session's").asRuntimeException();
        }
        s.touch();
        return s;
    }

    /** The session if it exists (no authentication check), for heartbeats. */
    Session findSession(String sessionId) {
        return sessionId.isEmpty() ? null : sessions.get(sessionId);
    }

    /** Ends {@code s}: removes it, takes its client out of the manager, fails its tasks and parked pull. */
    void endSession(Session s, String reason, Status pollStatus) {
        synchronized (membership) {
            sessions.remove(s.id, s);
            GrpcClientProxy proxy = proxies.get(s.clientId);
            if (proxy != null && proxy.session == s) {
                proxy.session = null;
                if (managerHolds(proxy)) {
                    clients.unregister(s.clientId);
                }
            }
        }
        close(s, reason, pollStatus);
    }

    private void close(Session s, String reason, Status pollStatus) {
        List<PendingTask> pending;
        Session.Poll poll;
        synchronized (s) {
            s.closed = true;
            pending = new ArrayList<>(s.tasks.values());
            s.tasks.clear();
            s.queue.clear();
            poll = s.poll;
            s.poll = null;
        }
        for (PendingTask t : pending) {
            t.future.completeExceptionally(new TaskFailedException(reason));
        }
        if (poll != null) {
            poll.fail(pollStatus);
        }
    }

    private void evictSilentSessions() {
        long now = System.nanoTime();
        long limit = heartbeatTimeout.toNanos();
        for (Session s : sessions.values()) {
            long silent = now - s.lastSeenNanos;
            if (silent > limit) {
                long ms = silent / 1_000_000;
                log.warn("evicting {}: no heartbeat for {} ms (timeout {} ms)", s, ms, heartbeatTimeout.toMillis());
                endSession(s, "client '" + s.clientId + "' evicted: no heartbeat for " + ms + " ms",
                        Status.UNAUTHENTICATED.withDescription("session evicted: no heartbeat for " + ms + " ms"));
            }
        }
    }

    // ------------------------------------------------------------------ tasks

    <T> CompletableFuture<T> enqueue(GrpcClientProxy proxy, TaskType type, Parameters parameters, Scalars config, Duration timeout) {
        return enqueue(proxy, type, parameters, config, timeout, null);
    }

    /** {@code exchange}: the message of an EXCHANGE task (null for the other types). */
    <T> CompletableFuture<T> enqueue(GrpcClientProxy proxy, TaskType type, Parameters parameters, Scalars config, Duration timeout,
                                     io.hanse.grpc.proto.ExchangeMessage exchange) {
        CompletableFuture<T> future = new CompletableFuture<>();
        if (exchange != null && exchange.getMessage().size() > maxChunkBytes) {
            future.completeExceptionally(new IllegalArgumentException("the '" + exchange.getProtocol() + "' message takes "
                    + exchange.getMessage().size() + " bytes, more than max_chunk_bytes = " + maxChunkBytes + " (messages travel inline)"));
            return future;
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            future.completeExceptionally(new IllegalArgumentException("timeout must be > 0, got " + timeout));
            return future;
        }
        if (done || closing) {
            future.completeExceptionally(new TaskFailedException("the server has finished"));
            return future;
        }
        Session s = proxy.session;
        if (s == null) {
            future.completeExceptionally(new TaskFailedException("client '" + proxy.id() + "' is not connected"));
            return future;
        }
        Scalars cfg = config == null ? Scalars.EMPTY : config;
        OutgoingParameters out;
        Task message;
        int taskRound = type == TaskType.GET_PARAMETERS ? 0 : roundOf(cfg);
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        String taskId = newId(8);
        try {
            out = parameters == null ? null : outgoing(parameters, io.hanse.compression.Compression.float16Down(cfg)
                    && io.hanse.compression.Compression.fitsFloat16(parameters)
                    ? io.hanse.core.ParametersCodec.DTYPE_FLOAT16 : io.hanse.core.ParametersCodec.DTYPE_FLOAT32);
            Task.Builder tb = Task.newBuilder().setTaskId(taskId).setType(type).setRound(taskRound)
                    .putAllConfig(Protocol.toProto(cfg)).setDeadlineUnixMs(deadline);
            if (out != null) {
                tb.setParameters(out.info);
            }
            if (exchange != null) {
                tb.setExchange(exchange);
            }
            message = tb.build();
        } catch (RuntimeException e) {
            future.completeExceptionally(e);
            return future;
        }
        PendingTask task = new PendingTask(taskId, type, taskRound, message, out, future, s);
        boolean added;
        synchronized (s) {
            added = !s.closed;
            if (added) {
                s.tasks.put(taskId, task);
                s.queue.addLast(task);
            }
        }
        if (!added) {
            future.completeExceptionally(new TaskFailedException("client '" + proxy.id() + "' is not connected"));
            return future;
        }
        try {
            task.deadlineTimer = timer.schedule(() -> future.completeExceptionally(new TimeoutException(
                    type + " of client '" + proxy.id() + "' timed out after " + timeout.toMillis() + " ms")), timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            future.completeExceptionally(new TaskFailedException("the server has stopped"));
        }
        future.whenComplete((r, e) -> withdraw(task));
        log.debug("queued {} for {}", task, s);
        deliverQueued(s);
        return future;
    }

    private int roundOf(Scalars config) {
        if (config.get("server_round") instanceof Long l && l >= 0 && l <= Integer.MAX_VALUE) {
            return l.intValue();
        }
        return round;
    }

    private OutgoingParameters outgoing(Parameters parameters, byte dtype) {
        synchronized (outgoing) {
            OutgoingParameters out = outgoing.get(parameters);
            if (out == null || out.dtype != dtype) {
                // the same global model goes to every client of a round: encode its digest once
                out = new OutgoingParameters("p" + parametersIds.incrementAndGet(), parameters, maxChunkBytes, dtype);
                if (outgoing.size() >= 2) {
                    outgoing.clear();
                }
                outgoing.put(parameters, out);
            }
            return out;
        }
    }

    /** Takes the task out of its session (it completed, failed, timed out or was cancelled). */
    private void withdraw(PendingTask t) {
        var timerTask = t.deadlineTimer;
        if (timerTask != null) {
            timerTask.cancel(false);
        }
        synchronized (t.session) {
            t.session.tasks.remove(t.id, t);
            t.session.queue.remove(t);
        }
    }

    /** Completes {@code t} with a pushed result; false if it was withdrawn meanwhile (stale). */
    boolean completeTask(PendingTask t, Object result) {
        boolean removed;
        synchronized (t.session) {
            removed = t.session.tasks.remove(t.id, t);
            t.session.queue.remove(t);
        }
        if (!removed) {
            return false;
        }
        if (result instanceof TaskFailedException e) {
            return t.future.completeExceptionally(e);
        }
        return t.complete(result);
    }

    /** Answers the session's parked pull with its next queued task, if both exist. */
    void deliverQueued(Session s) {
        while (true) {
            PendingTask t;
            Session.Poll poll;
            synchronized (s) {
                if (s.poll == null) {
                    return;
                }
                t = s.nextQueued();
                if (t == null) {
                    return;
                }
                poll = s.poll;
                s.poll = null;
            }
            if (poll.reply(PullTaskReply.newBuilder().setTask(t.message).build())) {
                log.debug("delivered {} to {}", t, s);
                return;
            }
            // the pull's call was gone: put the task back for the next pull
            synchronized (s) {
                if (!s.closed && s.tasks.get(t.id) == t) {
                    s.queue.addFirst(t);
                }
            }
        }
    }

    boolean isDone() {
        return done;
    }

    boolean isClosing() {
        return closing;
    }

    /** Why a client-declared size is refused, logged and sent. */
    void logRefusal(String method, String peer, Status status) {
        refusals.warn("refused {} from {}: {}: {}", method, peer, status.getCode(), status.getDescription());
    }

    static StatusRuntimeException status(Status status, String description) {
        return status.withDescription(description).asRuntimeException();
    }

    // ------------------------------------------------------------------ builder

    /** Options of {@link GrpcFederationServer}; {@link #build} checks them. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = 9092;
        private ClientManager clients;
        private ParameterLayout expectedLayout;
        private Path certChain;
        private Path privateKey;
        private Path clientCa;
        private boolean allowInsecure;
        private ClientAuthenticator authenticator;
        private Duration heartbeatInterval = Duration.ofSeconds(5);
        private Duration heartbeatTimeout;
        private Duration maxPullWait = Duration.ofSeconds(20);
        private int maxChunkBytes = Protocol.DEFAULT_MAX_CHUNK_BYTES;
        private int maxInboundMessageBytes = Protocol.DEFAULT_MAX_MESSAGE_BYTES;
        private long maxParametersBytes = 4L << 30;
        private Duration keepAliveTime = Duration.ofSeconds(60);
        private Duration keepAliveTimeout = Duration.ofSeconds(20);
        private Duration permitKeepAliveTime = Duration.ofSeconds(10);
        private Duration maxConnectionIdle;
        private boolean loopback;

        /** Address and port to listen on; port 0 picks a free one ({@link #port()} tells which). Default 127.0.0.1:9092. */
        public Builder bind(String host, int port) {
            this.host = Objects.requireNonNull(host, "host");
            return port(port);
        }

        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port = " + port + " is invalid, allowed: 0..65535");
            }
            this.port = port;
            return this;
        }

        /** Where registered clients appear. Required. */
        public Builder clientManager(ClientManager clients) {
            this.clients = Objects.requireNonNull(clients);
            return this;
        }

        /** The layout every uploaded result must have (also settable later). */
        public Builder expectedLayout(ParameterLayout layout) {
            this.expectedLayout = layout;
            return this;
        }

        /** Serve TLS with this PEM certificate chain and PEM (PKCS#8) private key. */
        public Builder tls(Path certificateChain, Path privateKey) {
            this.certChain = Objects.requireNonNull(certificateChain);
            this.privateKey = Objects.requireNonNull(privateKey);
            return this;
        }

        /** Require client certificates signed by this PEM CA: mutual TLS. Needs {@link #tls}. */
        public Builder clientCa(Path caCertificate) {
            this.clientCa = caCertificate;
            return this;
        }

        /** Allow plaintext (and no authenticator) on a non-loopback address; logs a warning. */
        public Builder allowInsecure(boolean allow) {
            this.allowInsecure = allow;
            return this;
        }

        /** Checks each registration's bearer token; null: no authentication (loopback, insecure or mutual TLS only). */
        public Builder authenticator(ClientAuthenticator authenticator) {
            this.authenticator = authenticator;
            return this;
        }

        /** How often clients are told to send heartbeats. Default 5 s. */
        public Builder heartbeatInterval(Duration interval) {
            this.heartbeatInterval = positive("heartbeat_interval", interval);
            return this;
        }

        /** Silence after which a client is evicted and its tasks fail. Default 3 heartbeat intervals. */
        public Builder heartbeatTimeout(Duration timeout) {
            this.heartbeatTimeout = positive("heartbeat_timeout", timeout);
            return this;
        }

        /** The longest a PullTask waits for a task. Default 20 s. */
        public Builder maxPullWait(Duration wait) {
            this.maxPullWait = positive("max_pull_wait", wait);
            return this;
        }

        /** Bytes of parameters per chunk, both ways. Default 1 MiB. */
        public Builder maxChunkBytes(int bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("max_chunk_bytes = " + bytes + " is invalid, allowed: >= 1");
            }
            this.maxChunkBytes = bytes;
            return this;
        }

        /** Largest inbound gRPC message. Default 4 MiB; must exceed the chunk size. */
        public Builder maxInboundMessageBytes(int bytes) {
            this.maxInboundMessageBytes = bytes;
            return this;
        }

        /** Largest parameters upload accepted when no expected layout is known. Default 4 GiB. */
        public Builder maxParametersBytes(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("max_parameters_bytes = " + bytes + " is invalid, allowed: >= 1");
            }
            this.maxParametersBytes = bytes;
            return this;
        }

        /** Server-side HTTP/2 keepalive pings. Default 60 s, timeout 20 s. */
        public Builder keepAlive(Duration time, Duration timeout) {
            this.keepAliveTime = positive("keepalive_time", time);
            this.keepAliveTimeout = positive("keepalive_timeout", timeout);
            return this;
        }

        /** The most frequent client keepalive pings tolerated. Default 10 s. */
        public Builder permitKeepAliveTime(Duration time) {
            this.permitKeepAliveTime = positive("permit_keepalive_time", time);
            return this;
        }

        /** Close connections idle this long (the client reconnects when needed). Default: never. */
        public Builder maxConnectionIdle(Duration idle) {
            this.maxConnectionIdle = idle == null ? null : positive("max_connection_idle", idle);
            return this;
        }

        public GrpcFederationServer build() {
            if (clients == null) {
                throw new IllegalStateException("a ClientManager is required");
            }
            if (clientCa != null && certChain == null) {
                throw new IllegalStateException("a client CA (mutual TLS) needs TLS: set the server certificate chain and key");
            }
            for (Path p : new Path[]{certChain, privateKey, clientCa}) {
                if (p != null && !Files.isReadable(p)) {
                    throw new IllegalArgumentException("cannot read " + p);
                }
            }
            if (heartbeatTimeout == null) {
                heartbeatTimeout = heartbeatInterval.multipliedBy(3);
            }
            if (heartbeatTimeout.compareTo(heartbeatInterval) <= 0) {
                throw new IllegalArgumentException("heartbeat_timeout (" + heartbeatTimeout.toMillis()
                        + " ms) must exceed heartbeat_interval (" + heartbeatInterval.toMillis() + " ms)");
            }
            if (maxInboundMessageBytes < maxChunkBytes + Protocol.CHUNK_OVERHEAD) {
                throw new IllegalArgumentException("max_inbound_message_bytes = " + maxInboundMessageBytes
                        + " cannot hold a chunk of max_chunk_bytes = " + maxChunkBytes + " (needs >= " + (maxChunkBytes + Protocol.CHUNK_OVERHEAD) + ")");
            }
            try {
                loopback = InetAddress.getByName(host).isLoopbackAddress();
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("cannot resolve bind address '" + host + "'", e);
            }
            if (certChain == null) {
                if (!loopback && !allowInsecure) {
                    throw new IllegalStateException("refusing to serve plaintext on the non-loopback address " + host
                            + ": configure TLS (certificate chain and key), or allow insecure transport explicitly");
                }
                if (!loopback) {
                    log.warn("serving PLAINTEXT on {}: parameters, metrics and tokens cross the network unencrypted", host);
                }
            }
            if (authenticator == null) {
                if (!loopback && !allowInsecure && clientCa == null) {
                    throw new IllegalStateException("no client authenticator on the non-loopback address " + host
                            + ": configure tokens or mutual TLS, or allow insecure operation explicitly");
                }
                log.warn("no client authenticator: any client that reaches {} may register{}", host,
                        clientCa != null ? " with a certificate from the client CA" : "");
            }
            return new GrpcFederationServer(this);
        }

        private static Duration positive(String key, Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(key + " = " + d + " is invalid, allowed: > 0");
            }
            return d;
        }
    }
}
