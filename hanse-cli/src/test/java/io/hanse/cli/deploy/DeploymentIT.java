package io.hanse.cli.deploy;

import static io.hanse.cli.deploy.ResultsFiles.column;
import static io.hanse.cli.deploy.ResultsFiles.freePort;

import io.hanse.cli.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real processes on loopback: one {@code hanse server} and ten {@code hanse client}s, each a JVM of
 * its own with its own TensorFlow, training on the MNIST sample committed in data/mnist-sample.
 */
class DeploymentIT {

    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final Path SAMPLE = REPO.resolve("data/mnist-sample");
    private static final Duration START = Duration.ofSeconds(180);
    private static final Duration RUN = Duration.ofSeconds(600);

    @TempDir
    Path dir;

    private final List<HanseProcess> processes = new ArrayList<>();

    @AfterEach
    void stopAll() {
        processes.forEach(HanseProcess::close);
    }

    @Test
    void tenClientProcesses_reachTheSimulationsAccuracy_roundByRound() throws Exception {
        // Prepare: with compression both ways, which must change nothing between simulation and deployment
        int port = freePort();
        Path config = config("same", port, 10, 3, "2nn", 1, 10, "", "[compression]\nup = \"int8\"\ndown = \"float16\"\n");
        assertEquals(0, Main.execute("simulate", "--config", config.toString(), "--out", dir.resolve("sim").toString()));

        // Execute
        HanseProcess server = server("server", config, dir.resolve("out"));
        List<HanseProcess> clients = clients(config, port, 10, List.of());
        int exit = server.waitFor(RUN);

        // Assert
        assertEquals(0, exit, server.tail());
        for (HanseProcess c : clients) {
            assertEquals(0, c.waitFor(Duration.ofSeconds(60)), c.tail());
        }
        assertEquals(column(dir.resolve("sim/rounds.csv"), "accuracy"), column(dir.resolve("out/rounds.csv"), "accuracy"),
                "the deployment must compute exactly what the simulation computes");
        List<String> accuracy = column(dir.resolve("out/rounds.csv"), "accuracy");
        assertTrue(Double.parseDouble(accuracy.get(accuracy.size() - 1)) > 0.85, accuracy.toString());
        assertEquals(column(dir.resolve("sim/rounds.csv"), "bytes_up"), column(dir.resolve("out/rounds.csv"), "bytes_up"),
                "the simulation counts the payload bytes the deployment sends");
        assertEquals(column(dir.resolve("sim/rounds.csv"), "bytes_down"), column(dir.resolve("out/rounds.csv"), "bytes_down"));
        long uncompressed = 10 * 796_987L; // 10 clients, the 2NN's HNSP float32 encoding (147 + 4 x 199,210 bytes)
        for (String bytes : column(dir.resolve("out/rounds.csv"), "bytes_down").subList(1, 4)) {
            // float16: the same header, 2 bytes a value
            assertEquals(10 * (796_987L - 2 * 199_210L), Long.parseLong(bytes));
        }
        for (String bytes : column(dir.resolve("out/rounds.csv"), "bytes_up").subList(1, 4)) {
            // int8: 1 byte a value, plus 8 per 4096-value chunk
            assertTrue(Long.parseLong(bytes) < uncompressed / 3.9, bytes + " bytes up, uncompressed " + uncompressed);
        }
        assertTrue(Files.exists(dir.resolve("out/summary.json")));
    }

