package io.hanse.cli;

import io.hanse.client.Client;
import io.hanse.client.ClientState;
import io.hanse.client.ClientStates;
import io.hanse.client.EvaluateResult;
import io.hanse.client.FitResult;
import io.hanse.compression.CompressedStrategy;
import io.hanse.compression.CompressingClient;
import io.hanse.compression.Compression;
import io.hanse.compression.CompressionMethod;
import io.hanse.core.ParameterLayout;
import io.hanse.core.Parameters;
import io.hanse.core.ParametersCodec;
import io.hanse.core.ParametersStream;
import io.hanse.core.Scalars;
import io.hanse.core.TensorSpec;
import io.hanse.grpc.GrpcClientRuntime;
import io.hanse.grpc.GrpcFederationServer;
import io.hanse.grpc.ReconnectPolicy;
import io.hanse.server.ClientManager;
import io.hanse.server.History;
import io.hanse.server.RoundRecord;
import io.hanse.server.Server;
import io.hanse.server.ServerConfig;
import io.hanse.server.TrafficMeter;
import io.hanse.simulation.VirtualFederation;
import io.hanse.strategy.FedAvg;
import io.hanse.strategy.Strategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The same compressed federation in a simulation and over gRPC: the same global model bit for bit and the same
 * payload bytes each direction, since only the transport differs.
 */
@Timeout(120)
class CompressionTransportTest {

    private static final ParameterLayout LAYOUT = ParameterLayout.of(TensorSpec.of("w", 50, 40), TensorSpec.of("b", 40));
    private static final int CLIENTS = 4;
    private static final int ROUNDS = 3;

    /** "Trains" deterministically: pulls the model towards a client-specific target, plus seeded noise. */
    static final class Trainer implements Client {
        private final int id;

        Trainer(int id) {
            this.id = id;
        }

        @Override
        public Parameters getParameters(Scalars config) {
            return Parameters.zeros(LAYOUT);
        }

        @Override
        public FitResult fit(Parameters parameters, Scalars config) {
            Random r = new Random(id * 1000L + config.getLong("round", 0));
            float[] v = parameters.copyFlat();
            for (int i = 0; i < v.length; i++) {
                v[i] += 0.3f * ((id + 1) * 0.01f * (i % 7) - v[i]) + 0.01f * (float) r.nextGaussian();
            }
            return new FitResult(Parameters.wrap(LAYOUT, v), 10 + id, Scalars.of("train_loss", 1.0 / (id + 1)));
        }

        @Override
        public EvaluateResult evaluate(Parameters parameters, Scalars config) {
            return new EvaluateResult(parameters.l2Norm(), 5, Scalars.EMPTY);
        }
    }

    private static Parameters initial() {
        Random r = new Random(1);
        float[] v = new float[LAYOUT.totalSize()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian() * 0.1f;
        }
        return Parameters.wrap(LAYOUT, v);
    }

    private static Strategy strategy(Compression c) {
        return CompressedStrategy.wrap(FedAvg.builder().minFitClients(CLIENTS).minAvailableClients(CLIENTS).minEvaluateClients(CLIENTS)
                .initialParameters(initial()).seed(3).fitConfig(round -> Scalars.of("round", round)).build(), c);
    }

    private static Client client(int id, ClientState state) {
        return new CompressingClient(new Trainer(id), state, 100 + id);
    }

    record Outcome(Parameters global, long up, long down, History history) {
    }

    private static Outcome simulate(Compression c) throws Exception {
        ClientStates states = new ClientStates();
        try (VirtualFederation f = new VirtualFederation(CLIENTS, 2, id -> client(Integer.parseInt(id), states.of(id)))) {
            Server s = new Server(f.clientManager(), strategy(c), ServerConfig.rounds(ROUNDS).withRoundTimeout(Duration.ofSeconds(30)),
                    io.hanse.server.RoundListener.NONE);
            History h = s.run();
            return new Outcome(s.parameters(), f.traffic().bytesUp(), f.traffic().bytesDown(), h);
        }
    }

