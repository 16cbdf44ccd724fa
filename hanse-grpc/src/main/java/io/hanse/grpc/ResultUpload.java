package io.hanse.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.hanse.client.EvaluateResult;
import io.hanse.client.FitResult;
import io.hanse.core.ParameterLayout;
import io.hanse.core.Parameters;
import io.hanse.core.ParametersStream;
import io.hanse.core.Scalars;
import io.hanse.grpc.proto.Chunk;
import io.hanse.grpc.proto.PushResultReply;
import io.hanse.grpc.proto.ResultHeader;
import io.hanse.grpc.proto.ResultPart;
import io.hanse.grpc.proto.TaskType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.MessageDigest;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import static io.hanse.grpc.GrpcFederationServer.status;

/**
 * One PushResult call: a header, then chunks. Each part is checked as it arrives; the parameters are
 * decoded incrementally (header first, values allocated only once the header matches the expected
 * layout and size) and hashed. The task completes only if everything is valid; any bad part ends the
 * call with a status and leaves the task open for a valid push before its deadline.
 */
final class ResultUpload implements StreamObserver<ResultPart> {

    private static final Logger log = LoggerFactory.getLogger(ResultUpload.class);

    private final GrpcFederationServer server;
    private final ServerCallStreamObserver<PushResultReply> response;
    private final String peer;
    private final String token;

    private boolean finished;
    private ResultHeader header;
    private PendingTask task;
    private boolean holdsTask;
    private Scalars metrics;
    private ParametersStream.Decoder decoder;
    /** EXCHANGE: the raw reply bytes, instead of a decoder. */
    private java.io.ByteArrayOutputStream raw;
    private MessageDigest digest;
    private long received;
    private int nextIndex;
    private long maxChunks;
    private ScheduledFuture<?> expiry;

    ResultUpload(GrpcFederationServer server, ServerCallStreamObserver<PushResultReply> response, String peer, String token) {
        this.server = server;
        this.response = response;
        this.peer = peer;
        this.token = token;
        response.setOnCancelHandler(this::cancelled);
    }

    private static StatusRuntimeException invalid(String description) {
        return status(Status.INVALID_ARGUMENT, description);
    }

    private static StatusRuntimeException exhausted(String description) {
        return status(Status.RESOURCE_EXHAUSTED, description);
    }

    private static StatusRuntimeException stale(PendingTask t, String why) {
        return status(Status.FAILED_PRECONDITION, "stale " + t + ": " + why);
    }

