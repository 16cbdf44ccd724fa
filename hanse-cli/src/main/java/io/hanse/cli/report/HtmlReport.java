package io.hanse.cli.report;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static io.hanse.cli.report.SvgPlot.esc;

/**
 * A self-contained HTML page on one or more runs: plots per round as inline SVG (each also written as
 * an .svg file beside the page) and tables of summary.json. Nothing is loaded from the network.
 */
public final class HtmlReport {

    /** A plot and the file name it is written under (without .svg). */
    public record NamedPlot(String file, SvgPlot plot) {
    }

    /** What a chart shows: its file name, title, y label and the rounds.csv columns it draws. */
    private record Chart(String file, String title, String yLabel, List<String> columns, boolean zero, boolean integer) {
    }

    private static final List<Chart> CHARTS = List.of(
            new Chart("accuracy", "Accuracy per round", "accuracy", List.of("accuracy", "distributed_accuracy"), false, false),
            new Chart("loss", "Loss per round", "loss", List.of("loss", "distributed_loss"), false, false),
            new Chart("train_loss", "Training loss per round (clients' mean)", "train loss", List.of("train_loss"), false, false),
            new Chart("client_train_loss", "Training loss of the clients per round (min, median, max; clients.csv)", "train loss",
                    RunResults.CLIENT_COLUMNS, false, false),
            new Chart("seconds", "Seconds per round", "seconds", List.of("seconds"), true, false),
            new Chart("bytes", "Bytes per round", "bytes", List.of("bytes_up", "bytes_down"), true, false),
            new Chart("epsilon", "Privacy spent (epsilon) per round", "epsilon", List.of("epsilon"), true, false),
            new Chart("clients", "Clients per round", "clients",
                    List.of("clients_sampled", "clients_completed", "clients_failed"), true, true));

    private final List<RunResults> runs;
    private final String title;

