package io.hanse.cli.deploy;

import static io.hanse.cli.deploy.ResultsFiles.column;
import static io.hanse.cli.deploy.ResultsFiles.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * Five hospitals as five {@code hanse client} processes, each holding only its own rows of the breast cancer table:
 * features are standardised by the {@code hanse.standardize} exchange before the first round (each site sends its
 * counts, sums and sums of squares; the server sends back the totals' means and divisors), and the deployment then
 * computes what the simulation computes from the same partitions.
 */
class HospitalsDeploymentIT {

    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    private final List<HanseProcess> processes = new ArrayList<>();

    @AfterEach
    void stopAll() {
        processes.forEach(HanseProcess::close);
    }

    @Test
    void fiveSites_standardiseFederatedly_andMatchTheSimulation() throws Exception {
        // Prepare
        int port = freePort();
        Path config = dir.resolve("hospitals.toml");
        Files.writeString(config, """
                name = "hospitals"
                seed = 7
                rounds = 4
                [data]
                dataset = "tabular"
                path = "%s"
                format = "sklearn"
                test_fraction = 0.2
                standardize = true
                [partition]
                clients = 5
                method = "iid"
                size_distribution = "lognormal"
                size_sigma = 1.0
                [model]
                name = "logistic"
                [train]
                learning_rate = 0.1
                batch_size = 16
                epochs = 2
                [strategy]
                fraction_fit = 1.0
                min_fit_clients = 5
                round_timeout = 120
                [simulation]
                threads = 2
                [server]
                port = %d
                state_dir = "%s"
                heartbeat_timeout = 5
                """.formatted(REPO.resolve("data/tabular/breast_cancer.csv"), port, dir.resolve("state")));
        assertEquals(0, Main.execute("simulate", "--config", config.toString(), "--out", dir.resolve("sim").toString()));

        // Execute
        HanseProcess server = HanseProcess.start("server", dir.resolve("logs"), "server", "--config", config.toString(),
                "--out", dir.resolve("out").toString());
        processes.add(server);
        server.await(l -> l.contains("listening on"), Duration.ofSeconds(180), "listening");
        List<HanseProcess> sites = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            HanseProcess p = HanseProcess.start("site-" + i, dir.resolve("logs"), "client", "--config", config.toString(),
                    "--server", "127.0.0.1:" + port, "--partition", i + "/5");
            processes.add(p);
            sites.add(p);
        }

        // Assert
        assertEquals(0, server.waitFor(Duration.ofSeconds(400)), server.tail());
        for (HanseProcess p : sites) {
            assertEquals(0, p.waitFor(Duration.ofSeconds(60)), p.tail());
        }
        assertTrue(server.output().stream().anyMatch(l -> l.contains("federated standardisation: 30 features over 456 rows at 5 clients")),
                server.tail());
        List<String> accuracy = column(dir.resolve("out/rounds.csv"), "accuracy");
        assertEquals(column(dir.resolve("sim/rounds.csv"), "accuracy"), accuracy,
                "sites that standardise through the exchange must compute what the simulation computes");
        assertTrue(Double.parseDouble(accuracy.get(accuracy.size() - 1)) > 0.93, accuracy.toString());
    }
}
