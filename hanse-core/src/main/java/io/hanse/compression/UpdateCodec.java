package io.hanse.compression;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The HNSC format: a compressed flat vector of float32 values, such as the update {@code local - global} of a
 * client. It carries no tensor names or shapes: the receiver knows the layout (the global model it sent), and
 * checks that the value count matches.
 *
 * <pre>
 * magic "HNSC" | u8 version (1) | u8 method | u32 n (values)
 * float16 (1): n x u16, IEEE half bits
 * int8    (2): u32 chunk size c | ceil(n/c) x (f32 offset, f32 scale) | n x u8 code;  value = offset + code * scale
 * topk    (3): u32 k | k index gaps as LEB128 varints (first: the index; then index - previous - 1) | k x f32 value
 * </pre>
 *
 * All little-endian. Decoding checks every field before use and fails with {@link IllegalArgumentException}
 * naming the problem: wrong magic, version or method, value count other than expected, length other than the
 * header implies, chunk size 0, a non-finite or negative scale, a non-finite offset or decoded value, k above n, a
 * malformed varint, an index out of range, NaN or infinite values, trailing bytes.
 */
public final class UpdateCodec {

    static final byte[] MAGIC = {'H', 'N', 'S', 'C'};
    static final byte VERSION = 1;
    static final int HEADER = 4 + 1 + 1 + 4;
    /** Default int8 chunk: 4096 values share an offset and scale (0.2% overhead). */
    public static final int DEFAULT_INT8_CHUNK = 4096;

    private UpdateCodec() {
    }

    /** Whether {@code bytes} starts with the HNSC magic. */
    public static boolean isCompressed(byte[] bytes) {
        return bytes != null && bytes.length >= 4 && bytes[0] == MAGIC[0] && bytes[1] == MAGIC[1] && bytes[2] == MAGIC[2]
                && bytes[3] == MAGIC[3];
    }

    private static ByteBuffer header(int size, CompressionMethod method, int n) {
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put(VERSION).put((byte) method.code()).putInt(n);
        return b;
    }

