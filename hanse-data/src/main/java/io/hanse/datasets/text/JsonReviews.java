package io.hanse.datasets.text;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * A small streaming reader of the reviews file: a JSON array of objects with a string {@code "t"} and an integer
 * {@code "s"} (0 or 1). Full JSON string escapes are decoded (including {@code \\uXXXX} surrogate pairs); other members
 * are skipped, whatever their value. Errors name the file and the character offset.
 */
final class JsonReviews {

    private final Reader in;
    private final String source;
    private long offset;
    private int peeked = -2;

    private JsonReviews(Reader in, String source) {
        this.in = in;
        this.source = source;
    }

    static List<Imdb.Review> read(Reader in, String source) throws IOException {
        return new JsonReviews(in, source).array();
    }

    private List<Imdb.Review> array() throws IOException {
        List<Imdb.Review> out = new ArrayList<>();
        expect('[');
        if (peekNonSpace() == ']') {
            next();
            return out;
        }
        while (true) {
            out.add(review(out.size()));
            int c = nextNonSpace();
            if (c == ']') {
                break;
            }
            if (c != ',') {
                throw error("expected ',' or ']' after review " + (out.size() - 1));
            }
        }
        if (peekNonSpace() != -1) {
            throw error("unexpected content after the array");
        }
        return out;
    }

    private Imdb.Review review(int index) throws IOException {
        expect('{');
        String text = null;
        Integer label = null;
        if (peekNonSpace() == '}') {
            next();
        } else {
            while (true) {
                expect('"');
                String key = string();
                expect(':');
                if (key.equals("t")) {
                    expect('"');
                    text = string();
                } else if (key.equals("s")) {
                    label = integer();
                } else {
                    skipValue();
                }
                int c = nextNonSpace();
                if (c == '}') {
                    break;
                }
                if (c != ',') {
                    throw error("expected ',' or '}' in review " + index);
                }
            }
        }
        if (text == null || label == null) {
            throw error("review " + index + " lacks " + (text == null ? "\"t\" (its text)" : "\"s\" (its label)"));
        }
        if (label != 0 && label != 1) {
            throw error("review " + index + " has label \"s\": " + label + ", expected 0 or 1");
        }
        return new Imdb.Review(text, label);
    }

    /** The rest of a string whose opening quote was read. */
    private String string() throws IOException {
        StringBuilder s = new StringBuilder();
        while (true) {
            int c = next();
            if (c == -1) {
                throw error("unterminated string");
            }
            if (c == '"') {
                return s.toString();
            }
            if (c == '\\') {
                int e = next();
                switch (e) {
                    case '"', '\\', '/' -> s.append((char) e);
                    case 'b' -> s.append('\b');
                    case 'f' -> s.append('\f');
                    case 'n' -> s.append('\n');
                    case 'r' -> s.append('\r');
                    case 't' -> s.append('\t');
                    case 'u' -> {
                        int v = 0;
                        for (int k = 0; k < 4; k++) {
                            int h = Character.digit(next(), 16);
                            if (h < 0) {
                                throw error("bad \\u escape");
                            }
                            v = v * 16 + h;
                        }
                        s.append((char) v);   // surrogate pairs arrive as two escapes, appended in turn
                    }
                    default -> throw error("bad escape \\" + (e == -1 ? "<end>" : Character.toString(e)));
                }
            } else {
                s.append((char) c);
            }
        }
    }

    private int integer() throws IOException {
        StringBuilder s = new StringBuilder();
        int c = peekNonSpace();
        while (c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' || (c >= '0' && c <= '9')) {
            s.append((char) next());
            c = peek();
        }
        try {
            double v = Double.parseDouble(s.toString());
            if (v != Math.rint(v)) {
                throw error("label " + s + " is not an integer");
            }
            return (int) v;
        } catch (NumberFormatException e) {
            throw error("expected a number, got '" + s + "'");
        }
    }

    private void skipValue() throws IOException {
        int c = peekNonSpace();
        if (c == '"') {
            next();
            string();
        } else if (c == '{' || c == '[') {
            int depth = 0;
            do {
                int d = next();
                if (d == -1) {
                    throw error("unterminated value");
                }
                if (d == '"') {
                    string();
                } else if (d == '{' || d == '[') {
                    depth++;
                } else if (d == '}' || d == ']') {
                    depth--;
                }
            } while (depth > 0);
        } else {
            while (c != ',' && c != '}' && c != ']' && c != -1) {
                next();
                c = peek();
            }
        }
    }

    private void expect(char want) throws IOException {
        int c = nextNonSpace();
        if (c != want) {
            throw error("expected '" + want + "', got " + (c == -1 ? "the end of the file" : "'" + (char) c + "'"));
        }
    }

    private int peek() throws IOException {
        if (peeked == -2) {
            peeked = in.read();
        }
        return peeked;
    }

    private int next() throws IOException {
        int c = peek();
        peeked = -2;
        if (c != -1) {
            offset++;
        }
        return c;
    }

    private int peekNonSpace() throws IOException {
        int c = peek();
        while (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
            next();
            c = peek();
        }
        return c;
    }

    private int nextNonSpace() throws IOException {
        peekNonSpace();
        return next();
    }

    private IOException error(String message) {
        return new IOException(source + ": not a reviews file (JSON array of {\"t\": text, \"s\": 0|1}) at character "
                + offset + ": " + message);
    }
}
