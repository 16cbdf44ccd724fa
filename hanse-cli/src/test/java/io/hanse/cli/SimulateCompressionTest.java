package io.hanse.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code hanse simulate} with {@code [compression]} on the MNIST sample: rounds.csv holds the payload bytes each way,
 * in the ratios the encodings promise, and the model still learns.
 */
class SimulateCompressionTest {

    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    /** 10 clients a round, the 2NN (199,210 parameters): one HNSP float32 encoding each, 147 header bytes and 4 a value. */
    private static final long FULL = 10 * 796_987L;

    private static List<long[]> bytes(Path out) throws Exception {
        List<String> rows = Files.readAllLines(out.resolve("rounds.csv"));
        List<String> header = Arrays.asList(rows.get(0).split(","));
        int up = header.indexOf("bytes_up");
        int down = header.indexOf("bytes_down");
        List<long[]> r = new ArrayList<>();
        for (String row : rows.subList(2, rows.size())) {
            String[] cells = row.split(",");
            r.add(new long[]{Long.parseLong(cells[up]), Long.parseLong(cells[down])});
        }
        return r;
    }

    private static Path run(Path dir, String name, String... sets) throws Exception {
        Path out = dir.resolve(name);
        List<String> args = new ArrayList<>(List.of("simulate", "--config", REPO.resolve("examples/demo.toml").toString(),
                "--data-dir", REPO.resolve("data/mnist-sample").toString(), "--rounds", "3", "--out", out.toString(),
                "--set", "output.report=false"));
        for (String s : sets) {
            args.addAll(List.of("--set", s));
        }
        assertEquals(0, Main.execute(args.toArray(String[]::new)));
        return out;
    }

    @Test
    void simulate_writesBytesUpAndDown_withTheRatiosOfEachEncoding() throws Exception {
        Path dir = Files.createTempDirectory("hanse-compression");
        Path none = run(dir, "none");
        Path int8 = run(dir, "int8", "compression.up=int8", "compression.down=float16");
        Path topk = run(dir, "topk", "compression.up=topk", "compression.topk_fraction=0.01");

        for (long[] r : bytes(none)) {
            assertEquals(FULL, r[0], "up: 10 full float32 models");
            assertEquals(FULL, r[1], "down: 10 full float32 models");
        }
        long half = 10 * (FULL / 10 - 2 * 199_210L); // the same 147-byte header, 2 bytes a value
        for (long[] r : bytes(int8)) {
            double ratio = (double) FULL / r[0];
            // 8-bit codes are 4x fewer bytes than float32 less 0.2% of chunk scales; DEFLATE then takes them below 8 bits a
            // value, since many of the 2NN's updates are zero (weights of MNIST's blank border pixels)
            assertTrue(ratio > 4.0 && ratio < 16, "int8 sends " + r[0] + " bytes, " + ratio + "x fewer");
            assertEquals(half, r[1], "float16 down");
        }
        for (long[] r : bytes(topk)) {
            assertTrue((double) FULL / r[0] > 50, "top-1% sends " + r[0] + " bytes");
            assertEquals(FULL, r[1]);
        }
        ObjectMapper json = new ObjectMapper();
        JsonNode s = json.readTree(int8.resolve("summary.json").toFile());
        assertEquals(3 * half, s.get("results").get("bytes_down").asLong());
        assertEquals("int8", s.get("compression").get("up").asText());
        double acc = s.get("results").get("final_accuracy").asDouble();
        double accNone = json.readTree(none.resolve("summary.json").toFile()).get("results").get("final_accuracy").asDouble();
        assertTrue(acc > accNone - 0.02, "int8 " + acc + " against " + accNone);
    }
}
