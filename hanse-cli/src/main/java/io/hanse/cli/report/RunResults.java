package io.hanse.cli.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One run's results directory as read back: the columns of {@code rounds.csv} by header name (an
 * empty cell is NaN, "not measured") and {@code summary.json} when present.
 */
public final class RunResults {

    /** A round whose update was discarded, with the reason from the {@code error} column. */
    public record RoundError(int round, String message) {
    }

    private final String label;
    private final Path dir;
    private final Map<String, double[]> columns;
    private final List<RoundError> errors;
    private final JsonNode summary;

    RunResults(String label, Path dir, Map<String, double[]> columns, List<RoundError> errors, JsonNode summary) {
        this.label = label;
        this.dir = dir;
        this.columns = columns;
        this.errors = errors;
        this.summary = summary;
    }

    /**
     * Reads {@code dir/rounds.csv} (required) and {@code dir/summary.json} (optional: a run still in
     * progress has none yet).
     *
     * @throws ReportException when rounds.csv is missing or unreadable, naming its path
     */
    public static RunResults read(Path dir, String label) {
        Path csv = dir.resolve("rounds.csv");
        if (!Files.isDirectory(dir)) {
            throw new ReportException("no such directory: " + dir.toAbsolutePath() + " (expected "
                    + csv.toAbsolutePath() + ", written by hanse simulate/server --out DIR)");
        }
        if (!Files.isRegularFile(csv)) {
            throw new ReportException("no rounds.csv in " + dir + ": expected " + csv.toAbsolutePath()
                    + " (written by hanse simulate/server --out DIR)");
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ReportException("no rounds.csv: " + csv.toAbsolutePath());
        } catch (IOException e) {
            throw new ReportException("cannot read " + csv.toAbsolutePath() + ": " + e.getMessage());
        }
        if (lines.isEmpty() || lines.get(0).isBlank()) {
            throw new ReportException(csv.toAbsolutePath() + " is empty: expected a header line starting with 'round'");
        }
        List<String> header = parseLine(lines.get(0));
        int roundIndex = header.indexOf("round");
        if (roundIndex < 0) {
            throw new ReportException(csv.toAbsolutePath() + " has no 'round' column: header is " + lines.get(0));
        }
        int errorIndex = header.indexOf("error");
        List<List<String>> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (!line.isBlank()) {
                List<String> cells = parseLine(line);
                if (number(cells, roundIndex) == number(cells, roundIndex)) { // a row being written may be cut short
                    rows.add(cells);
                }
            }
        }
        Map<String, double[]> columns = new LinkedHashMap<>();
        for (int c = 0; c < header.size(); c++) {
            if (c == errorIndex || header.get(c).equals("aggregated")) {
                continue;
            }
            double[] values = new double[rows.size()];
            for (int r = 0; r < rows.size(); r++) {
                values[r] = number(rows.get(r), c);
            }
            columns.put(header.get(c), values);
        }
        List<RoundError> errors = new ArrayList<>();
        if (errorIndex >= 0) {
            for (List<String> row : rows) {
                if (errorIndex < row.size() && !row.get(errorIndex).isBlank()) {
                    errors.add(new RoundError((int) number(row, roundIndex), row.get(errorIndex)));
                }
            }
        }
        addClientColumns(dir.resolve("clients.csv"), columns);
        JsonNode summary = null;
        Path json = dir.resolve("summary.json");
        if (Files.isRegularFile(json)) {
            try {
                summary = new ObjectMapper().readTree(json.toFile());
            } catch (IOException e) {
                throw new ReportException("cannot parse " + json.toAbsolutePath() + ": " + e.getMessage());
            }
        }
        return new RunResults(label, dir, columns, errors, summary);
    }

    /** Per-client columns derived from clients.csv, one value per round of rounds.csv. */
    static final List<String> CLIENT_COLUMNS = List.of("client_train_loss_min", "client_train_loss_median", "client_train_loss_max");

    /**
     * Adds the spread of the clients' training losses per round (min, median, max over the clients whose update the
     * server accepted) from {@code clients.csv}, when the run wrote one. A malformed or cut-short row is skipped.
     */
    private static void addClientColumns(Path csv, Map<String, double[]> columns) {
        if (!Files.isRegularFile(csv)) {
            return;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ReportException("cannot read " + csv.toAbsolutePath() + ": " + e.getMessage());
        }
        if (lines.isEmpty()) {
            return;
        }
        List<String> header = parseLine(lines.get(0));
        int roundIndex = header.indexOf("round");
        int statusIndex = header.indexOf("status");
        int lossIndex = header.indexOf("train_loss");
        if (roundIndex < 0 || statusIndex < 0 || lossIndex < 0) {
            return;
        }
        Map<Integer, List<Double>> losses = new java.util.HashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            List<String> cells = parseLine(line);
            double round = number(cells, roundIndex);
            double loss = number(cells, lossIndex);
            if (round == round && Double.isFinite(loss) && statusIndex < cells.size() && cells.get(statusIndex).equals("ok")) {
                losses.computeIfAbsent((int) round, k -> new ArrayList<>()).add(loss);
            }
        }
        double[] rounds = columns.get("round");
        double[][] out = new double[3][rounds.length];
        for (int r = 0; r < rounds.length; r++) {
            List<Double> l = losses.get((int) rounds[r]);
            if (l == null || l.isEmpty()) {
                for (double[] o : out) {
                    o[r] = Double.NaN;
                }
                continue;
            }
            double[] v = l.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            out[0][r] = v[0];
            out[1][r] = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
            out[2][r] = v[v.length - 1];
        }
        for (int i = 0; i < 3; i++) {
            columns.put(CLIENT_COLUMNS.get(i), out[i]);
        }
    }

    /** Splits one CSV line; a quoted cell may hold commas and doubled quotes. */
    static List<String> parseLine(String line) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    cell.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                cells.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(ch);
            }
        }
        cells.add(cell.toString().stripTrailing());
        return cells;
    }

    private static double number(List<String> cells, int index) {
        if (index >= cells.size()) {
            return Double.NaN;
        }
        String s = cells.get(index).trim();
        if (s.isEmpty()) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    public String label() {
        return label;
    }

    public Path dir() {
        return dir;
    }

    /** The round numbers, one per row. */
    public double[] rounds() {
        return columns.get("round");
    }

    /** A column's values, NaN where the cell is empty; an absent column is all NaN. */
    public double[] column(String name) {
        double[] values = columns.get(name);
        if (values == null) {
            values = new double[rounds().length];
            Arrays.fill(values, Double.NaN);
        }
        return values;
    }

    /** Whether the column holds at least one value. */
    public boolean has(String name) {
        double[] values = columns.get(name);
        return values != null && Arrays.stream(values).anyMatch(Double::isFinite);
    }

    public List<RoundError> errors() {
        return errors;
    }

    /** summary.json, or null when the directory has none. */
    public JsonNode summary() {
        return summary;
    }
}
