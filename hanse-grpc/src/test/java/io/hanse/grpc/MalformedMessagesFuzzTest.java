package io.hanse.grpc;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.hanse.client.FitResult;
import io.hanse.core.ParameterLayout;
import io.hanse.core.Parameters;
import io.hanse.core.ParametersCodec;
import io.hanse.core.Scalars;
import io.hanse.core.TensorSpec;
import io.hanse.grpc.proto.Chunk;
import io.hanse.grpc.proto.DownloadRequest;
import io.hanse.grpc.proto.FederationGrpc;
import io.hanse.grpc.proto.LeaveRequest;
import io.hanse.grpc.proto.PullTaskReply;
import io.hanse.grpc.proto.PullTaskRequest;
import io.hanse.grpc.proto.PushResultReply;
import io.hanse.grpc.proto.RegisterReply;
import io.hanse.grpc.proto.RegisterRequest;
import io.hanse.grpc.proto.ResultHeader;
import io.hanse.grpc.proto.ResultPart;
import io.hanse.grpc.proto.Scalar;
import io.hanse.grpc.proto.Task;
import io.hanse.grpc.proto.TaskType;
import io.hanse.server.ClientManager;
import io.hanse.server.History;
import io.hanse.server.RoundRecord;
import io.hanse.server.Server;
import io.hanse.server.ServerConfig;
import io.hanse.strategy.FedAvg;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Throws thousands of malformed, truncated, oversized, NaN-filled, wrong-shape, stale, unauthenticated
 * and out-of-order messages at a live server through raw stubs. Each must be refused with the
 * documented status, none may complete the outstanding task, and afterwards the server still serves:
 * the task accepts a valid push, and a real client completes a round.
 */
@Timeout(60)
class MalformedMessagesFuzzTest {

    private static final int MESSAGES = 10_000;
    private static final int CHUNK = 64;
    private static final int MAX_MESSAGE = 4096;
    private static final Set<Status.Code> DOCUMENTED = Set.of(Status.Code.UNAUTHENTICATED, Status.Code.FAILED_PRECONDITION,
            Status.Code.INVALID_ARGUMENT, Status.Code.RESOURCE_EXHAUSTED);
    private static final String TOKEN = "fuzz-token";

    private enum Case {
        REGISTER_WRONG_TOKEN, REGISTER_NO_TOKEN, REGISTER_BAD_VERSION_HEADER, REGISTER_BAD_VERSION_FIELD, REGISTER_BAD_CLIENT_ID,
        REGISTER_UNSET_PROPERTY, PULL_UNKNOWN_SESSION, PULL_WRONG_TOKEN, PULL_NEGATIVE_WAIT, DOWNLOAD_UNKNOWN_SESSION,
        DOWNLOAD_UNKNOWN_TASK, DOWNLOAD_CHUNK_OUT_OF_RANGE, LEAVE_UNKNOWN_SESSION,
        PUSH_EMPTY_STREAM, PUSH_CHUNK_FIRST, PUSH_EMPTY_PART, PUSH_TWO_HEADERS, PUSH_UNKNOWN_SESSION, PUSH_WRONG_TOKEN,
        PUSH_NO_TASK_ID, PUSH_STALE_TASK, PUSH_ROUND_MISMATCH, PUSH_TYPE_MISMATCH, PUSH_NEGATIVE_EXAMPLES, PUSH_NO_PARAMETERS,
        PUSH_OVERSIZED_ANNOUNCEMENT, PUSH_BAD_SHA_LENGTH, PUSH_UNSET_METRIC, PUSH_CHUNK_OUT_OF_ORDER, PUSH_TRUNCATED,
        PUSH_SHA_MISMATCH, PUSH_NAN_VALUES, PUSH_INFINITE_VALUES, PUSH_WRONG_SHAPE, PUSH_WRONG_NAME, PUSH_MISSING_TENSOR,
        PUSH_GARBAGE, PUSH_MUTATED_HEADER, PUSH_CHUNK_TOO_LARGE, PUSH_MESSAGE_TOO_LARGE, PUSH_MORE_BYTES_THAN_ANNOUNCED,
        PUSH_UNDERANNOUNCED, PUSH_EMPTY_CHUNK, PUSH_ERROR_WITH_CHUNKS,
        COMPRESSED_TRUNCATED, COMPRESSED_WRONG_COUNT, COMPRESSED_INDEX_OUT_OF_RANGE, COMPRESSED_NAN_SCALE, COMPRESSED_NEGATIVE_SCALE,
        COMPRESSED_BAD_METHOD, COMPRESSED_GARBAGE, COMPRESSED_NAN_VALUE, COMPRESSED_UNKNOWN_ENCODING,
        COMPRESSED_DEFLATE_BOMB
    }

