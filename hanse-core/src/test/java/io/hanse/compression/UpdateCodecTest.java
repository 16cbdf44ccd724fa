package io.hanse.compression;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UpdateCodecTest {

    private static float[] gaussian(int n, long seed, double scale) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextGaussian() * scale);
        }
        return v;
    }

    @Test
    void float16_isExactOnRepresentableValues_andWithinHalfAnUlpOtherwise() {
        float[] exact = {0, -0f, 1, -2.5f, 0.099975586f, 65504, -0x1p-24f, 0x1p-14f, 1026f, 0.5009765625f};
        assertArrayEquals(exact, UpdateCodec.decode(UpdateCodec.float16(exact), exact.length));
        float[] v = gaussian(10_000, 3, 0.01);
        float[] d = UpdateCodec.decode(UpdateCodec.float16(v), v.length);
        for (int i = 0; i < v.length; i++) {
            double bound = Math.max(Math.abs(v[i]) * 0x1p-11, 0x1p-25);
            assertTrue(Math.abs(d[i] - v[i]) <= bound, i + ": " + v[i] + " -> " + d[i]);
        }
        assertEquals(10 + 2 * 10_000, UpdateCodec.float16(v).length);
    }

    @Test
    void int8_isUnbiased_overManyDraws_andOffByLessThanOneStep() {
        float[] v = gaussian(1000, 5, 1.0);
        int draws = 4000;
        double[] mean = new double[v.length];
        SplittableRandom random = new SplittableRandom(11);
        float step = 0;
        for (int k = 0; k < draws; k++) {
            byte[] m = UpdateCodec.int8(v, 256, random);
            float[] d = UpdateCodec.decode(m, v.length);
            ByteBuffer b = ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN);
            for (int c = 0; c < 4; c++) {
                step = Math.max(step, b.getFloat(14 + 8 * c + 4));
            }
            for (int i = 0; i < v.length; i++) {
                assertTrue(Math.abs(d[i] - v[i]) <= step * 1.0001f, i + ": " + v[i] + " -> " + d[i] + ", step " + step);
                mean[i] += d[i] / draws;
            }
        }
        // one draw has standard deviation <= step / 2; the mean of 4000 about step / 126; allow 5 sigma
        double worst = 0;
        double bias = 0;
        for (int i = 0; i < v.length; i++) {
            worst = Math.max(worst, Math.abs(mean[i] - v[i]));
            bias += (mean[i] - v[i]) / v.length;
        }
        assertTrue(worst < 5 * step / 2 / Math.sqrt(draws), "largest mean error " + worst + " for step " + step);
        assertTrue(Math.abs(bias) < step / 2 / Math.sqrt((double) draws * v.length) * 5, "overall bias " + bias);
    }

    @Test
    void int8_isSmall_exactOnConstantChunks_andReproducibleForASeed() {
        float[] v = gaussian(199_210, 7, 0.01);
        byte[] a = UpdateCodec.int8(v, UpdateCodec.DEFAULT_INT8_CHUNK, new SplittableRandom(42));
        byte[] b = UpdateCodec.int8(v, UpdateCodec.DEFAULT_INT8_CHUNK, new SplittableRandom(42));
        assertArrayEquals(a, b);
        assertEquals(UpdateCodec.int8Size(v.length, UpdateCodec.DEFAULT_INT8_CHUNK), a.length);
        // 4 bytes a value in HNSP against 1 byte plus 8 per 4096-value chunk
        assertTrue(4.0 * v.length / a.length > 3.98, "ratio " + 4.0 * v.length / a.length);
        float[] constant = new float[100];
        Arrays.fill(constant, 0.25f);
        assertArrayEquals(constant, UpdateCodec.decode(UpdateCodec.int8(constant, 16, new SplittableRandom(1)), 100));
    }

    @Test
    void topK_sendsExactlyTheKLargestMagnitudes_exactly() {
        float[] v = gaussian(10_000, 9, 1.0);
        int k = UpdateCodec.topKCount(v.length, 0.01);
        assertEquals(100, k);
        float[] d = UpdateCodec.decode(UpdateCodec.topK(v, k), v.length);
        float[] sorted = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            sorted[i] = Math.abs(v[i]);
        }
        Arrays.sort(sorted);
        float threshold = sorted[v.length - k];
        int sent = 0;
        for (int i = 0; i < v.length; i++) {
            if (d[i] != 0) {
                sent++;
                assertEquals(v[i], d[i], 0, "a sent value is exact");
                assertTrue(Math.abs(v[i]) >= threshold);
            } else {
                assertTrue(Math.abs(v[i]) <= threshold);
            }
        }
        assertEquals(k, sent);
    }

    @Test
    void topK_breaksTiesByLowestIndex_andHandlesEdgeCases() {
        float[] v = {1, -3, 3, 0, 3, 2};
        assertArrayEquals(new int[]{1, 2}, UpdateCodec.topKIndices(v, 2));
        assertArrayEquals(new int[]{1, 2, 4}, UpdateCodec.topKIndices(v, 3));
        assertArrayEquals(new int[]{0, 1, 2, 3, 4, 5}, UpdateCodec.topKIndices(v, 6));
        assertArrayEquals(v, UpdateCodec.decode(UpdateCodec.topK(v, 6), 6));
        assertArrayEquals(new float[5], UpdateCodec.decode(UpdateCodec.topK(new float[5], 2), 5));
        assertEquals(1, UpdateCodec.topKCount(10, 1e-9));
        assertEquals(10, UpdateCodec.topKCount(10, 1));
        // large gaps use multi-byte varints
        float[] sparse = new float[1 << 20];
        sparse[0] = 1;
        sparse[200] = 2;
        sparse[(1 << 20) - 1] = 3;
        float[] back = UpdateCodec.decode(UpdateCodec.topK(sparse, 3), sparse.length);
        assertArrayEquals(sparse, back);
    }

    @Test
    void topOnePercent_ofThe2nn_isAboutSixtyTimesSmallerThanFloat32() {
        float[] v = gaussian(199_210, 13, 0.01);
        byte[] m = UpdateCodec.topK(v, UpdateCodec.topKCount(v.length, 0.01));
        double ratio = 4.0 * v.length / m.length;
        assertTrue(ratio > 50, "ratio " + ratio + " (" + m.length + " bytes)");
    }

    @Test
    void decode_refusesMalformedInput_withAReason() {
        float[] v = gaussian(40, 1, 1);
        byte[] f16 = UpdateCodec.float16(v);
        byte[] i8 = UpdateCodec.int8(v, 16, new SplittableRandom(1));
        byte[] tk = UpdateCodec.topK(v, 5);
        assertMalformed("shorter than", Arrays.copyOf(f16, 5), 40);
        assertMalformed("bad magic", mutate(f16, 0, (byte) 'X'), 40);
        assertMalformed("version", mutate(f16, 4, (byte) 9), 40);
        assertMalformed("method", mutate(f16, 5, (byte) 0), 40);
        assertMalformed("method", mutate(f16, 5, (byte) 77), 40);
        assertMalformed("the model has 41", f16, 41);
        assertMalformed("header implies", Arrays.copyOf(f16, f16.length - 2), 40);
        assertMalformed("header implies", Arrays.copyOf(f16, f16.length + 1), 40);
        assertMalformed("is NaN", putShort(f16, 10, (short) 0x7E00), 40);
        assertMalformed("is Infinity", putShort(f16, 12, (short) 0x7C00), 40);
        assertMalformed("chunk size", putInt(i8, 10, 0), 40);
        assertMalformed("header implies", putInt(i8, 10, 3), 40);
        assertMalformed("scale NaN", putFloat(i8, 18, Float.NaN), 40);
        assertMalformed("scale -1.0", putFloat(i8, 18, -1f), 40);
        assertMalformed("offset Infinity", putFloat(i8, 14, Float.POSITIVE_INFINITY), 40);
        assertMalformed("decodes to", putFloat(putFloat(i8, 14, 3e38f), 18, 3e38f), 40);
        assertMalformed("out of range", putInt(tk, 10, 41), 40);
        assertMalformed("out of range", putInt(tk, 10, -1), 40);
        assertMalformed("out of range", mutate(tk, 14, (byte) 40), 40);
        assertMalformed("bytes follow the indices", Arrays.copyOf(tk, tk.length + 1), 40);
        assertMalformed("too short", Arrays.copyOf(tk, 20), 40);
        assertMalformed("too short", putInt(tk, 10, 40), 40);
        assertMalformed("value 4", putFloat(tk, tk.length - 4, Float.NaN), 40);
        byte[] varint = new byte[10 + 4 + 5 + 4];
        ByteBuffer.wrap(varint).order(ByteOrder.LITTLE_ENDIAN).put(new byte[]{'H', 'N', 'S', 'C', 1, 3}).putInt(40).putInt(1)
                .put(new byte[]{(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x7F});
        assertMalformed("varint", varint, 40);
    }

    private static void assertMalformed(String reason, byte[] message, int n) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UpdateCodec.decode(message, n));
        assertTrue(e.getMessage().contains(reason), "expected '" + reason + "' in: " + e.getMessage());
    }

    private static byte[] mutate(byte[] m, int at, byte value) {
        byte[] c = m.clone();
        c[at] = value;
        return c;
    }

    private static byte[] putShort(byte[] m, int at, short v) {
        byte[] c = m.clone();
        ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN).putShort(at, v);
        return c;
    }

    private static byte[] putInt(byte[] m, int at, int v) {
        byte[] c = m.clone();
        ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN).putInt(at, v);
        return c;
    }

    private static byte[] putFloat(byte[] m, int at, float v) {
        byte[] c = m.clone();
        ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN).putFloat(at, v);
        return c;
    }

    @Test
    void encoders_refuseNonFiniteInput() {
        float[] v = {1, Float.NaN};
        assertThrows(IllegalArgumentException.class, () -> UpdateCodec.float16(v));
        assertThrows(IllegalArgumentException.class, () -> UpdateCodec.int8(v, 4, new SplittableRandom(1)));
        assertThrows(IllegalArgumentException.class, () -> UpdateCodec.topK(v, 1));
    }
    @Test
    void deflated_isLossless_andSmallerForSkewedUpdates_andRefusesBombsAndCorruption() {
        // an update like a real one: a third of the values exactly zero (weights of inputs that are always 0)
        float[] v = gaussian(30_000, 11, 0.01);
        for (int i = 0; i < v.length; i += 3) {
            v[i] = 0f;
        }
        byte[] int8 = UpdateCodec.int8(v, UpdateCodec.DEFAULT_INT8_CHUNK, new SplittableRandom(5));
        byte[] packed = UpdateCodec.deflated(int8);
        assertEquals(CompressionMethod.DEFLATED, UpdateCodec.method(packed));
        assertTrue(packed.length < int8.length * 0.95, packed.length + " of " + int8.length);
        assertArrayEquals(UpdateCodec.decode(int8, v.length), UpdateCodec.decode(packed, v.length));
        // incompressible input is sent as it is
        byte[] tiny = UpdateCodec.topK(new float[]{1f, -2f, 3f}, 1);
        assertArrayEquals(tiny, UpdateCodec.deflated(tiny));

        ByteBuffer b = ByteBuffer.wrap(packed.clone()).order(ByteOrder.LITTLE_ENDIAN);
        byte[] bomb = b.putInt(10, Integer.MAX_VALUE).array();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> UpdateCodec.decode(bomb, v.length)).getMessage().contains("inner length"));
        byte[] longer = ByteBuffer.wrap(packed.clone()).order(ByteOrder.LITTLE_ENDIAN).putInt(10, int8.length + 1).array();
        assertThrows(IllegalArgumentException.class, () -> UpdateCodec.decode(longer, v.length));
        byte[] corrupt = packed.clone();
        for (int i = 20; i < 40; i++) {
            corrupt[i] ^= (byte) 0x5a;
        }
        assertThrows(IllegalArgumentException.class, () -> UpdateCodec.decode(corrupt, v.length));
        byte[] trailing = Arrays.copyOf(packed, packed.length + 7);
        assertThrows(IllegalArgumentException.class, () -> UpdateCodec.decode(trailing, v.length));
        byte[] truncated = Arrays.copyOf(packed, packed.length - 5);
        assertThrows(IllegalArgumentException.class, () -> UpdateCodec.decode(truncated, v.length));
        // a deflated message that wraps another deflated one is refused (no recursion)
        byte[] twice = wrap(packed, v.length);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> UpdateCodec.decode(twice, v.length)).getMessage()
                .contains("wraps another deflated update"));
        // and the hand-made wrapper itself is understood: wrapping the plain int8 message decodes to the same values
        assertArrayEquals(UpdateCodec.decode(int8, v.length), UpdateCodec.decode(wrap(int8, v.length), v.length));
    }

    /** A DEFLATED message around {@code inner}, whatever its size. */
    private static byte[] wrap(byte[] inner, int n) {
        java.util.zip.Deflater d = new java.util.zip.Deflater();
        d.setInput(inner);
        d.finish();
        byte[] buf = new byte[inner.length + 1024];
        int len = d.deflate(buf);
        d.end();
        ByteBuffer b = ByteBuffer.allocate(UpdateCodec.HEADER + 4 + len).order(ByteOrder.LITTLE_ENDIAN);
        b.put(UpdateCodec.MAGIC).put(UpdateCodec.VERSION).put((byte) CompressionMethod.DEFLATED.code()).putInt(n).putInt(inner.length);
        b.put(buf, 0, len);
        return b.array();
    }
}
