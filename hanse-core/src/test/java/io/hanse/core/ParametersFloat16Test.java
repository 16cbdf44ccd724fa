package io.hanse.core;

import io.hanse.compression.Float16;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** HNSP with float16 values (dtype 2), as a global model travels under down compression. */
class ParametersFloat16Test {

    private static final ParameterLayout LAYOUT = ParameterLayout.of(TensorSpec.of("dense/kernel", 30, 7), TensorSpec.of("dense/bias", 7));

    private static Parameters random(long seed) {
        Random r = new Random(seed);
        float[] v = new float[LAYOUT.totalSize()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian() * 0.1f;
        }
        return Parameters.wrap(LAYOUT, v);
    }

    @Test
    void float16Encoding_isHalfTheValueBytes_andDecodesToTheRoundedValues_inOneBufferOrInPieces() {
        Parameters p = random(1);
        byte[] bytes = ParametersCodec.encode(p, ParametersCodec.DTYPE_FLOAT16);
        assertEquals(ParametersStream.headerSize(LAYOUT) + 2L * p.size(), bytes.length);
        assertEquals(bytes.length, ParametersStream.encodedSize(LAYOUT, ParametersCodec.DTYPE_FLOAT16));
        Parameters expected = p.map(Float16::round);
        assertEquals(expected, ParametersCodec.decode(bytes));
        Random r = new Random(2);
        for (int trial = 0; trial < 50; trial++) {
            // the receiver's limit is the announced size, as a client's download sets it
            ParametersStream.Decoder d = ParametersStream.decoder(trial % 2 == 0 ? null : LAYOUT, bytes.length);
            int off = 0;
            while (off < bytes.length) {
                int n = Math.min(bytes.length - off, 1 + r.nextInt(7));
                d.update(bytes, off, n);
                off += n;
            }
            assertEquals(expected, d.finish());
        }
        // the streaming encoder serves any byte range of the same encoding
        ParametersStream.Encoder e = ParametersStream.encoder(p, ParametersCodec.DTYPE_FLOAT16);
        byte[] pieces = new byte[bytes.length];
        for (int off = 0; off < bytes.length; off += 13) {
            int n = Math.min(13, bytes.length - off);
            System.arraycopy(e.read(off, n), 0, pieces, off, n);
        }
        assertArrayEquals(bytes, pieces);
    }

    @Test
    void mixedDtypes_andUnknownDtypes_areRefused() {
        byte[] bytes = ParametersCodec.encode(random(3), ParametersCodec.DTYPE_FLOAT16);
        // the second tensor's dtype byte: preamble 9, then u16 + 12-byte name + dtype + rank + 2 dims, then u16 + 10-byte name
        int second = 9 + 2 + 12 + 2 + 8 + 2 + 10;
        assertEquals(ParametersCodec.DTYPE_FLOAT16, bytes[second]);
        byte[] mixed = bytes.clone();
        mixed[second] = ParametersCodec.DTYPE_FLOAT32;
        assertThrows(IllegalArgumentException.class, () -> ParametersCodec.decode(mixed));
        ParametersStream.Decoder d = ParametersStream.decoder(null, mixed.length * 4L);
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> d.update(mixed, 0, mixed.length));
        assertTrue(ex.getMessage().contains("same dtype"), ex.getMessage());
        byte[] unknown = bytes.clone();
        unknown[9 + 2 + 12] = 3;
        assertThrows(ParameterMismatchException.class, () -> ParametersCodec.decode(unknown));
    }
}
