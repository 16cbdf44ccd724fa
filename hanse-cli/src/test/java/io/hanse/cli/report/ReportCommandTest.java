package io.hanse.cli.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import picocli.CommandLine;

import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportCommandTest {

    private static final String HEADER = "round,accuracy,loss,seconds,clients_sampled,clients_completed,clients_failed,"
            + "aggregated,train_loss,distributed_loss,distributed_accuracy,epsilon,bytes_up,bytes_down,error";

    /** A DP simulation: epsilon grows, no traffic; round 3 was discarded and has no accuracy. */
    private static final String DP_ROUNDS = HEADER + "\n"
            + "0,0.100000,2.300000,0.061,0,0,0,false,,,,,,,\n"
            + "1,0.700000,1.000000,0.310,10,10,0,true,1.600000,,,0.500000,,,\n"
            + "2,0.500000,0.800000,0.105,10,9,1,true,0.740000,,,0.900000,,,\n"
            + "3,,,0.109,10,0,10,false,,,,1.200000,,,\"too few results: 0 of 10, need 2, \"\"timeout\"\"\"\n"
            + "4,0.900000,0.400000,0.097,10,10,0,true,0.440000,,,1.500000,,,\n";

    /** A deployment: bytes per round, no epsilon. */
    private static final String DEPLOY_ROUNDS = HEADER + "\n"
            + "0,0.124600,2.328098,0.247,0,0,0,false,,,,,430,850,\n"
            + "1,0.924700,0.265238,2.895,10,10,0,true,0.597873,,,,7971110,7972520,\n"
            + "2,0.951000,0.170000,2.100,10,10,0,true,0.210000,,,,7971110,7972520,\n";

    private static final String SUMMARY = """
            {
              "name" : "dp-demo",
              "engine" : "tensorflow-java 1.1.0",
              "model_parameters" : 199210,
              "partition_sizes_min_max" : [ 600, 600 ],
              "config" : { "name" : "dp-demo", "seed" : 42, "rounds" : 4,
                "train" : { "learning_rate" : 0.05, "batch_size" : 10 },
                "privacy" : { "noise_multiplier" : 1.1 } },
              "results" : { "rounds_run" : 4, "final_accuracy" : 0.9, "final_loss" : 0.4,
                "best_accuracy" : 0.9, "rounds_discarded" : 1, "total_seconds" : 1.83, "rounds_to_target" : null }
            }
            """;

    private static Path run(Path dir, String rounds, String summary) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("rounds.csv"), rounds);
        if (summary != null) {
            Files.writeString(dir.resolve("summary.json"), summary);
        }
        return dir;
    }

    private record Result(int exit, String out, String err) {
    }

    private static Result report(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new ReportCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    private static Document parseXml(Path file) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        DocumentBuilder b = f.newDocumentBuilder();
        return b.parse(file.toFile());
    }

    private static List<Element> elements(Document doc, String tag) {
        NodeList nodes = doc.getElementsByTagNameNS("*", tag);
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            out.add((Element) nodes.item(i));
        }
        return out;
    }

    private static Element series(Document doc, String name) {
        return elements(doc, "g").stream().filter(g -> name.equals(g.getAttribute("data-series"))).findFirst()
                .orElseThrow(() -> new AssertionError("no series " + name));
    }

    @Test
    void report_dpRun_namesEveryPlottedSeriesAndLeavesOutEmptyColumns(@TempDir Path tmp) throws Exception {
        Path dir = run(tmp.resolve("dp"), DP_ROUNDS, SUMMARY);

        Result r = report(dir.toString());

        assertEquals(0, r.exit(), r.err());
        String html = Files.readString(dir.resolve("report.html"));
        for (String name : List.of("accuracy", "loss", "train_loss", "seconds", "epsilon", "clients_completed", "clients_failed")) {
            assertTrue(html.contains("data-series=\"" + name + "\""), "series " + name);
            assertTrue(html.contains(">" + name + "</text>"), "legend names " + name);
        }
        // no traffic in a simulation, no clients' evaluation: no such series, no bytes plot
        for (String absent : List.of("bytes_up", "bytes_down", "distributed_loss", "distributed_accuracy")) {
            assertFalse(html.contains(absent), absent + " should be absent");
        }
        assertFalse(Files.exists(dir.resolve("bytes.svg")));
        for (String file : List.of("accuracy", "loss", "train_loss", "seconds", "epsilon", "clients")) {
            assertTrue(Files.exists(dir.resolve(file + ".svg")), file + ".svg");
        }
        // summary tables: config and final figures; the discarded round with its reason
        assertTrue(html.contains("train.learning_rate") && html.contains("0.05"), "config flattened");
        assertTrue(html.contains("final_accuracy") && html.contains("0.9"), "final figures");
        assertTrue(html.contains("too few results: 0 of 10, need 2, &quot;timeout&quot;"), "error column");
    }

    @Test
    void report_deploymentRun_plotsBytesAndNoEpsilon(@TempDir Path tmp) throws Exception {
        Path dir = run(tmp.resolve("dep"), DEPLOY_ROUNDS, null);

        Result r = report(dir.toString());

        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("no summary.json"), r.err());
        String html = Files.readString(dir.resolve("report.html"));
        assertTrue(html.contains("data-series=\"bytes_up\"") && html.contains("data-series=\"bytes_down\""));
        assertFalse(html.contains("epsilon"), "no epsilon column values: no epsilon plot");
        assertFalse(Files.exists(dir.resolve("epsilon.svg")));
        assertTrue(Files.readString(dir.resolve("bytes.svg")).contains(">8M</text>"), "bytes ticks in M");
    }

    @Test
    void report_clientsCsv_plotsTheSpreadOfTheClientsTrainingLoss(@TempDir Path tmp) throws Exception {
        Path dir = run(tmp.resolve("clients"), DEPLOY_ROUNDS, null);
        Files.writeString(dir.resolve("clients.csv"), "round,client,status,num_examples,train_loss,steps,reason\n"
                + "1,0,ok,600,0.5,60,\n1,1,ok,600,0.9,60,\n1,2,ok,600,0.7,60,\n1,3,failed,,,,\"fit timed out, after 120000 ms\"\n"
                + "2,0,ok,600,0.2,60,\n2,1,ok,600,0.4,60,\n");

        Result r = report(dir.toString());

        assertEquals(0, r.exit(), r.err());
        Document svg = parseXml(dir.resolve("client_train_loss.svg"));
        for (String name : List.of("client_train_loss_min", "client_train_loss_median", "client_train_loss_max")) {
            assertTrue(Files.readString(dir.resolve("report.html")).contains("data-series=\"" + name + "\""), name);
            series(svg, name);
        }
        RunResults results = RunResults.read(dir, "clients");
        // round 1: ok clients 0.5, 0.9, 0.7 (the failed one has no loss); round 2: 0.2, 0.4; round 0: none
        assertTrue(Double.isNaN(results.column("client_train_loss_median")[0]));
        assertEquals(0.5, results.column("client_train_loss_min")[1], 1e-12);
        assertEquals(0.7, results.column("client_train_loss_median")[1], 1e-12);
        assertEquals(0.9, results.column("client_train_loss_max")[1], 1e-12);
        assertEquals(0.3, results.column("client_train_loss_median")[2], 1e-12);
    }

    @Test
    void report_html_loadsNothingFromTheNetwork(@TempDir Path tmp) throws Exception {
        Path dir = run(tmp.resolve("dp"), DP_ROUNDS, SUMMARY);

        report(dir.toString());

        String html = Files.readString(dir.resolve("report.html"));
        Matcher remote = Pattern.compile("(?i)(src|href)\\s*=\\s*[\"']?\\s*(https?:)?//|url\\(\\s*[\"']?\\s*(https?:)?//")
                .matcher(html);
        assertFalse(remote.find(), () -> "remote resource: " + remote.group());
        assertFalse(html.toLowerCase(Locale.ROOT).contains("<script"), "no scripts at all");
        assertFalse(html.toLowerCase(Locale.ROOT).contains("@import") || html.contains("@font-face"), "no web fonts");
        assertFalse(html.contains("http://") || html.contains("https://"), "no URL anywhere in the page");
        assertTrue(html.contains("<svg") && html.contains("<polyline"), "plots inline");
    }

    @Test
    void report_svgFiles_parseAsXmlWithSvgRoot(@TempDir Path tmp) throws Exception {
        Path dir = run(tmp.resolve("dp"), DP_ROUNDS, SUMMARY);

        report(dir.toString());

        try (var files = Files.list(dir)) {
            List<Path> svgs = files.filter(p -> p.toString().endsWith(".svg")).toList();
            assertEquals(6, svgs.size(), svgs.toString());
            for (Path svg : svgs) {
                Document doc = parseXml(svg);
                assertEquals("svg", doc.getDocumentElement().getLocalName(), svg.toString());
                assertEquals("http://www.w3.org/2000/svg", doc.getDocumentElement().getNamespaceURI());
                assertFalse(elements(doc, "polyline").isEmpty() && elements(doc, "circle").isEmpty(), svg + " draws nothing");
            }
        }
    }

    @Test
    void report_knownPoint_mapsIntoThePlotArea(@TempDir Path tmp) throws Exception {
        Path dir = run(tmp.resolve("dp"), DP_ROUNDS, SUMMARY);

        report(dir.toString());

        Document doc = parseXml(dir.resolve("accuracy.svg"));
        Element area = elements(doc, "rect").stream().filter(e -> "plot-area".equals(e.getAttribute("class"))).findFirst().orElseThrow();
        double left = d(area, "x");
        double top = d(area, "y");
        double width = d(area, "width");
        double height = d(area, "height");
        // rounds 0..4 and accuracy 0.1..0.9: axes widened to nice bounds, 0..4 and 0..1
        assertEquals(0, d(area, "data-x-min"), 1e-9);
        assertEquals(4, d(area, "data-x-max"), 1e-9);
        assertEquals(0, d(area, "data-y-min"), 1e-9);
        assertEquals(1, d(area, "data-y-max"), 1e-9);
        // round 2, accuracy 0.5: the middle of the plot area
        String expected = String.format(Locale.ROOT, "%.2f,%.2f", left + width / 2, top + height / 2);
        String points = elements(series(doc, "accuracy"), "polyline").get(0).getAttribute("points");
        assertTrue(points.contains(expected), expected + " in " + points);
        // round 0, accuracy 0.1: left edge, a tenth up; every vertex inside the area
        assertTrue(points.startsWith(String.format(Locale.ROOT, "%.2f,%.2f", left, top + 0.9 * height)), points);
        for (String p : points.split(" ")) {
            double x = Double.parseDouble(p.split(",")[0]);
            double y = Double.parseDouble(p.split(",")[1]);
            assertTrue(x >= left - 1e-6 && x <= left + width + 1e-6 && y >= top - 1e-6 && y <= top + height + 1e-6, p);
        }
    }

    @Test
    void report_emptyCell_leavesAGapNotAZero(@TempDir Path tmp) throws Exception {
        Path dir = run(tmp.resolve("dp"), DP_ROUNDS, SUMMARY);

        report(dir.toString());

        Document doc = parseXml(dir.resolve("accuracy.svg"));
        Element accuracy = series(doc, "accuracy");
        List<Element> lines = elements(accuracy, "polyline");
        List<Element> dots = elements(accuracy, "circle");
        // rounds 0-2 joined; round 3 empty; round 4 alone, as a dot
        assertEquals(1, lines.size());
        assertEquals(3, lines.get(0).getAttribute("points").split(" ").length);
        assertEquals(1, dots.size());
        Element area = elements(doc, "rect").stream().filter(e -> "plot-area".equals(e.getAttribute("class"))).findFirst().orElseThrow();
        double round4x = d(area, "x") + d(area, "width");
        assertEquals(round4x, d(dots.get(0), "cx"), 0.01);
        assertEquals(d(area, "y") + 0.1 * d(area, "height"), d(dots.get(0), "cy"), 0.01, "0.9 of an axis 0..1");
        // train_loss: rounds 0 and 3 empty: rounds 1-2 joined, round 4 a dot: no vertex for an empty cell
        Document train = parseXml(dir.resolve("train_loss.svg"));
        Element trainLoss = series(train, "train_loss");
        assertEquals(1, elements(trainLoss, "polyline").size());
        assertEquals(2, elements(trainLoss, "polyline").get(0).getAttribute("points").split(" ").length);
        assertEquals(1, elements(trainLoss, "circle").size());
    }

    @Test
    void report_severalRuns_overlaysThemWithALegendNamingEachRun(@TempDir Path tmp) throws Exception {
        Path a = run(tmp.resolve("a/baseline"), DEPLOY_ROUNDS, SUMMARY);
        Path b = run(tmp.resolve("b/baseline"), DP_ROUNDS, SUMMARY.replace("\"seed\" : 42", "\"seed\" : 7"));
        Path out = tmp.resolve("cmp");

        Result r = report(a.toString(), b.toString(), "--out", out.toString());

        assertEquals(0, r.exit(), r.err());
        String html = Files.readString(out.resolve("report.html"));
        // same directory name twice: the parent tells them apart
        assertTrue(html.contains(">a/baseline</text>") && html.contains(">b/baseline</text>"), "seconds plot: one series per run");
        assertTrue(html.contains(">a/baseline: clients_completed</text>"), "clients plot names run and column");
        assertTrue(html.contains("data-series=\"b/baseline: clients_failed\""));
        assertTrue(html.contains(">a/baseline: bytes_up</text>"));
        assertTrue(html.contains("<tr class=\"differs\"><td><code>seed</code>"), "differing config marked");
        Document svg = parseXml(out.resolve("epsilon.svg"));
        assertEquals(1, elements(svg, "polyline").size(), "epsilon from the DP run only");
        assertFalse(Files.readString(out.resolve("epsilon.svg")).contains("a/baseline"), "no legend entry for a run without epsilon");
        assertFalse(Files.exists(a.resolve("report.html")), "written to --out only");
    }

    @Test
    void report_severalRunsWithoutOut_isAUsageError(@TempDir Path tmp) throws Exception {
        Path a = run(tmp.resolve("a"), DEPLOY_ROUNDS, null);
        Path b = run(tmp.resolve("b"), DP_ROUNDS, null);

        Result r = report(a.toString(), b.toString());

        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--out"), r.err());
    }

    @Test
    void report_missingRoundsCsv_failsNamingThePath(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("empty-run"));

        Result r = report(dir.toString());

        assertEquals(2, r.exit());
        assertTrue(r.err().contains(dir.resolve("rounds.csv").toAbsolutePath().toString()), r.err());
        assertTrue(r.err().startsWith("error: no rounds.csv"), r.err());
        assertFalse(Files.exists(dir.resolve("report.html")));
        Result none = report(tmp.resolve("no-such-run").toString());
        assertEquals(2, none.exit());
        assertTrue(none.err().contains(tmp.resolve("no-such-run/rounds.csv").toAbsolutePath().toString()), none.err());
    }

    @Test
    void parseLine_quotedCell_keepsCommasAndQuotes() {
        List<String> cells = RunResults.parseLine("3,,\"a, \"\"b\"\"\"");

        assertEquals(List.of("3", "", "a, \"b\""), cells);
    }

    private static double d(Element e, String attribute) {
        return Double.parseDouble(e.getAttribute(attribute));
    }

    private static List<Element> elements(Element parent, String tag) {
        NodeList nodes = parent.getElementsByTagNameNS("*", tag);
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            out.add((Element) nodes.item(i));
        }
        return out;
    }
}