    @Override
    public synchronized void onNext(ResultPart part) {
        if (finished) {
            return;
        }
        try {
            switch (part.getPartCase()) {
                case HEADER -> {
                    if (header != null) {
                        throw invalid("a second result header: a push carries exactly one, first");
                    }
                    onHeader(part.getHeader());
                }
                case CHUNK -> {
                    if (header == null) {
                        throw invalid("the first message of a push must be the result header, got a chunk");
                    }
                    onChunk(part.getChunk());
                }
                default -> throw invalid("empty result part (neither header nor chunk)");
            }
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    private void onHeader(ResultHeader h) {
        Session s = server.requireSession(h.getSessionId(), token);
        if (h.getTaskId().isEmpty()) {
            throw invalid("result header without task_id");
        }
        PendingTask t;
        synchronized (s) {
            t = s.tasks.get(h.getTaskId());
        }
        if (t == null || t.future.isDone()) {
            throw status(Status.FAILED_PRECONDITION, "unknown or stale task '" + FederationService.clean(h.getTaskId(), 40)
                    + "' (it timed out, was cancelled or answered, or belongs to another session)");
        }
        if (h.getRound() != t.round) {
            throw status(Status.FAILED_PRECONDITION, "round mismatch: the result is for round " + h.getRound() + ", the task is " + t);
        }
        if (h.getType() != t.type) {
            throw status(Status.FAILED_PRECONDITION, "result type mismatch: got a " + h.getType() + " result for " + t);
        }
        if (h.getNumExamples() < 0) {
            throw invalid("num_examples = " + h.getNumExamples() + " is negative");
        }
        try {
            metrics = Protocol.fromProto(h.getMetricsMap());
        } catch (IllegalArgumentException e) {
            throw invalid("metrics: " + e.getMessage());
        }
        long bytes = h.getParametersBytes();
        boolean compressed = h.getEncoding() == io.hanse.grpc.proto.PayloadEncoding.PAYLOAD_ENCODING_COMPRESSED_UPDATE;
        if (h.getEncodingValue() != 0 && !compressed) {
            throw invalid("unknown payload encoding " + h.getEncodingValue());
        }
        if (compressed && (t.type != TaskType.FIT || !h.getError().isEmpty())) {
            throw invalid("only a FIT result may carry a compressed update, this is " + (h.getError().isEmpty() ? "a " + t.type + " result" : "an error"));
        }
        if (compressed) {
            if (!t.message.getConfigMap().containsKey(io.hanse.compression.Compression.UP)) {
                throw invalid("a compressed update, but the task did not ask for one (its config has no "
                        + io.hanse.compression.Compression.UP + ")");
            }
            if (t.parameters == null) {
                throw invalid("a compressed update needs the parameters sent with the task, and this task had none");
            }
            if (bytes <= 0) {
                throw invalid("a compressed FIT result must carry the update, but parameters_bytes = " + bytes);
            }
            if (h.getParametersSha256().size() != 32) {
                throw invalid("parameters_sha256 must be 32 bytes, got " + h.getParametersSha256().size());
            }
            // top-k at fraction 1 takes at most 9 bytes a value (a 5-byte varint and a float32)
            long limit = Math.min(Integer.MAX_VALUE - 16, 3 * ParametersStream.encodedSize(t.sentLayout()) + 64);
            if (bytes > limit) {
                throw exhausted("the compressed update announces " + bytes + " bytes, more than the " + limit + " allowed");
            }
            maxChunks = Protocol.numChunks(bytes, server.maxChunkBytes) + 16;
            // grows with the chunks that arrive: an announced size reserves nothing before a byte is received
            raw = new java.io.ByteArrayOutputStream((int) Math.min(bytes, 1 << 16));
            digest = Protocol.sha256();
        } else if (!h.getError().isEmpty()) {
            if (bytes != 0) {
                throw invalid("a result reporting an error carries no parameters, but parameters_bytes = " + bytes);
            }
        } else if (t.type == TaskType.EVALUATE) {
            if (!Double.isFinite(h.getLoss())) {
                throw invalid("evaluation loss is " + h.getLoss());
            }
            if (bytes != 0) {
                throw invalid("an EVALUATE result carries no parameters, but parameters_bytes = " + bytes);
            }
        } else if (t.type == TaskType.EXCHANGE) {
            if (bytes <= 0) {
                throw invalid("an EXCHANGE result must carry the reply, but parameters_bytes = " + bytes);
            }
            if (h.getParametersSha256().size() != 32) {
                throw invalid("parameters_sha256 must be 32 bytes, got " + h.getParametersSha256().size());
            }
            ParameterLayout expected = server.expectedLayout() != null ? server.expectedLayout() : t.sentLayout();
            long limit = Math.min(Integer.MAX_VALUE - 16, expected != null
                    ? 2 * ParametersStream.encodedSize(expected) + (1 << 20) : server.maxParametersBytes);
            if (bytes > limit) {
                throw exhausted("the EXCHANGE reply announces " + bytes + " bytes, more than the " + limit + " allowed");
            }
            maxChunks = Protocol.numChunks(bytes, server.maxChunkBytes) + 16;
            raw = new java.io.ByteArrayOutputStream((int) Math.min(bytes, 1 << 16));
            digest = Protocol.sha256();
        } else {
            if (bytes <= 0) {
                throw invalid("a " + t.type + " result must carry parameters, but parameters_bytes = " + bytes);
            }
            if (h.getParametersSha256().size() != 32) {
                throw invalid("parameters_sha256 must be 32 bytes, got " + h.getParametersSha256().size());
            }
            ParameterLayout expected = server.expectedLayout() != null ? server.expectedLayout() : t.sentLayout();
            long limit = expected != null ? ParametersStream.encodedSize(expected) : server.maxParametersBytes;
            if (bytes > limit) {
                throw exhausted("the result announces " + bytes + " bytes of parameters, more than the " + limit + " bytes "
                        + (expected != null ? "the expected layout encodes to" : "allowed (max_parameters_bytes)"));
            }
            maxChunks = Protocol.numChunks(bytes, server.maxChunkBytes) + 16;
            decoder = ParametersStream.decoder(expected, bytes);
            digest = Protocol.sha256();
        }
        if (!t.pushing.compareAndSet(false, true)) {
            throw status(Status.FAILED_PRECONDITION, "another push for " + t + " is in progress");
        }
        holdsTask = true;
        header = h;
        task = t;
        // an upload may not outlive its task
        long left = t.message.getDeadlineUnixMs() - System.currentTimeMillis();
        try {
            expiry = server.timer.schedule(this::expire, Math.max(0, left) + 1000, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            throw status(Status.UNAVAILABLE, "the server is shutting down");
        }
    }

    private void onChunk(Chunk c) {
        if (decoder == null && raw == null) {
            throw invalid("this " + (header.getError().isEmpty() ? task.type.toString() : "error") + " result carries no parameters, but a chunk arrived");
        }
        if (c.getIndex() != nextIndex) {
            throw invalid("chunk index " + c.getIndex() + " out of order: expected " + nextIndex);
        }
        if (nextIndex >= maxChunks) {
            throw exhausted("too many chunks: more than " + maxChunks + " for " + header.getParametersBytes() + " bytes");
        }
        int n = c.getData().size();
        if (n == 0) {
            throw invalid("chunk " + c.getIndex() + " is empty");
        }
        if (n > server.maxChunkBytes) {
            throw exhausted("chunk " + c.getIndex() + " holds " + n + " bytes, more than max_chunk_bytes = " + server.maxChunkBytes);
        }
        if (received + n > header.getParametersBytes()) {
            throw exhausted("more parameter bytes than the " + header.getParametersBytes() + " announced");
        }
        if (task.future.isDone()) {
            throw stale(task, "it timed out or was cancelled during the upload");
        }
        digest.update(c.getData().asReadOnlyByteBuffer());
        if (raw != null) {
            try {
                c.getData().writeTo(raw);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        } else {
            decoder.update(c.getData().asReadOnlyByteBuffer());
        }
        received += n;
        nextIndex++;
        server.parameterBytesReceived.add(n);
    }

    @Override
    public synchronized void onCompleted() {
        if (finished) {
            return;
        }
        try {
            if (header == null) {
                throw invalid("empty push: no result header");
            }
            String client = task.session.clientId;
            Object result;
            if (!header.getError().isEmpty()) {
                result = new TaskFailedException("client '" + client + "' failed " + task.type + ": " + FederationService.clean(header.getError(), 500));
            } else if (task.type == TaskType.EVALUATE) {
                result = new EvaluateResult(header.getLoss(), header.getNumExamples(), metrics);
            } else if (task.type == TaskType.EXCHANGE || raw != null) {
                if (received != header.getParametersBytes()) {
                    throw invalid("truncated reply: received " + received + " of the " + header.getParametersBytes() + " bytes announced");
                }
                byte[] sha = digest.digest();
                if (!MessageDigest.isEqual(sha, header.getParametersSha256().toByteArray())) {
                    throw invalid("reply sha256 mismatch: the received bytes hash to " + Protocol.hex(sha)
                            + ", the header says " + Protocol.hex(header.getParametersSha256().toByteArray()));
                }
                if (task.type == TaskType.FIT) {
                    // a compressed update: the server's own copy of the global model sent with the task, plus the update
                    Parameters p = io.hanse.compression.Compression.reconstruct(task.parameters.parameters, raw.toByteArray());
                    result = new FitResult(p, header.getNumExamples(), metrics);
                } else {
                    result = raw.toByteArray();
                }
            } else {
                if (received != header.getParametersBytes()) {
                    throw invalid("truncated parameters: received " + received + " of the " + header.getParametersBytes() + " bytes announced");
                }
                byte[] sha = digest.digest();
                if (!MessageDigest.isEqual(sha, header.getParametersSha256().toByteArray())) {
                    throw invalid("parameters sha256 mismatch: the received bytes hash to " + Protocol.hex(sha)
                            + ", the header says " + Protocol.hex(header.getParametersSha256().toByteArray()));
                }
                Parameters p = decoder.finish();
                int bad = p.firstNonFiniteTensor();
                if (bad >= 0) {
                    throw invalid("tensor '" + p.layout().tensor(bad).name() + "' holds NaN or infinite values");
                }
                result = task.type == TaskType.FIT ? new FitResult(p, header.getNumExamples(), metrics) : p;
            }
            if (!server.completeTask(task, result)) {
                throw stale(task, "it timed out or was cancelled while the result arrived");
            }
            finished = true;
            release();
            log.debug("accepted the {} result of client '{}' for {} ({} parameter bytes)", task.type, client, task, received);
            response.onNext(PushResultReply.newBuilder().setAccepted(true)
                    .setMessage(result instanceof TaskFailedException ? "failure recorded" : "accepted").build());
            response.onCompleted();
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    @Override
    public synchronized void onError(Throwable t) {
        // the client cancelled or the connection broke: drop what arrived
        finished = true;
        release();
    }

    private synchronized void cancelled() {
        finished = true;
        release();
    }

    private synchronized void expire() {
        if (!finished) {
            fail(stale(task, "its deadline passed during the upload"));
        }
    }

    private void release() {
        if (holdsTask) {
            task.pushing.set(false);
            holdsTask = false;
        }
        if (expiry != null) {
            expiry.cancel(false);
        }
        decoder = null;
        raw = null;
        digest = null;
    }

    private void fail(RuntimeException e) {
        Status st;
        if (e instanceof StatusRuntimeException sre) {
            st = sre.getStatus();
        } else if (e instanceof ParametersStream.SizeLimitException) {
            st = Status.RESOURCE_EXHAUSTED.withDescription("parameters larger than announced: " + e.getMessage());
        } else if (e instanceof IllegalArgumentException) {
            st = Status.INVALID_ARGUMENT.withDescription("bad parameters: " + e.getMessage());
        } else {
            log.error("PushResult from {} failed", peer, e);
            st = Status.INTERNAL.withDescription("server error");
        }
        finished = true;
        release();
        if (st.getCode() != Status.Code.INTERNAL) {
            server.logRefusal("PushResult", peer, st);
        }
        try {
            response.onError(st.asRuntimeException());
        } catch (RuntimeException ignored) {
            // the call is already gone
        }
    }
}
