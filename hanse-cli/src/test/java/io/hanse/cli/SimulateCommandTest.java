package io.hanse.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** End to end: the demo config on the MNIST sample committed in data/mnist-sample, through the CLI. */
class SimulateCommandTest {

    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    @Test
    void simulate_demoConfig_learnsMnistAndWritesResults(@TempDir Path out) throws Exception {
        // Prepare
        String[] args = {"simulate", "--config", REPO.resolve("examples/demo.toml").toString(),
                "--data-dir", REPO.resolve("data/mnist-sample").toString(), "--rounds", "3", "--out", out.toString()};

        // Execute
        int exit = Main.execute(args);

        // Assert
        assertEquals(0, exit);
        List<String> rows = Files.readAllLines(out.resolve("rounds.csv"));
        assertEquals(RoundsCsv.HEADER, rows.get(0));
        assertEquals(1 + 4, rows.size(), "header, round 0 and 3 rounds: " + rows);
        double initial = Double.parseDouble(rows.get(1).split(",")[1]);
        double last = Double.parseDouble(rows.get(4).split(",")[1]);
        assertTrue(initial < 0.3, "untrained model should be near chance, got " + initial);
        // 10 IID clients, 600 images each, 3 rounds of one local epoch, on the 1,000 test images
        assertTrue(last > 0.85, "accuracy after 3 rounds: " + last);
        JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals(3, summary.get("results").get("rounds_run").asInt());
        assertEquals(last, summary.get("results").get("final_accuracy").asDouble(), 1e-6);
        assertEquals(3, summary.get("config").get("rounds").asInt());
        assertEquals(199_210, summary.get("model_parameters").asInt());
        // one clients.csv row per client and round, with its examples and training loss
        List<String> clients = Files.readAllLines(out.resolve("clients.csv"));
        assertEquals(ClientsCsv.HEADER, clients.get(0));
        assertEquals(1 + 3 * 10, clients.size(), "10 clients in each of 3 rounds: " + clients);
        for (String row : clients.subList(1, clients.size())) {
            String[] cells = row.split(",", -1);
            assertEquals("ok", cells[2], row);
            assertEquals(600, Integer.parseInt(cells[3]), row);
            assertTrue(Double.parseDouble(cells[4]) > 0 && Double.parseDouble(cells[4]) < 3, row);
        }
        // the run writes its own report: an offline page naming the plotted series
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("accuracy") && html.contains("loss") && !html.contains("https://"), "report.html");
        assertTrue(html.contains("data-series=\"client_train_loss_median\""), "per-client plot from clients.csv");
    }

    @Test
    void simulate_tabularConfig_learnsBreastCancerAcrossFiveHospitals(@TempDir Path out) throws Exception {
        Path config = out.resolve("bc.toml");
        Files.writeString(config, Files.readString(REPO.resolve("examples/breast-cancer-logistic.toml"))
                .replace("data/tabular/breast_cancer.csv", REPO.resolve("data/tabular/breast_cancer.csv").toString()));

        int exit = Main.execute("simulate", "--config", config.toString(), "--out", out.toString());

        assertEquals(0, exit);
        JsonNode results = new ObjectMapper().readTree(out.resolve("summary.json").toFile()).get("results");
        // a centrally trained logistic regression reaches about 0.97 on this table
        assertTrue(results.get("final_accuracy").asDouble() > 0.9, results.toString());
    }

    @Test
    void simulate_sameSeedTwice_givesIdenticalRounds(@TempDir Path tmp) throws Exception {
        String[] base = {"simulate", "--config", REPO.resolve("examples/demo.toml").toString(),
                "--data-dir", REPO.resolve("data/mnist-sample").toString(), "--rounds", "2", "--clients", "20",
                "--fraction", "0.3", "--set", "data.train_limit=2000"};
        Main.execute(concat(base, "--out", tmp.resolve("a").toString()));
        Main.execute(concat(base, "--out", tmp.resolve("b").toString()));
        List<String> a = accuracyAndLoss(tmp.resolve("a/rounds.csv"));
        List<String> b = accuracyAndLoss(tmp.resolve("b/rounds.csv"));
        assertEquals(a, b);
    }

    @Test
    void simulate_badFlagValue_exitsWithUsageErrorNamingTheKey() {
        // Prepare
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        int exit;
        // Execute
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            exit = Main.execute("simulate", "--config", REPO.resolve("examples/demo.toml").toString(), "--fraction", "2");
        } finally {
            System.setErr(old);
        }
        // Assert
        assertEquals(Main.EXIT_USAGE, exit);
        String msg = err.toString(StandardCharsets.UTF_8);
        assertTrue(msg.contains("strategy.fraction_fit = 2.0 is invalid"), msg);
    }

    @Test
    void simulate_missingData_saysWhereItLookedAndHowToGetIt(@TempDir Path empty) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        int exit;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            exit = Main.execute("simulate", "--config", REPO.resolve("examples/demo.toml").toString(),
                    "--data-dir", empty.toString());
        } finally {
            System.setErr(old);
        }
        assertEquals(Main.EXIT_USAGE, exit);
        String msg = err.toString(StandardCharsets.UTF_8);
        assertTrue(msg.contains(empty.toString()), msg);
        assertTrue(msg.contains("hanse data fetch"), msg);
    }

    private static List<String> accuracyAndLoss(Path csv) throws Exception {
        return Files.readAllLines(csv).stream().skip(1).map(l -> {
            String[] c = l.split(",", -1);
            return c[0] + "," + c[1] + "," + c[2] + "," + c[8];
        }).toList();
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
