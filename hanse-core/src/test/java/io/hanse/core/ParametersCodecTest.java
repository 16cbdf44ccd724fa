package io.hanse.core;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class ParametersCodecTest {

    /** A kernel, a scalar (shape []), an empty tensor and a bias: 6 + 1 + 0 + 3 values. */
    private static final ParameterLayout LAYOUT = ParameterLayout.of(
            TensorSpec.of("dense/kernel", 2, 3), TensorSpec.of("scale"), TensorSpec.of("empty", 0, 4), TensorSpec.of("dense/bias", 3));

    private static Parameters awkwardValues() {
        float[] v = {
                1.5f, -0.0f, 0.0f, Float.intBitsToFloat(0x7fc01234), Float.intBitsToFloat(0xffc00001), Float.POSITIVE_INFINITY,
                Float.MIN_VALUE,
                -Float.MAX_VALUE, Float.NEGATIVE_INFINITY, 1.0e-40f};
        return Parameters.wrap(LAYOUT, v);
    }

    @Test
    void roundTrip_isBitExact_includingNaNPayloadsSignedZerosScalarAndEmptyTensors() {
        // Prepare
        Parameters original = awkwardValues();

        // Execute
        Parameters decoded = Parameters.fromBytes(original.toBytes());

        // Assert
        assertEquals(LAYOUT, decoded.layout());
        assertEquals(0, decoded.layout().tensor(1).rank(), "scalar keeps shape []");
        assertArrayEquals(new int[]{0, 4}, decoded.layout().tensor(2).shape());
        int[] expectedBits = new int[original.size()];
        int[] actualBits = new int[decoded.size()];
        for (int i = 0; i < original.size(); i++) {
            expectedBits[i] = Float.floatToRawIntBits(original.flat()[i]);
            actualBits[i] = Float.floatToRawIntBits(decoded.flat()[i]);
        }
        assertArrayEquals(expectedBits, actualBits);
        assertEquals(0x80000000, actualBits[1], "-0.0f survives");
        assertEquals(0x7fc01234, actualBits[3], "NaN payload survives");
    }

    @Test
    void roundTrip_ofEmptyLayout_givesEmptyParameters() {
        // Prepare
        Parameters empty = Parameters.zeros(new ParameterLayout(List.of()));

        // Execute
        Parameters decoded = Parameters.fromBytes(empty.toBytes());

        // Assert
        assertEquals(0, decoded.layout().numTensors());
        assertEquals(0, decoded.size());
    }

    @Test
    void encode_writesTheDocumentedLittleEndianFormat() {
        // Prepare
        Parameters p = Parameters.wrap(ParameterLayout.of(TensorSpec.of("w", 2)), new float[]{1.0f, -2.0f});

        // Execute
        byte[] bytes = p.toBytes();

        // Assert
        byte[] expected = {
                'H', 'N', 'S', 'P', 1, 1, 0, 0, 0,         // magic, version, tensor count
                1, 0, 'w', 1, 1, 2, 0, 0, 0,               // name length, name, dtype, rank, dims
                0, 0, (byte) 0x80, 0x3f, 0, 0, 0, (byte) 0xc0}; // 1.0f, -2.0f
        assertArrayEquals(expected, bytes);
    }

    @Test
    void decode_ofEveryTruncation_failsWithIllegalArgumentException() {
        // Prepare
        byte[] full = awkwardValues().toBytes();

        for (int length = 0; length < full.length; length++) {
            byte[] prefix = Arrays.copyOf(full, length);

            // Execute
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Parameters.fromBytes(prefix),
                    "prefix of " + length + " bytes");

            // Assert
            assertNotNull(e.getMessage());
        }
    }

    @Test
    void decode_truncatedInsideTheHeader_saysTruncated() {
        // Prepare
        byte[] full = awkwardValues().toBytes();
        byte[] cut = Arrays.copyOf(full, 30); // inside the first tensor's dims

        // Execute
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Parameters.fromBytes(cut));

        // Assert
        assertEquals("truncated parameters buffer (30 bytes)", e.getMessage());
    }

    @Test
    void decode_withTrailingBytes_isRejected() {
        // Prepare
        byte[] full = awkwardValues().toBytes();
        byte[] longer = Arrays.copyOf(full, full.length + 4);

        // Execute
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Parameters.fromBytes(longer));

        // Assert
        assertTrue(e.getMessage().contains("announces"), e.getMessage());
    }

    @Test
    void decode_withBadMagic_isRejected() {
        // Prepare
        byte[] bytes = awkwardValues().toBytes();
        bytes[3] = 'X';

        // Execute
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Parameters.fromBytes(bytes));

        // Assert
        assertTrue(e.getMessage().contains("bad magic"), e.getMessage());
    }

    @Test
    void decode_withWrongVersion_namesTheVersion() {
        // Prepare
        byte[] bytes = awkwardValues().toBytes();
        bytes[4] = 2;

        // Execute
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Parameters.fromBytes(bytes));

        // Assert
        assertTrue(e.getMessage().contains("version 2"), e.getMessage());
    }

    @Test
    void decode_withUnsupportedDtype_namesTheTensor() {
        // Prepare: dtype 7 (1 is float32, 2 float16)
        byte[] bytes = written(header(1).putShort((short) 4).put(utf8("bias")).put((byte) 7).put((byte) 1).putInt(1)
                .putFloat(1f));

        // Execute
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Parameters.fromBytes(bytes));

        // Assert
        assertInstanceOf(ParameterMismatchException.class, e);
        assertTrue(e.getMessage().contains("'bias'") && e.getMessage().contains("dtype code 7"), e.getMessage());
    }

    @Test
    void decode_whenHeaderAnnouncesMoreValuesThanPresent_isRejectedBeforeAllocating() {
        // Prepare: announces 1000 x 1000 values, holds 2
        byte[] bytes = written(header(1).putShort((short) 1).put(utf8("w")).put((byte) 1).put((byte) 2).putInt(1000).putInt(1000)
                .putFloat(1f).putFloat(2f));

        // Execute
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Parameters.fromBytes(bytes));

        // Assert
        assertTrue(e.getMessage().contains("holds 8 value bytes") && e.getMessage().contains("announces 4000000"), e.getMessage());
    }

    @Test
    void decode_withTensorLargerThanAnArray_isRejected() {
        // Prepare: 65536 x 65536 elements, would not fit an array
        byte[] bytes = written(header(1).putShort((short) 1).put(utf8("w")).put((byte) 1).put((byte) 2).putInt(65536).putInt(65536));

        // Execute
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Parameters.fromBytes(bytes));

        // Assert
        assertTrue(e.getMessage().contains("'w'") && e.getMessage().contains("too large"), e.getMessage());
    }

    @Test
    void decode_withAbsurdTensorCount_isRejected() {
        for (int count : new int[]{Integer.MAX_VALUE, -1, 1_000}) {
            // Prepare
            byte[] bytes = written(header(count).putShort((short) 1).put(utf8("w")).put((byte) 1).put((byte) 0).putFloat(0f));

            // Execute
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Parameters.fromBytes(bytes));

            // Assert
            assertTrue(e.getMessage().contains("implausible tensor count"), count + ": " + e.getMessage());
        }
    }

    @Test
    void decode_withDuplicateOrEmptyTensorNames_isRejected() {
        // Prepare
        byte[] duplicate = written(header(2).putShort((short) 1).put(utf8("w")).put((byte) 1).put((byte) 0)
                .putShort((short) 1).put(utf8("w")).put((byte) 1).put((byte) 0).putFloat(0f).putFloat(0f));
        byte[] empty = written(header(1).putShort((short) 0).put((byte) 1).put((byte) 0).putFloat(0f));

        // Execute
        IllegalArgumentException e1 = assertThrows(IllegalArgumentException.class, () -> Parameters.fromBytes(duplicate));
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class, () -> Parameters.fromBytes(empty));

        // Assert
        assertTrue(e1.getMessage().contains("duplicate tensor name 'w'"), e1.getMessage());
        assertTrue(e2.getMessage().contains("name"), e2.getMessage());
    }

    @Test
    void decode_ofCorruptedBuffers_onlyEverFailsWithIllegalArgumentException() {
        // Prepare
        byte[] valid = awkwardValues().toBytes();
        int headerLength = valid.length - 4 * awkwardValues().size();
        Random random = new Random(7);

        for (int trial = 0; trial < 5_000; trial++) {
            byte[] corrupt = valid.clone();
            int flips = 1 + random.nextInt(3);
            for (int f = 0; f < flips; f++) {
                corrupt[random.nextInt(headerLength)] = (byte) random.nextInt(256);
            }

            // Execute
            try {
                Parameters p = Parameters.fromBytes(corrupt);

                // Assert: whatever decodes is self-consistent
                assertEquals(p.layout().totalSize(), p.size());
            } catch (IllegalArgumentException expected) {
                assertNotNull(expected.getMessage());
            } catch (RuntimeException | Error other) {
                fail("trial " + trial + ": " + other, other);
            }
        }
    }

    private static ByteBuffer header(int count) {
        return ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN).put(new byte[]{'H', 'N', 'S', 'P'}).put((byte) 1).putInt(count);
    }

    /** The bytes written so far to a buffer made by {@link #header}. */
    private static byte[] written(ByteBuffer buffer) {
        return Arrays.copyOf(buffer.array(), buffer.position());
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