    /** gRPC logs every oversized message with a stack trace through java.util.logging; quiet it here. */
    private static final java.util.logging.Logger GRPC_STREAM_LOG = java.util.logging.Logger.getLogger("io.grpc.netty.shaded.io.grpc.netty.NettyServerStream");

    static {
        GRPC_STREAM_LOG.setLevel(java.util.logging.Level.SEVERE);
    }

    private ManagedChannel channel;
    private FederationGrpc.FederationStub goodAsync;
    private String session;
    private Task task;
    private byte[] valid;
    private final Random random = new Random(20240611);

    private static Metadata headers(String version, String token) {
        Metadata m = new Metadata();
        if (version != null) {
            m.put(Protocol.VERSION_HEADER, version);
        }
        if (token != null) {
            m.put(Protocol.AUTHORIZATION, "Bearer " + token);
        }
        return m;
    }

    private FederationGrpc.FederationBlockingStub blocking(String version, String token) {
        return FederationGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers(version, token)))
                .withDeadlineAfter(5, TimeUnit.SECONDS);
    }

    /** A fresh stub per call: a stub's deadline is fixed when it is made. */
    private FederationGrpc.FederationBlockingStub good() {
        return blocking("1", TOKEN);
    }

    private Status push(FederationGrpc.FederationStub stub, List<ResultPart> parts) throws Exception {
        CompletableFuture<Status> done = new CompletableFuture<>();
        StreamObserver<ResultPart> requests = stub.withDeadlineAfter(5, TimeUnit.SECONDS).pushResult(new StreamObserver<>() {
            @Override
            public void onNext(PushResultReply value) {
            }

            @Override
            public void onError(Throwable t) {
                done.complete(Status.fromThrowable(t));
            }

            @Override
            public void onCompleted() {
                done.complete(Status.OK);
            }
        });
        for (ResultPart p : parts) {
            requests.onNext(p);
        }
        requests.onCompleted();
        return done.get(10, TimeUnit.SECONDS);
    }

    private static Status call(Runnable r) {
        try {
            r.run();
            return Status.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus();
        }
    }

    private ResultHeader.Builder header(byte[] payload) {
        return ResultHeader.newBuilder().setSessionId(session).setTaskId(task.getTaskId()).setRound(task.getRound()).setType(TaskType.FIT)
                .setNumExamples(5).setParametersBytes(payload.length).setParametersSha256(ByteString.copyFrom(sha(payload)));
    }

    private static byte[] sha(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<ResultPart> chunks(byte[] payload, int size) {
        List<ResultPart> parts = new ArrayList<>();
        for (int off = 0, i = 0; off < payload.length; off += size, i++) {
            parts.add(chunk(i, Arrays.copyOfRange(payload, off, Math.min(payload.length, off + size))));
        }
        return parts;
    }

    private static ResultPart chunk(int index, byte[] data) {
        return ResultPart.newBuilder().setChunk(Chunk.newBuilder().setIndex(index).setData(ByteString.copyFrom(data))).build();
    }

    private static ResultPart part(ResultHeader.Builder h) {
        return ResultPart.newBuilder().setHeader(h).build();
    }

    /** A push of a compressed update (HNSC) as the payload of the FIT result. */
    private List<ResultPart> compressedPushOf(byte[] payload) {
        List<ResultPart> parts = new ArrayList<>();
        parts.add(part(header(payload).setEncoding(io.hanse.grpc.proto.PayloadEncoding.PAYLOAD_ENCODING_COMPRESSED_UPDATE)));
        parts.addAll(chunks(payload, CHUNK));
        return parts;
    }

    /** A well-formed update of the fixture layout, in one of the three encodings, to break. */
    private byte[] compressed(int method) {
        float[] v = new float[Fixtures.LAYOUT.totalSize()];
        for (int i = 0; i < v.length; i++) {
            v[i] = random.nextFloat() - 0.5f;
        }
        return switch (method) {
            case 0 -> io.hanse.compression.UpdateCodec.float16(v);
            case 1 -> io.hanse.compression.UpdateCodec.int8(v, 4, new java.util.SplittableRandom(random.nextLong()));
            default -> io.hanse.compression.UpdateCodec.topK(v, 3);
        };
    }

    private static java.nio.ByteBuffer le(byte[] b) {
        return java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    }

    private List<ResultPart> pushOf(byte[] payload) {
        List<ResultPart> parts = new ArrayList<>();
        parts.add(part(header(payload)));
        parts.addAll(chunks(payload, CHUNK));
        return parts;
    }

    private static byte[] encode(ParameterLayout layout, float fill) {
        float[] v = new float[layout.totalSize()];
        Arrays.fill(v, fill);
        return ParametersCodec.encode(Parameters.wrap(layout, v));
    }

    /** Sends one bad message of {@code c}; returns the status it got and the one the protocol documents for it. */
    private Status[] send(Case c) throws Exception {
        Status.Code expected;
        Status got;
        switch (c) {
            case REGISTER_WRONG_TOKEN -> {
                expected = Status.Code.UNAUTHENTICATED;
                got = call(() -> blocking("1", "not-" + random.nextInt()).register(RegisterRequest.newBuilder().setProtocolVersion(1).setClientId("fuzz").build()));
            }
            case REGISTER_NO_TOKEN -> {
                expected = Status.Code.UNAUTHENTICATED;
                got = call(() -> blocking("1", null).register(RegisterRequest.newBuilder().setProtocolVersion(1).setClientId("fuzz").build()));
            }
            case REGISTER_BAD_VERSION_HEADER -> {
                expected = Status.Code.FAILED_PRECONDITION;
                String[] versions = {null, "0", "2", "99", "abc", "", "-1", "2.0", "1x"};
                String v = versions[random.nextInt(versions.length)];
                got = call(() -> blocking(v, TOKEN).register(RegisterRequest.newBuilder().setProtocolVersion(1).setClientId("fuzz").build()));
            }
            case REGISTER_BAD_VERSION_FIELD -> {
                expected = Status.Code.FAILED_PRECONDITION;
                int v = random.nextBoolean() ? 0 : 2 + random.nextInt(1000);
                got = call(() -> blocking("1", TOKEN).register(RegisterRequest.newBuilder().setProtocolVersion(v).setClientId("fuzz").build()));
            }
            case REGISTER_BAD_CLIENT_ID -> {
                expected = Status.Code.INVALID_ARGUMENT;
                String[] ids = {"", "has space", "x".repeat(129), "tab\t", "newline\n", "ünïcode"};
                String id = ids[random.nextInt(ids.length)];
                got = call(() -> blocking("1", TOKEN).register(RegisterRequest.newBuilder().setProtocolVersion(1).setClientId(id).build()));
            }
            case REGISTER_UNSET_PROPERTY -> {
                expected = Status.Code.INVALID_ARGUMENT;
                got = call(() -> blocking("1", TOKEN).register(RegisterRequest.newBuilder().setProtocolVersion(1).setClientId("fuzz-x")
                        .putProperties("broken", Scalar.getDefaultInstance()).build()));
            }
            case PULL_UNKNOWN_SESSION -> {
                expected = Status.Code.UNAUTHENTICATED;
                String sid = random.nextBoolean() ? "" : Long.toHexString(random.nextLong());
                got = call(() -> good().pullTask(PullTaskRequest.newBuilder().setSessionId(sid).setWaitMs(0).build()));
            }
            case PULL_WRONG_TOKEN -> {
                expected = Status.Code.UNAUTHENTICATED;
                got = call(() -> blocking("1", "wrong").pullTask(PullTaskRequest.newBuilder().setSessionId(session).build()));
            }
            case PULL_NEGATIVE_WAIT -> {
                expected = Status.Code.INVALID_ARGUMENT;
                got = call(() -> good().pullTask(PullTaskRequest.newBuilder().setSessionId(session).setWaitMs(-1 - random.nextInt(1000)).build()));
            }
            case DOWNLOAD_UNKNOWN_SESSION -> {
                expected = Status.Code.UNAUTHENTICATED;
                got = call(() -> good().downloadParameters(DownloadRequest.newBuilder().setSessionId("nope").setTaskId(task.getTaskId()).build())
                        .forEachRemaining(x -> { }));
            }
            case DOWNLOAD_UNKNOWN_TASK -> {
                expected = Status.Code.FAILED_PRECONDITION;
                got = call(() -> good().downloadParameters(DownloadRequest.newBuilder().setSessionId(session)
                        .setTaskId(Long.toHexString(random.nextLong())).build()).forEachRemaining(x -> { }));
            }
            case DOWNLOAD_CHUNK_OUT_OF_RANGE -> {
                expected = Status.Code.INVALID_ARGUMENT;
                int from = random.nextBoolean() ? -1 - random.nextInt(10) : task.getParameters().getNumChunks() + random.nextInt(10);
                got = call(() -> good().downloadParameters(DownloadRequest.newBuilder().setSessionId(session).setTaskId(task.getTaskId())
                        .setFromChunk(from).build()).forEachRemaining(x -> { }));
            }
            case LEAVE_UNKNOWN_SESSION -> {
                expected = Status.Code.UNAUTHENTICATED;
                got = call(() -> good().leave(LeaveRequest.newBuilder().setSessionId("gone-" + random.nextInt()).build()));
            }
            case PUSH_EMPTY_STREAM -> {
                expected = Status.Code.INVALID_ARGUMENT;
                got = push(goodAsync, List.of());
            }
            case PUSH_CHUNK_FIRST -> {
                expected = Status.Code.INVALID_ARGUMENT;
                got = push(goodAsync, chunks(valid, CHUNK));
            }
            case PUSH_EMPTY_PART -> {
                expected = Status.Code.INVALID_ARGUMENT;
                got = push(goodAsync, List.of(ResultPart.getDefaultInstance()));
            }
            case PUSH_TWO_HEADERS -> {
                expected = Status.Code.INVALID_ARGUMENT;
                got = push(goodAsync, List.of(part(header(valid)), part(header(valid))));
            }
            case PUSH_UNKNOWN_SESSION -> {
                expected = Status.Code.UNAUTHENTICATED;
                List<ResultPart> parts = pushOf(valid);
                parts.set(0, part(header(valid).setSessionId(Long.toHexString(random.nextLong()))));
                got = push(goodAsync, parts);
            }
            case PUSH_WRONG_TOKEN -> {
                expected = Status.Code.UNAUTHENTICATED;
                got = push(FederationGrpc.newStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers("1", "bad"))), pushOf(valid));
            }
            case PUSH_NO_TASK_ID -> {
                expected = Status.Code.INVALID_ARGUMENT;
                got = push(goodAsync, List.of(part(header(valid).clearTaskId())));
            }
            case PUSH_STALE_TASK -> {
                expected = Status.Code.FAILED_PRECONDITION;
                List<ResultPart> parts = pushOf(valid);
                parts.set(0, part(header(valid).setTaskId(Long.toHexString(random.nextLong()))));
                got = push(goodAsync, parts);
            }
            case PUSH_ROUND_MISMATCH -> {
                expected = Status.Code.FAILED_PRECONDITION;
                List<ResultPart> parts = pushOf(valid);
                parts.set(0, part(header(valid).setRound(task.getRound() + 1 + random.nextInt(5))));
                got = push(goodAsync, parts);
            }
            case PUSH_TYPE_MISMATCH -> {
                expected = Status.Code.FAILED_PRECONDITION;
                TaskType[] others = {TaskType.EVALUATE, TaskType.GET_PARAMETERS, TaskType.DONE, TaskType.TASK_TYPE_UNSPECIFIED};
                got = push(goodAsync, List.of(part(header(valid).setType(others[random.nextInt(others.length)]))));
            }
            case PUSH_NEGATIVE_EXAMPLES -> {
                expected = Status.Code.INVALID_ARGUMENT;
                List<ResultPart> parts = pushOf(valid);
                parts.set(0, part(header(valid).setNumExamples(-1 - random.nextInt(100))));
                got = push(goodAsync, parts);
            }
            case PUSH_NO_PARAMETERS -> {
                expected = Status.Code.INVALID_ARGUMENT;
                got = push(goodAsync, List.of(part(header(valid).setParametersBytes(random.nextBoolean() ? 0 : -5))));
            }
            case PUSH_OVERSIZED_ANNOUNCEMENT -> {
                expected = Status.Code.RESOURCE_EXHAUSTED;
                long bytes = random.nextBoolean() ? valid.length + 1 + random.nextInt(1000) : Long.MAX_VALUE;
                got = push(goodAsync, List.of(part(header(valid).setParametersBytes(bytes))));
            }
            case PUSH_BAD_SHA_LENGTH -> {
                expected = Status.Code.INVALID_ARGUMENT;
                byte[] s = new byte[random.nextInt(32)];
                got = push(goodAsync, List.of(part(header(valid).setParametersSha256(ByteString.copyFrom(s)))));
            }
            case PUSH_UNSET_METRIC -> {
                expected = Status.Code.INVALID_ARGUMENT;
                got = push(goodAsync, List.of(part(header(valid).putMetrics("loss", Scalar.getDefaultInstance()))));
            }
            case PUSH_CHUNK_OUT_OF_ORDER -> {
                expected = Status.Code.INVALID_ARGUMENT;
                List<ResultPart> parts = pushOf(valid);
                ResultPart second = parts.remove(2);
                parts.add(1, second); // chunk 1 before chunk 0
                got = push(goodAsync, parts);
            }
            case PUSH_TRUNCATED -> {
                expected = Status.Code.INVALID_ARGUMENT;
                List<ResultPart> parts = pushOf(valid);
                got = push(goodAsync, parts.subList(0, 1 + random.nextInt(parts.size() - 1)));
            }
            case PUSH_SHA_MISMATCH -> {
                expected = Status.Code.INVALID_ARGUMENT;
                byte[] other = encode(Fixtures.LAYOUT, random.nextFloat());
                List<ResultPart> parts = pushOf(other);
                parts.set(0, part(header(other).setParametersSha256(ByteString.copyFrom(sha(valid)))));
                got = push(goodAsync, parts);
            }
            case PUSH_NAN_VALUES -> {
                expected = Status.Code.INVALID_ARGUMENT;
                got = push(goodAsync, pushOf(encode(Fixtures.LAYOUT, Float.NaN)));
            }
            case PUSH_INFINITE_VALUES -> {
                expected = Status.Code.INVALID_ARGUMENT;
                float[] v = Fixtures.initial().copyFlat();
                v[random.nextInt(v.length)] = random.nextBoolean() ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY;
                got = push(goodAsync, pushOf(ParametersCodec.encode(Parameters.wrap(Fixtures.LAYOUT, v))));
            }
            case PUSH_WRONG_SHAPE -> {
                expected = Status.Code.INVALID_ARGUMENT;
                got = push(goodAsync, pushOf(encode(ParameterLayout.of(TensorSpec.of("w", 3, 2), TensorSpec.of("b", 3)), 1)));
            }
            case PUSH_WRONG_NAME -> {
                expected = Status.Code.INVALID_ARGUMENT;
                got = push(goodAsync, pushOf(encode(ParameterLayout.of(TensorSpec.of("w", 2, 3), TensorSpec.of("c", 3)), 1)));
            }
            case PUSH_MISSING_TENSOR -> {
                expected = Status.Code.INVALID_ARGUMENT;
                got = push(goodAsync, pushOf(encode(ParameterLayout.of(TensorSpec.of("w", 2, 3)), 1)));
            }
            case PUSH_GARBAGE -> {
                expected = Status.Code.INVALID_ARGUMENT;
                byte[] g = new byte[valid.length];
                random.nextBytes(g);
                got = push(goodAsync, pushOf(g));
            }
            case PUSH_MUTATED_HEADER -> {
                expected = null; // INVALID_ARGUMENT or RESOURCE_EXHAUSTED, depending on the byte hit
                byte[] m = valid.clone();
                int at = random.nextInt(31); // the HNSP header of the fixture layout is 31 bytes
                m[at] ^= (byte) (1 + random.nextInt(255));
                got = push(goodAsync, pushOf(m));
                assertTrue(got.getCode() == Status.Code.INVALID_ARGUMENT || got.getCode() == Status.Code.RESOURCE_EXHAUSTED,
                        "mutated header byte " + at + ": " + got);
                expected = got.getCode();
            }
            case PUSH_CHUNK_TOO_LARGE -> {
                expected = Status.Code.RESOURCE_EXHAUSTED;
                List<ResultPart> parts = new ArrayList<>();
                parts.add(part(header(valid)));
                parts.addAll(chunks(valid, CHUNK + 1 + random.nextInt(CHUNK)));
                got = push(goodAsync, parts);
            }
            case PUSH_MESSAGE_TOO_LARGE -> {
                expected = Status.Code.RESOURCE_EXHAUSTED; // gRPC's own limit on inbound messages
                got = push(goodAsync, List.of(chunk(0, new byte[MAX_MESSAGE + 1 + random.nextInt(1000)])));
            }
            case PUSH_MORE_BYTES_THAN_ANNOUNCED -> {
                expected = Status.Code.RESOURCE_EXHAUSTED;
                List<ResultPart> parts = pushOf(valid);
                parts.add(chunk(parts.size() - 1, new byte[]{1, 2, 3}));
                got = push(goodAsync, parts);
            }
            case PUSH_UNDERANNOUNCED -> {
                // a correct payload announced as shorter: its header declares more than announced
                expected = Status.Code.RESOURCE_EXHAUSTED;
                byte[] shortened = Arrays.copyOf(valid, valid.length - 1 - random.nextInt(8));
                List<ResultPart> parts = new ArrayList<>();
                parts.add(part(header(shortened)));
                parts.addAll(chunks(shortened, CHUNK));
                got = push(goodAsync, parts);
            }
            case PUSH_EMPTY_CHUNK -> {
                expected = Status.Code.INVALID_ARGUMENT;
                got = push(goodAsync, List.of(part(header(valid)), chunk(0, new byte[0])));
            }
            case PUSH_ERROR_WITH_CHUNKS -> {
                expected = Status.Code.INVALID_ARGUMENT;
                got = push(goodAsync, List.of(part(header(valid).setParametersBytes(0).setError("boom")), chunk(0, valid)));
            }
            case COMPRESSED_TRUNCATED -> {
                expected = Status.Code.INVALID_ARGUMENT;
                byte[] m = compressed(random.nextInt(3));
                got = push(goodAsync, compressedPushOf(Arrays.copyOf(m, 1 + random.nextInt(m.length - 1))));
            }
            case COMPRESSED_WRONG_COUNT -> {
                expected = Status.Code.INVALID_ARGUMENT;
                byte[] m = compressed(random.nextInt(3));
                le(m).putInt(6, Fixtures.LAYOUT.totalSize() + 1 + random.nextInt(100));
                got = push(goodAsync, compressedPushOf(m));
            }
            case COMPRESSED_INDEX_OUT_OF_RANGE -> {
                expected = Status.Code.INVALID_ARGUMENT;
                byte[] m = compressed(2);
                m[14 + 2] = (byte) (9 + random.nextInt(100)); // the third index gap: past the 9 values
                got = push(goodAsync, compressedPushOf(m));
            }
            case COMPRESSED_NAN_SCALE -> {
                expected = Status.Code.INVALID_ARGUMENT;
                byte[] m = compressed(1);
                float[] bad = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
                le(m).putFloat(14 + 8 * random.nextInt(3) + (random.nextBoolean() ? 0 : 4), bad[random.nextInt(3)]);
                got = push(goodAsync, compressedPushOf(m));
            }
            case COMPRESSED_NEGATIVE_SCALE -> {
                expected = Status.Code.INVALID_ARGUMENT;
                byte[] m = compressed(1);
                le(m).putFloat(14 + 4, -1 - random.nextFloat());
                got = push(goodAsync, compressedPushOf(m));
            }
            case COMPRESSED_BAD_METHOD -> {
                expected = Status.Code.INVALID_ARGUMENT;
                byte[] m = compressed(random.nextInt(3));
                m[5] = (byte) (random.nextBoolean() ? 0 : 5 + random.nextInt(200)); // 4 is DEFLATED, a valid method
                got = push(goodAsync, compressedPushOf(m));
            }
            case COMPRESSED_GARBAGE -> {
                expected = Status.Code.INVALID_ARGUMENT;
                byte[] g = new byte[1 + random.nextInt(200)];
                random.nextBytes(g);
                got = push(goodAsync, compressedPushOf(g));
            }
            case COMPRESSED_NAN_VALUE -> {
                expected = Status.Code.INVALID_ARGUMENT;
                byte[] m = compressed(random.nextBoolean() ? 0 : 2);
                if (m[5] == 1) {
                    le(m).putShort(10 + 2 * random.nextInt(9), (short) 0x7E00); // a float16 NaN
                } else {
                    le(m).putFloat(m.length - 4, Float.NaN);
                }
                got = push(goodAsync, compressedPushOf(m));
            }
            case COMPRESSED_DEFLATE_BOMB -> {
                // a DEFLATED message announcing a huge inner message, or more than its stream holds
                expected = Status.Code.INVALID_ARGUMENT;
                byte[] inner = compressed(1);
                java.util.zip.Deflater d = new java.util.zip.Deflater();
                d.setInput(inner);
                d.finish();
                byte[] buf = new byte[inner.length + 64];
                int len = d.deflate(buf);
                d.end();
                byte[] m = new byte[14 + len];
                le(m).put(new byte[]{'H', 'N', 'S', 'C', 1, 4}).putInt(Fixtures.LAYOUT.totalSize())
                        .putInt(random.nextBoolean() ? Integer.MAX_VALUE - random.nextInt(1000) : inner.length + 1 + random.nextInt(50));
                System.arraycopy(buf, 0, m, 14, len);
                got = push(goodAsync, compressedPushOf(m));
            }
            case COMPRESSED_UNKNOWN_ENCODING -> {
                expected = Status.Code.INVALID_ARGUMENT;
                List<ResultPart> parts = pushOf(valid);
                parts.set(0, part(header(valid).setEncodingValue(2 + random.nextInt(50))));
                got = push(goodAsync, parts);
            }
            default -> throw new IllegalStateException(c.toString());
        }
        return new Status[]{Status.fromCode(expected), got};
    }

    @Test
    void tenThousandBadMessages_areEachRefusedWithTheDocumentedStatus_andTheServerKeepsServing() throws Exception {
        // Prepare: a server with tokens and an expected layout, small chunks and messages; one session with one FIT task
        ClientManager clients = new ClientManager();
        try (GrpcFederationServer transport = Fixtures.server(clients, b -> b.authenticator(ClientAuthenticator.sharedToken(TOKEN))
                .expectedLayout(Fixtures.LAYOUT).maxChunkBytes(CHUNK).maxInboundMessageBytes(MAX_MESSAGE)
                .heartbeatInterval(Duration.ofSeconds(20)).heartbeatTimeout(Duration.ofSeconds(60)))) {
            channel = NettyChannelBuilder.forAddress("127.0.0.1", transport.port()).usePlaintext().build();
            goodAsync = FederationGrpc.newStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers("1", TOKEN)));
            RegisterReply reg = good().register(RegisterRequest.newBuilder().setProtocolVersion(1).setClientId("fuzz").build());
            session = reg.getSessionId();
            CompletableFuture<FitResult> outstanding = transport.proxy("fuzz").orElseThrow()
                    // the task asks for a compressed update, so the compressed cases reach the decoder
                    .fit(Fixtures.initial(), Scalars.of("server_round", 7, io.hanse.compression.Compression.UP, "int8"), Duration.ofSeconds(120));
            PullTaskReply pulled = good().pullTask(PullTaskRequest.newBuilder().setSessionId(session).setWaitMs(1000).build());
            task = pulled.getTask();
            assertEquals(7, task.getRound());
            Parameters answer = Fixtures.initial().map(x -> 2 * x);
            valid = ParametersCodec.encode(answer);
            Case[] cases = Case.values();
            Map<Case, Integer> counts = new EnumMap<>(Case.class);
            long t0 = System.nanoTime();

            // Execute
            for (int i = 0; i < MESSAGES; i++) {
                Case c = i < cases.length ? cases[i] : cases[random.nextInt(cases.length)];
                Status[] r = send(c);

                assertEquals(r[0].getCode(), r[1].getCode(), c + " (message " + i + "): " + r[1]);
                assertTrue(DOCUMENTED.contains(r[1].getCode()), c + ": " + r[1]);
                assertTrue(r[1].getDescription() != null && !r[1].getDescription().isEmpty(), c + " has a reason");
                counts.merge(c, 1, Integer::sum);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("fuzz: %d bad messages in %.1f s, %d cases%n", MESSAGES, seconds, counts.size());

            // Verify: every case ran, nothing completed the task, the server still serves
            assertEquals(cases.length, counts.size());
            assertFalse(outstanding.isDone(), "no bad push completed the task");
            assertEquals(1, transport.numSessions());
            Status accepted = push(goodAsync, pushOf(valid));
            assertEquals(Status.Code.OK, accepted.getCode(), accepted.toString());
            FitResult r = outstanding.get(5, TimeUnit.SECONDS);
            assertEquals(answer, r.parameters());
            assertEquals(5, r.numExamples());
            assertEquals(Status.Code.FAILED_PRECONDITION, push(goodAsync, pushOf(valid)).getCode(), "a second push is stale");
            good().leave(LeaveRequest.newBuilder().setSessionId(session).setReason("fuzz over").build());

            Fixtures.Running client = Fixtures.start(Fixtures.runtime(transport.port(), "honest").token(TOKEN).maxChunkBytes(CHUNK).build(),
                    new Fixtures.ArithmeticClient(1, 3, 0));
            FedAvg fedAvg = FedAvg.builder().minFitClients(1).minEvaluateClients(1).minAvailableClients(1)
                    .initialParameters(Fixtures.initial()).build();
            Server server = new Server(clients, fedAvg, ServerConfig.rounds(1).withRoundTimeout(Duration.ofSeconds(10))
                    .withMinAvailableClients(1, Duration.ofSeconds(10)), transport.roundTracker());
            History history = server.run();
            RoundRecord round = history.rounds().get(history.rounds().size() - 1);
            assertEquals(1, round.completed(), round.failures().toString());
            assertEquals(Fixtures.initial().map(x -> x + 1), server.parameters());
            transport.finish(Duration.ofSeconds(10));
            assertEquals(GrpcClientRuntime.EXIT_OK, client.exit().get(10, TimeUnit.SECONDS));
        } finally {
            if (channel != null) {
                channel.shutdownNow();
            }
        }
    }
}