    public HtmlReport(List<RunResults> runs, String title) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("no runs");
        }
        this.runs = List.copyOf(runs);
        this.title = title != null ? title : defaultTitle(runs);
    }

    private static String defaultTitle(List<RunResults> runs) {
        List<String> names = new ArrayList<>();
        for (RunResults r : runs) {
            names.add(r.label());
        }
        return "Hanse report: " + String.join(", ", names);
    }

    /**
     * The plots with data: a column that is empty in every run is left out, and so is a chart with no
     * column left. One run: a colour per column. Several: a colour per run, a dash pattern per column.
     */
    public List<NamedPlot> plots() {
        List<NamedPlot> out = new ArrayList<>();
        boolean several = runs.size() > 1;
        for (Chart chart : CHARTS) {
            List<String> present = new ArrayList<>();
            for (String column : chart.columns) {
                if (runs.stream().anyMatch(r -> r.has(column))) {
                    present.add(column);
                }
            }
            if (present.isEmpty()) {
                continue;
            }
            SvgPlot plot = new SvgPlot(chart.title, "round", chart.yLabel).includeZero(chart.zero).integerY(chart.integer);
            for (int ri = 0; ri < runs.size(); ri++) {
                RunResults run = runs.get(ri);
                for (int ci = 0; ci < present.size(); ci++) {
                    String column = present.get(ci);
                    if (!run.has(column)) {
                        continue; // another run measured it; this one did not
                    }
                    String name;
                    String color;
                    String dash;
                    if (several) {
                        name = present.size() == 1 ? run.label() : run.label() + ": " + column;
                        color = SvgPlot.PALETTE[ri % SvgPlot.PALETTE.length];
                        dash = SvgPlot.DASHES[ci % SvgPlot.DASHES.length];
                    } else {
                        name = column;
                        color = SvgPlot.PALETTE[ci % SvgPlot.PALETTE.length];
                        dash = "";
                    }
                    plot.add(new SvgPlot.Series(name, run.rounds(), run.column(column), color, dash));
                }
            }
            out.add(new NamedPlot(chart.file, plot));
        }
        return out;
    }

    /** Writes {@code report.html} and one .svg per plot into {@code dir}; returns the files written. */
    public List<Path> write(Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        List<NamedPlot> plots = plots();
        for (NamedPlot p : plots) {
            Path svg = dir.resolve(p.file + ".svg");
            Files.writeString(svg, p.plot.toSvgDocument(), StandardCharsets.UTF_8);
            written.add(svg);
        }
        Path html = dir.resolve("report.html");
        Files.writeString(html, html(plots), StandardCharsets.UTF_8);
        written.add(0, html);
        return written;
    }

    /** The page. */
    public String html() {
        return html(plots());
    }

    private String html(List<NamedPlot> plots) {
        StringBuilder b = new StringBuilder(64 * 1024);
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(esc(title)).append("</title>\n<style>\n")
                .append("body{font-family:system-ui,-apple-system,\"Segoe UI\",sans-serif;margin:2em auto;max-width:1100px;padding:0 1em;color:#222}\n")
                .append("h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ddd}\n")
                .append("figure{display:inline-block;margin:0 1em 1.5em 0;vertical-align:top}\n")
                .append("figcaption{font-size:.85em;color:#555}svg.plot{max-width:100%;height:auto;border:1px solid #eee}\n")
                .append("table{border-collapse:collapse;font-size:.9em;margin-bottom:1em}\n")
                .append("th,td{border:1px solid #ddd;padding:.25em .6em;text-align:left;vertical-align:top}\n")
                .append("th{background:#f4f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums}\n")
                .append("tr.differs td{background:#fff7e0}code{font-size:.95em}\n")
                .append("</style>\n</head>\n<body>\n");
        b.append("<h1>").append(esc(title)).append("</h1>\n");
        b.append("<p>");
        for (int i = 0; i < runs.size(); i++) {
            RunResults r = runs.get(i);
            b.append(i == 0 ? "" : "<br>\n").append("<strong>").append(esc(r.label())).append("</strong>: <code>")
                    .append(esc(r.dir().toAbsolutePath().normalize().toString())).append("</code>, ")
                    .append(r.rounds().length).append(" rows in rounds.csv")
                    .append(r.summary() == null ? " (no summary.json)" : "");
        }
        b.append("</p>\n");

        b.append("<h2>Per round</h2>\n");
        if (plots.isEmpty()) {
            b.append("<p>rounds.csv holds no rounds yet.</p>\n");
        }
        for (NamedPlot p : plots) {
            b.append("<figure id=\"plot-").append(esc(p.file)).append("\">\n").append(p.plot.toInlineSvg())
                    .append("<figcaption>").append(esc(p.plot.title())).append(" (<a href=\"").append(esc(p.file))
                    .append(".svg\">").append(esc(p.file)).append(".svg</a>)</figcaption>\n</figure>\n");
        }

        b.append("<h2>Final figures</h2>\n");
        table(b, "results", r -> r.summary() == null ? null : r.summary().get("results"), false);
        b.append("<h2>Run</h2>\n");
        table(b, "run", r -> r.summary() == null ? null : withoutKeys(r.summary(), Set.of("config", "results")), false);
        b.append("<h2>Config</h2>\n");
        table(b, "config", r -> r.summary() == null ? null : r.summary().get("config"), true);

        boolean anyErrors = runs.stream().anyMatch(r -> !r.errors().isEmpty());
        if (anyErrors) {
            b.append("<h2>Discarded rounds</h2>\n<table class=\"errors\">\n<tr>")
                    .append(runs.size() > 1 ? "<th>run</th>" : "").append("<th>round</th><th>error</th></tr>\n");
            for (RunResults r : runs) {
                for (RunResults.RoundError e : r.errors()) {
                    b.append("<tr>").append(runs.size() > 1 ? "<td>" + esc(r.label()) + "</td>" : "")
                            .append("<td class=\"num\">").append(e.round()).append("</td><td>").append(esc(e.message()))
                            .append("</td></tr>\n");
                }
            }
            b.append("</table>\n");
        }
        b.append("<p><small>Written by <code>hanse report</code>; self-contained, no network resources.</small></p>\n");
        b.append("</body>\n</html>\n");
        return b.toString();
    }

    private interface Section {
        JsonNode of(RunResults run);
    }

    /** A table of dotted keys, a value column per run; rows that differ between runs are marked. */
    private void table(StringBuilder b, String cssClass, Section section, boolean markDiffs) {
        List<Map<String, String>> perRun = new ArrayList<>();
        Set<String> keys = new LinkedHashSet<>();
        for (RunResults r : runs) {
            Map<String, String> flat = new LinkedHashMap<>();
            JsonNode node = section.of(r);
            if (node != null) {
                flatten("", node, flat);
            }
            perRun.add(flat);
            keys.addAll(flat.keySet());
        }
        if (keys.isEmpty()) {
            b.append("<p>not in summary.json</p>\n");
            return;
        }
        b.append("<table class=\"").append(cssClass).append("\">\n<tr><th>key</th>");
        for (RunResults r : runs) {
            b.append("<th>").append(esc(runs.size() > 1 ? r.label() : "value")).append("</th>");
        }
        b.append("</tr>\n");
        for (String key : keys) {
            Set<String> distinct = new LinkedHashSet<>();
            for (Map<String, String> m : perRun) {
                distinct.add(m.getOrDefault(key, ""));
            }
            boolean differs = markDiffs && runs.size() > 1 && distinct.size() > 1;
            b.append(differs ? "<tr class=\"differs\">" : "<tr>").append("<td><code>").append(esc(key)).append("</code></td>");
            for (Map<String, String> m : perRun) {
                String v = m.get(key);
                boolean num = v != null && v.matches("-?[0-9.eE+-]+");
                b.append(num ? "<td class=\"num\">" : "<td>").append(v == null ? "" : esc(v)).append("</td>");
            }
            b.append("</tr>\n");
        }
        b.append("</table>\n");
    }

    private static JsonNode withoutKeys(JsonNode node, Set<String> drop) {
        if (!node.isObject()) {
            return node;
        }
        com.fasterxml.jackson.databind.node.ObjectNode copy = node.deepCopy();
        copy.remove(drop);
        return copy;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
            }
        } else if (node.isArray()) {
            List<String> items = new ArrayList<>();
            boolean scalars = true;
            for (JsonNode item : node) {
                scalars &= item.isValueNode();
                items.add(scalar(item));
            }
            if (scalars) {
                out.put(prefix, "[" + String.join(", ", items) + "]");
            } else {
                for (int i = 0; i < node.size(); i++) {
                    flatten(prefix + "[" + i + "]", node.get(i), out);
                }
            }
        } else {
            out.put(prefix, scalar(node));
        }
    }

    private static String scalar(JsonNode n) {
        if (n.isNull()) {
            return "none";
        }
        if (n.isFloatingPointNumber()) {
            double d = n.asDouble();
            if (d != 0 && (Math.abs(d) >= 1e6 || Math.abs(d) < 1e-4)) {
                return String.format(Locale.ROOT, "%.4g", d);
            }
            String s = String.format(Locale.ROOT, "%.4f", d).replaceAll("0+$", "");
            return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
        }
        if (n.isValueNode()) {
            return n.asText();
        }
        return n.toString();
    }
}
