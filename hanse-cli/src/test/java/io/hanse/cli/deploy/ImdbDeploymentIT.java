package io.hanse.cli.deploy;

import static io.hanse.cli.deploy.ResultsFiles.column;
import static io.hanse.cli.deploy.ResultsFiles.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hanse.cli.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Three {@code hanse client} processes with IMDB reviews: the vocabulary is built by the {@code hanse.vocabulary}
 * exchange (each client sends only its own word counts), and the deployment computes what the simulation computes.
 * Needs {@code imdb-reviews.json.gz} from ../shared/datasets (or $HANSE_DATA_DIR); skipped without it.
 */
class ImdbDeploymentIT {

    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    private final List<HanseProcess> processes = new ArrayList<>();

    @AfterEach
    void stopAll() {
        processes.forEach(HanseProcess::close);
    }

    private static Path dataDir() {
        String env = System.getenv("HANSE_DATA_DIR");
        for (Path p : new Path[]{env == null ? null : Path.of(env), REPO.resolve("../shared/datasets")}) {
            if (p != null && Files.isRegularFile(p.resolve("imdb-reviews.json.gz"))) {
                return p.toAbsolutePath().normalize();
            }
        }
        return null;
    }

    @Test
    void threeClients_buildTheVocabularyFederatedly_andMatchTheSimulation() throws Exception {
        Path data = dataDir();
        assumeTrue(data != null, "skipped: imdb-reviews.json.gz not found in $HANSE_DATA_DIR or ../shared/datasets");
        // Prepare
        int port = freePort();
        Path config = dir.resolve("imdb.toml");
        Files.writeString(config, """
                name = "imdb-deploy"
                seed = 3
                rounds = 2
                [data]
                dataset = "imdb"
                dir = "%s"
                seq_len = 40
                vocab_size = 2000
                vocab_client_top_words = 2000
                train_limit = 1200
                test_limit = 400
                [partition]
                clients = 3
                method = "dirichlet"
                alpha = 1.0
                [model]
                name = "text_lstm"
                [train]
                optimizer = "adam"
                learning_rate = 0.005
                batch_size = 32
                epochs = 1
                [strategy]
                fraction_fit = 1.0
                min_fit_clients = 3
                round_timeout = 120
                [simulation]
                threads = 2
                [server]
                port = %d
                state_dir = "%s"
                heartbeat_timeout = 5
                """.formatted(data, port, dir.resolve("state")));
        assertEquals(0, Main.execute("simulate", "--config", config.toString(), "--out", dir.resolve("sim").toString()));

        // Execute
        HanseProcess server = HanseProcess.start("server", dir.resolve("logs"), "server", "--config", config.toString(),
                "--out", dir.resolve("out").toString());
        processes.add(server);
        server.await(l -> l.contains("listening on"), Duration.ofSeconds(180), "listening");
        List<HanseProcess> clients = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            HanseProcess p = HanseProcess.start("client-" + i, dir.resolve("logs"), "client", "--config", config.toString(),
                    "--server", "127.0.0.1:" + port, "--partition", i + "/3");
            processes.add(p);
            clients.add(p);
        }

        // Assert
        assertEquals(0, server.waitFor(Duration.ofSeconds(400)), server.tail());
        for (HanseProcess p : clients) {
            assertEquals(0, p.waitFor(Duration.ofSeconds(60)), p.tail());
        }
        assertTrue(server.output().stream().anyMatch(l -> l.startsWith("federated vocabulary: ") && l.contains("from 3 clients")),
                server.tail());
        assertEquals(column(dir.resolve("sim/rounds.csv"), "accuracy"), column(dir.resolve("out/rounds.csv"), "accuracy"),
                "clients that build the vocabulary through the exchange must compute what the simulation computes");
    }
}