    @Test
    void threeClientsKilledMidRound_roundCompletesAtMinCompletion07_andIsDiscardedAt08() throws Exception {
        for (double minCompletion : new double[]{0.7, 0.8}) {
            // Prepare: the CNN, so that a fit lasts long enough to be killed in the middle of it
            int port = freePort();
            String tag = "kill" + (int) (minCompletion * 10);
            Path config = config(tag, port, 10, 2, "cnn", 2, 10, "min_completion_rate = " + minCompletion + "\n");
            HanseProcess server = server(tag + "-server", config, dir.resolve(tag));
            List<HanseProcess> clients = clients(config, port, 10, List.of());

            // Execute: kill clients 0, 1 and 2 once they have started training in round 2
            for (int victim = 0; victim < 3; victim++) {
                clients.get(victim).await(l -> l.contains("round 2: fit"), RUN, "round 2 fit");
                clients.get(victim).kill();
            }
            int exit = server.waitFor(RUN);

            // Assert
            assertEquals(0, exit, server.tail());
            List<String> aggregated = column(dir.resolve(tag + "/rounds.csv"), "aggregated");
            List<String> completed = column(dir.resolve(tag + "/rounds.csv"), "clients_completed");
            List<String> errors = column(dir.resolve(tag + "/rounds.csv"), "error");
            assertEquals("7", completed.get(2), server.tail());
            if (minCompletion == 0.7) {
                assertEquals("true", aggregated.get(2));
                assertEquals("", errors.get(2));
            } else {
                assertEquals("false", aggregated.get(2));
                assertTrue(errors.get(2).contains("only 7 of 10 clients completed (0.70), below min_completion_rate 0.80"),
                        errors.get(2));
            }
            for (HanseProcess c : clients.subList(3, 10)) {
                assertEquals(0, c.waitFor(Duration.ofSeconds(60)), c.tail());
            }
        }
    }

    @Test
    void serverKilledWithSigkill_resumes_andLosesNoRound_whileClientsKeepRunning() throws Exception {
        // Prepare
        int port = freePort();
        int rounds = 8;
        // FedAvgM with server momentum: the server's velocity must survive the crash too (it is checkpointed per round)
        Path config = config("resume", port, 10, rounds, "2nn", 1, 10, "name = \"fedavgm\"\nserver_momentum = 0.9\n");
        assertEquals(0, Main.execute("simulate", "--config", config.toString(), "--out", dir.resolve("sim").toString()));
        HanseProcess first = server("server-1", config, dir.resolve("out"));
        List<HanseProcess> clients = clients(config, port, 10, List.of());
        List<Long> pids = clients.stream().map(HanseProcess::pid).toList();

        // Execute: SIGKILL the server in the middle of training, then restart it with --resume
        first.await(l -> l.startsWith("round    3"), RUN, "round 3");
        first.kill();
        HanseProcess second = server("server-2", config, dir.resolve("out"), "--resume");
        int exit = second.waitFor(RUN);

        // Assert
        assertEquals(0, exit, second.tail());
        assertTrue(second.output().stream().anyMatch(l -> l.contains("resuming")), second.tail());
        assertTrue(second.output().stream().anyMatch(l -> l.startsWith("restored the strategy's state after round")), second.tail());
        List<String> roundNumbers = column(dir.resolve("out/rounds.csv"), "round");
        List<String> expected = new ArrayList<>();
        for (int r = 0; r <= rounds; r++) {
            expected.add(Integer.toString(r));
        }
        assertEquals(expected, roundNumbers, "every round exactly once");
        assertEquals(column(dir.resolve("sim/rounds.csv"), "accuracy"), column(dir.resolve("out/rounds.csv"), "accuracy"),
                "a resumed run computes what an uninterrupted one does");
        for (HanseProcess c : clients) {
            assertEquals(0, c.waitFor(Duration.ofSeconds(60)), c.tail());
        }
        assertEquals(pids, clients.stream().map(HanseProcess::pid).toList(), "clients were not restarted");
    }