    private static Outcome overGrpc(Compression c) throws Exception {
        ClientManager clients = new ClientManager();
        try (GrpcFederationServer transport = GrpcFederationServer.builder().bind("127.0.0.1", 0).clientManager(clients)
                .expectedLayout(LAYOUT).heartbeatInterval(Duration.ofMillis(500)).heartbeatTimeout(Duration.ofSeconds(10))
                .maxPullWait(Duration.ofSeconds(2)).build().start()) {
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                int id = i;
                GrpcClientRuntime runtime = GrpcClientRuntime.builder().target("127.0.0.1", transport.port()).insecure(true)
                        .clientId(Integer.toString(id)).reconnect(new ReconnectPolicy(Duration.ofMillis(100), Duration.ofMillis(500), 50))
                        .seed(id).pollWait(Duration.ofSeconds(2)).rpcTimeout(Duration.ofSeconds(10)).build();
                Thread t = new Thread(() -> {
                    try (runtime) {
                        runtime.run(client(id, new ClientState()));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, "client-" + id);
                t.setDaemon(true);
                t.start();
                threads.add(t);
            }
            Server s = new Server(clients, strategy(c), ServerConfig.rounds(ROUNDS).withRoundTimeout(Duration.ofSeconds(30))
                    .withMinAvailableClients(CLIENTS, Duration.ofSeconds(30)), transport.roundTracker());
            History h = s.run();
            long up = transport.parameterBytesReceived();
            long down = transport.parameterBytesSent();
            transport.finish(Duration.ofSeconds(10));
            for (Thread t : threads) {
                t.join(10_000);
            }
            return new Outcome(s.parameters(), up, down, h);
        }
    }

    private static void assertAllAggregated(History h) {
        for (RoundRecord r : h.rounds()) {
            if (r.round() > 0) {
                assertTrue(r.aggregated() && r.completed() == CLIENTS, r.toString());
            }
        }
    }

    @Test
    void topKWithErrorFeedback_andFloat16Down_giveTheSameModelAndBytes_inSimulationAndOverGrpc() throws Exception {
        Compression c = Compression.up(CompressionMethod.TOPK).withTopkFraction(0.05).withDown(CompressionMethod.FLOAT16);
        Outcome sim = simulate(c);
        Outcome grpc = overGrpc(c);
        assertAllAggregated(sim.history());
        assertAllAggregated(grpc.history());
        assertArrayEquals(sim.global().flat(), grpc.global().flat(), "the same model, bit for bit");
        assertEquals(sim.up(), grpc.up(), "bytes up");
        assertEquals(sim.down(), grpc.down(), "bytes down");
        // down: fit and evaluate, each client, each round, as float16 HNSP
        long down16 = ParametersStream.encodedSize(LAYOUT, ParametersCodec.DTYPE_FLOAT16);
        assertEquals(2L * CLIENTS * ROUNDS * down16, sim.down());
        long full = ParametersStream.encodedSize(LAYOUT);
        assertTrue(sim.up() < CLIENTS * ROUNDS * full / 10, "top-5% sends " + sim.up() + " bytes, full parameters " + CLIENTS * ROUNDS * full);
    }

    @Test
    void int8_givesTheSameModelAndBytes_inSimulationAndOverGrpc_andNoneSendsFullParameters() throws Exception {
        Compression c = Compression.up(CompressionMethod.INT8).withInt8Chunk(512);
        Outcome sim = simulate(c);
        Outcome grpc = overGrpc(c);
        assertArrayEquals(sim.global().flat(), grpc.global().flat());
        assertEquals(sim.up(), grpc.up());
        assertEquals(sim.down(), grpc.down());
        Outcome none = simulate(Compression.NONE);
        long full = ParametersStream.encodedSize(LAYOUT);
        assertEquals(CLIENTS * ROUNDS * full, none.up());
        assertEquals(2L * CLIENTS * ROUNDS * full, none.down());
        assertEquals(none.down(), sim.down());
        double ratio = (double) none.up() / sim.up();
        assertTrue(ratio > 3.9 && ratio < 4.0, "int8 ratio " + ratio);
        // the compressed run stays close to the uncompressed one
        float[] a = none.global().flat();
        float[] b = sim.global().flat();
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], 0.02, "value " + i);
        }
    }
}