    private static void requireFinite(float[] v) {
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                throw new IllegalArgumentException("cannot compress a vector holding " + v[i] + " at index " + i);
            }
        }
    }

    /** Half-precision encoding of {@code v}; values beyond +-65504 become infinite and are refused by the decoder. */
    public static byte[] float16(float[] v) {
        requireFinite(v);
        ByteBuffer b = header(HEADER + 2 * v.length, CompressionMethod.FLOAT16, v.length);
        for (float x : v) {
            b.putShort(Float16.fromFloat(x));
        }
        return b.array();
    }

    /**
     * 8-bit encoding of {@code v} with stochastic rounding: in each chunk of {@code chunk} values, with
     * {@code offset = min} and {@code scale = (max - min) / 255}, value x gets code {@code floor((x - offset) / scale + u)}
     * for u uniform in [0, 1), so that the decoded value is x in expectation (unbiased) and off by less than one
     * scale step.
     */
    public static byte[] int8(float[] v, int chunk, SplittableRandom random) {
        if (chunk < 1) {
            throw new IllegalArgumentException("int8 chunk size must be >= 1, got " + chunk);
        }
        requireFinite(v);
        int n = v.length;
        int chunks = (int) ((n + (long) chunk - 1) / chunk);
        ByteBuffer b = header(HEADER + 4 + 8 * chunks + n, CompressionMethod.INT8, n);
        b.putInt(chunk);
        int codes = HEADER + 4 + 8 * chunks;
        for (int c = 0; c < chunks; c++) {
            int from = c * chunk;
            int to = Math.min(n, from + chunk);
            float min = Float.POSITIVE_INFINITY;
            float max = Float.NEGATIVE_INFINITY;
            for (int i = from; i < to; i++) {
                min = Math.min(min, v[i]);
                max = Math.max(max, v[i]);
            }
            float scale = (float) (((double) max - min) / 255.0);
            if (!Float.isFinite(scale)) {
                throw new IllegalArgumentException("cannot quantize values spanning [" + min + ", " + max + "] to 8 bits");
            }
            b.putFloat(min).putFloat(scale);
            for (int i = from; i < to; i++) {
                int code;
                if (scale == 0f) {
                    code = 0;
                } else {
                    double x = ((double) v[i] - min) / scale;
                    code = (int) Math.floor(x + random.nextDouble());
                    code = Math.max(0, Math.min(255, code));
                }
                b.put(codes + i, (byte) code);
            }
        }
        return b.array();
    }

    /** Number of values top-k keeps of {@code n} for {@code fraction}: ceil(fraction * n), at least 1 (0 if n is 0). */
    public static int topKCount(int n, double fraction) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("top-k fraction must be in (0, 1], got " + fraction);
        }
        if (n == 0) {
            return 0;
        }
        return (int) Math.max(1, Math.min(n, Math.ceil(fraction * n - 1e-9)));
    }

    /**
     * The indices of the {@code k} largest magnitudes of {@code v}, ascending; ties at the threshold go to the lowest
     * indices, so the choice is deterministic.
     */
    public static int[] topKIndices(float[] v, int k) {
        int n = v.length;
        if (k < 0 || k > n) {
            throw new IllegalArgumentException("k = " + k + " is out of range for " + n + " values");
        }
        if (k == 0) {
            return new int[0];
        }
        float[] abs = new float[n];
        for (int i = 0; i < n; i++) {
            abs[i] = Math.abs(v[i]);
        }
        float threshold = select(abs, n - k); // the k-th largest magnitude
        int above = 0;
        for (int i = 0; i < n; i++) {
            if (Math.abs(v[i]) > threshold) {
                above++;
            }
        }
        int ties = k - above;
        int[] idx = new int[k];
        int j = 0;
        for (int i = 0; i < n; i++) {
            float a = Math.abs(v[i]);
            if (a > threshold) {
                idx[j++] = i;
            } else if (a == threshold && ties > 0) {
                idx[j++] = i;
                ties--;
            }
        }
        return idx;
    }

    /** The {@code rank}-th smallest of {@code a} (0-based); reorders {@code a}. Quickselect, median of three. */
    private static float select(float[] a, int rank) {
        int lo = 0;
        int hi = a.length - 1;
        while (hi > lo) {
            int mid = (lo + hi) >>> 1;
            float x = median(a[lo], a[mid], a[hi]);
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (a[i] < x) {
                    i++;
                }
                while (a[j] > x) {
                    j--;
                }
                if (i <= j) {
                    float t = a[i];
                    a[i] = a[j];
                    a[j] = t;
                    i++;
                    j--;
                }
            }
            if (rank <= j) {
                hi = j;
            } else if (rank >= i) {
                lo = i;
            } else {
                return a[rank];
            }
        }
        return a[rank];
    }

    private static float median(float a, float b, float c) {
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }

    /** Top-k encoding of {@code v}: the {@link #topKIndices} of {@code k} and their exact float32 values. */
    public static byte[] topK(float[] v, int k) {
        requireFinite(v);
        int[] idx = topKIndices(v, k);
        byte[] gaps = new byte[5 * idx.length];
        int len = 0;
        int prev = -1;
        for (int i : idx) {
            len = putVarint(gaps, len, i - prev - 1);
            prev = i;
        }
        ByteBuffer b = header(HEADER + 4 + len + 4 * idx.length, CompressionMethod.TOPK, v.length);
        b.putInt(idx.length).put(gaps, 0, len);
        for (int i : idx) {
            b.putFloat(v[i]);
        }
        return b.array();
    }

    private static int putVarint(byte[] out, int pos, int value) {
        int v = value;
        while ((v & ~0x7F) != 0) {
            out[pos++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out[pos++] = (byte) v;
        return pos;
    }

    /** The method of an HNSC message (header checked, body not). */
    public static CompressionMethod method(byte[] bytes) {
        ByteBuffer b = preamble(bytes);
        return CompressionMethod.ofCode(Byte.toUnsignedInt(b.get(5)));
    }

    private static ByteBuffer preamble(byte[] bytes) {
        if (bytes == null || bytes.length < HEADER) {
            throw new IllegalArgumentException("compressed update of " + (bytes == null ? 0 : bytes.length)
                    + " bytes is shorter than its " + HEADER + "-byte header");
        }
        if (!isCompressed(bytes)) {
            throw new IllegalArgumentException("not a compressed update (bad magic)");
        }
        if (bytes[4] != VERSION) {
            throw new IllegalArgumentException("unsupported compressed update version " + bytes[4] + ", this build reads " + VERSION);
        }
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * The values of an HNSC message that must hold exactly {@code expectedLength} values (positions not sent by top-k
     * are zero). Every decoded value is finite.
     *
     * @throws IllegalArgumentException if the message is malformed, see the class comment
     */
    public static float[] decode(byte[] bytes, int expectedLength) {
        ByteBuffer b = preamble(bytes);
        b.position(5);
        CompressionMethod method = CompressionMethod.ofCode(Byte.toUnsignedInt(b.get()));
        int n = b.getInt();
        if (n != expectedLength) {
            throw new IllegalArgumentException("compressed update holds " + Integer.toUnsignedString(n) + " values, the model has "
                    + expectedLength);
        }
        return switch (method) {
            case FLOAT16 -> decodeFloat16(b, n);
            case INT8 -> decodeInt8(b, n);
            case TOPK -> decodeTopK(b, n);
            case DEFLATED -> decode(inflate(b, n), expectedLength);
            case NONE -> throw new IllegalStateException();
        };
    }

    /**
     * {@code message} (an HNSC message) wrapped in a DEFLATE-compressed HNSC message if that is shorter, else
     * {@code message} itself. Layout: the header with method {@link CompressionMethod#DEFLATED} and the inner
     * message's value count, {@code int innerLength}, then the DEFLATE stream of the inner message.
     */
    public static byte[] deflated(byte[] message) {
        ByteBuffer in = preamble(message);
        int n = in.getInt(6);
        Deflater d = new Deflater(Deflater.BEST_SPEED);
        try {
            d.setInput(message);
            d.finish();
            byte[] out = new byte[HEADER + 4 + message.length];
            int pos = HEADER + 4;
            while (!d.finished() && pos < out.length) {
                pos += d.deflate(out, pos, out.length - pos);
            }
            if (!d.finished() || pos >= message.length) {
                return message; // no smaller, header included
            }
            ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
            b.put(MAGIC).put(VERSION).put((byte) CompressionMethod.DEFLATED.code()).putInt(n).putInt(message.length);
            return java.util.Arrays.copyOf(out, pos);
        } finally {
            d.end();
        }
    }

    /**
     * The inner message of a DEFLATED message holding {@code n} values. Its declared length is bounded by what an
     * int8 or top-k message of {@code n} values can take, and the stream must inflate to exactly that length, so a
     * small message cannot make the server allocate or inflate without limit.
     */
    private static byte[] inflate(ByteBuffer b, int n) {
        if (b.remaining() < 4) {
            throw new IllegalArgumentException("deflated update truncated before its inner length");
        }
        int inner = b.getInt();
        long max = HEADER + 4 + 9L * n + 8;
        if (inner < HEADER || inner > max) {
            throw new IllegalArgumentException("deflated update: inner length " + Integer.toUnsignedString(inner) + " is invalid, allowed: "
                    + HEADER + " .. " + max + " for " + n + " values");
        }
        byte[] out = new byte[inner];
        Inflater f = new Inflater();
        try {
            f.setInput(b.array(), b.position(), b.remaining());
            int got = 0;
            while (got < inner) {
                int k = f.inflate(out, got, inner - got);
                if (k == 0 && (f.finished() || f.needsInput() || f.needsDictionary())) {
                    break;
                }
                got += k;
            }
            if (got != inner || !f.finished() || f.getRemaining() != 0) {
                throw new IllegalArgumentException("deflated update: the stream does not inflate to exactly " + inner + " bytes");
            }
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("deflated update: corrupt DEFLATE stream (" + e.getMessage() + ")");
        } finally {
            f.end();
        }
        if (isCompressed(out) && out.length > 5 && out[5] == CompressionMethod.DEFLATED.code()) {
            throw new IllegalArgumentException("deflated update wraps another deflated update");
        }
        return out;
    }

    private static void requireLength(ByteBuffer b, long expected, String what) {
        if (b.capacity() != expected) {
            throw new IllegalArgumentException(what + " update of " + b.capacity() + " bytes, its header implies " + expected);
        }
    }

    private static float[] decodeFloat16(ByteBuffer b, int n) {
        requireLength(b, HEADER + 2L * n, "float16");
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            short h = b.getShort();
            if (!Float16.isFinite(h)) {
                throw new IllegalArgumentException("float16 update: value " + i + " is " + Float16.toFloat(h));
            }
            out[i] = Float16.toFloat(h);
        }
        return out;
    }

    private static float[] decodeInt8(ByteBuffer b, int n) {
        if (b.remaining() < 4) {
            throw new IllegalArgumentException("int8 update truncated before its chunk size");
        }
        int chunk = b.getInt();
        if (chunk < 1) {
            throw new IllegalArgumentException("int8 update: chunk size " + Integer.toUnsignedString(chunk) + " is invalid, allowed: 1 .. 2^31-1");
        }
        long chunks = (n + (long) chunk - 1) / chunk;
        requireLength(b, HEADER + 4 + 8 * chunks + n, "int8");
        float[] out = new float[n];
        int codes = (int) (HEADER + 4 + 8 * chunks);
        for (int c = 0; c < chunks; c++) {
            float offset = b.getFloat();
            float scale = b.getFloat();
            if (!Float.isFinite(offset) || !Float.isFinite(scale) || scale < 0) {
                throw new IllegalArgumentException("int8 update: chunk " + c + " has offset " + offset + " and scale " + scale
                        + " (both must be finite, the scale >= 0)");
            }
            int from = c * chunk;
            int to = (int) Math.min(n, (long) from + chunk);
            for (int i = from; i < to; i++) {
                float x = offset + Byte.toUnsignedInt(b.get(codes + i)) * scale;
                if (!Float.isFinite(x)) {
                    throw new IllegalArgumentException("int8 update: value " + i + " decodes to " + x);
                }
                out[i] = x;
            }
        }
        return out;
    }

    private static float[] decodeTopK(ByteBuffer b, int n) {
        if (b.remaining() < 4) {
            throw new IllegalArgumentException("top-k update truncated before its count k");
        }
        int k = b.getInt();
        if (k < 0 || k > n) {
            throw new IllegalArgumentException("top-k update: k = " + Integer.toUnsignedString(k) + " is out of range, allowed: 0 .. " + n);
        }
        // each index takes at least 1 byte, each value 4
        if (b.remaining() < 5L * k) {
            throw new IllegalArgumentException("top-k update of " + b.capacity() + " bytes is too short for k = " + k);
        }
        int[] idx = new int[k];
        long prev = -1;
        for (int j = 0; j < k; j++) {
            long gap = 0;
            int shift = 0;
            while (true) {
                if (!b.hasRemaining()) {
                    throw new IllegalArgumentException("top-k update truncated in index " + j);
                }
                int x = Byte.toUnsignedInt(b.get());
                if (shift == 28 && (x & 0xF0) != 0) {
                    throw new IllegalArgumentException("top-k update: malformed varint at index " + j + " (more than 32 bits)");
                }
                gap |= (long) (x & 0x7F) << shift;
                if ((x & 0x80) == 0) {
                    break;
                }
                shift += 7;
            }
            long index = prev + 1 + gap;
            if (index >= n) {
                throw new IllegalArgumentException("top-k update: index " + index + " (entry " + j + ") is out of range for " + n + " values");
            }
            idx[j] = (int) index;
            prev = index;
        }
        if (b.remaining() != 4L * k) {
            throw new IllegalArgumentException("top-k update: " + b.remaining() + " bytes follow the indices, " + (4L * k)
                    + " expected for k = " + k + " values");
        }
        float[] out = new float[n];
        for (int j = 0; j < k; j++) {
            float x = b.getFloat();
            if (!Float.isFinite(x)) {
                throw new IllegalArgumentException("top-k update: value " + j + " (index " + idx[j] + ") is " + x);
            }
            out[idx[j]] = x;
        }
        return out;
    }

    /** For tests: the int8 chunk layout's size. */
    static long int8Size(int n, int chunk) {
        return HEADER + 4 + 8 * ((n + (long) chunk - 1) / chunk) + n;
    }
}