    @Test
    void clientWithoutCredentials_isRefused_overTls() throws Exception {
        // Prepare: a development CA, a server certificate, a token for client 0 only
        Path certs = dir.resolve("certs");
        Path tokens = dir.resolve("tokens.tsv");
        assertEquals(0, Main.execute("certs", "--out", certs.toString()));
        HanseProcess tokenCommand = HanseProcess.start("token", dir.resolve("logs"), "token", "--tokens", tokens.toString(), "--client", "0");
        assertEquals(0, tokenCommand.waitFor(START), tokenCommand.tail());
        String token = tokenCommand.output().get(tokenCommand.output().size() - 1).trim();
        Files.writeString(dir.resolve("token-0"), token);
        int port = freePort();
        Path config = config("tls", port, 1, 1, "logistic", 1, 10,
                "", "[server]\ntls_cert = \"" + certs.resolve("server.pem") + "\"\ntls_key = \"" + certs.resolve("server.key")
                        + "\"\ntokens = \"" + tokens + "\"\n", "[client]\ntls_ca = \"" + certs.resolve("ca.pem") + "\"\nmax_retries = 2\n");
        HanseProcess server = server("tls-server", config, dir.resolve("tls"));

        // Execute
        HanseProcess intruder = HanseProcess.start("intruder", dir.resolve("logs"), "client", "--config", config.toString(),
                "--server", "localhost:" + port, "--partition", "0/1");
        int intruderExit = intruder.waitFor(START);
        HanseProcess legit = HanseProcess.start("legit", dir.resolve("logs"), "client", "--config", config.toString(),
                "--server", "localhost:" + port, "--partition", "0/1", "--token-file", dir.resolve("token-0").toString());
        processes.addAll(List.of(intruder, legit));

        // Assert
        assertNotEquals(0, intruderExit);
        assertTrue(intruder.output().stream().anyMatch(l -> l.contains("UNAUTHENTICATED")), intruder.tail());
        assertEquals(0, server.waitFor(RUN), server.tail());
        assertEquals(0, legit.waitFor(Duration.ofSeconds(60)), legit.tail());
        assertFalse(column(dir.resolve("tls/rounds.csv"), "accuracy").isEmpty());
    }

    private HanseProcess server(String name, Path config, Path out, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("server", "--config", config.toString(), "--out", out.toString()));
        args.addAll(List.of(extra));
        HanseProcess p = HanseProcess.start(name, dir.resolve("logs"), args.toArray(String[]::new));
        processes.add(p);
        p.await(l -> l.contains("listening on"), START, "listening");
        return p;
    }

    private List<HanseProcess> clients(Path config, int port, int n, List<String> extra) throws IOException {
        List<HanseProcess> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<String> args = new ArrayList<>(List.of("client", "--config", config.toString(), "--server", "127.0.0.1:" + port,
                    "--partition", i + "/" + n));
            args.addAll(extra);
            HanseProcess p = HanseProcess.start("client-" + i, dir.resolve("logs"), args.toArray(String[]::new));
            processes.add(p);
            out.add(p);
        }
        return out;
    }

    private Path config(String name, int port, int clients, int rounds, String model, int epochs, int batch, String strategyExtra,
                        String... tables) throws IOException {
        StringBuilder s = new StringBuilder();
        s.append("name = \"").append(name).append("\"\nseed = 5\nrounds = ").append(rounds).append('\n');
        s.append("[data]\ndataset = \"mnist\"\ndir = \"").append(SAMPLE).append("\"\ntrain_limit = 6000\ntest_limit = 500\n");
        s.append("[partition]\nclients = ").append(clients).append("\nmethod = \"iid\"\n");
        s.append("[model]\nname = \"").append(model).append("\"\n");
        s.append("[train]\nlearning_rate = 0.05\nbatch_size = ").append(batch).append("\nepochs = ").append(epochs).append('\n');
        s.append("[strategy]\nfraction_fit = 1.0\nmin_fit_clients = ").append(clients).append("\nround_timeout = 120\n").append(strategyExtra);
        s.append("[simulation]\nthreads = 2\n");
        boolean serverTable = false;
        for (String t : tables) {
            if (t.startsWith("[server]")) {
                serverTable = true;
                t = t + "port = " + port + "\nstate_dir = \"" + dir.resolve("state-" + name) + "\"\nheartbeat_timeout = 5\n";
            }
            s.append(t);
        }
        if (!serverTable) {
            s.append("[server]\nport = ").append(port).append("\nstate_dir = \"").append(dir.resolve("state-" + name))
                    .append("\"\nheartbeat_timeout = 5\n");
        }
        Path file = dir.resolve(name + ".toml");
        Files.writeString(file, s.toString());
        return file;
    }
}
