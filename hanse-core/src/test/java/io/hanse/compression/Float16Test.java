package io.hanse.compression;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Float16Test {

    @Test
    void everyHalf_roundTripsExactly_throughFloat() {
        for (int h = 0; h < 0x10000; h++) {
            short half = (short) h;
            float f = Float16.toFloat(half);
            if (Float.isNaN(f)) {
                assertTrue(Float.isNaN(Float16.toFloat(Float16.fromFloat(f))), "NaN " + Integer.toHexString(h));
                continue;
            }
            assertEquals(h, Float16.fromFloat(f) & 0xFFFF, "half 0x" + Integer.toHexString(h) + " = " + f);
        }
    }

    @Test
    void knownValues_matchIeee() {
        assertEquals(0x3C00, Float16.fromFloat(1f) & 0xFFFF);
        assertEquals(0xC000, Float16.fromFloat(-2f) & 0xFFFF);
        assertEquals(0x7BFF, Float16.fromFloat(65504f) & 0xFFFF);
        assertEquals(0x0001, Float16.fromFloat(0x1p-24f) & 0xFFFF);
        assertEquals(0x0400, Float16.fromFloat(0x1p-14f) & 0xFFFF);
        assertEquals(0x8000, Float16.fromFloat(-0f) & 0xFFFF);
        assertEquals(0x3555, Float16.fromFloat(1f / 3) & 0xFFFF);
        // overflow: 65520 is the midpoint between 65504 and 65536 (infinity), ties to even goes to infinity
        assertEquals(0x7BFF, Float16.fromFloat(65519.99f) & 0xFFFF);
        assertEquals(0x7C00, Float16.fromFloat(65520f) & 0xFFFF);
        assertEquals(0xFC00, Float16.fromFloat(-1e10f) & 0xFFFF);
        assertEquals(0x7C00, Float16.fromFloat(Float.POSITIVE_INFINITY) & 0xFFFF);
        assertTrue(Float.isNaN(Float16.toFloat(Float16.fromFloat(Float.NaN))));
        // underflow: half of the smallest subnormal ties to even (zero); just above it rounds up
        assertEquals(0x0000, Float16.fromFloat(0x1p-25f) & 0xFFFF);
        assertEquals(0x0001, Float16.fromFloat(Math.nextUp(0x1p-25f)) & 0xFFFF);
        assertEquals(0x0000, Float16.fromFloat(Float.MIN_VALUE) & 0xFFFF);
        // 1 + 2^-11 is halfway between 1 and 1 + 2^-10: ties to even (1); 1 + 3 * 2^-11 goes up to 1 + 2^-9
        assertEquals(0x3C00, Float16.fromFloat(1f + 0x1p-11f) & 0xFFFF);
        assertEquals(0x3C02, Float16.fromFloat(1f + 3 * 0x1p-11f) & 0xFFFF);
    }

    @Test
    void randomFloats_roundToTheNearestHalf_tiesToEven() {
        Random r = new Random(1);
        for (int i = 0; i < 200_000; i++) {
            float f = Float.intBitsToFloat(r.nextInt());
            if (!Float.isFinite(f) || Math.abs(f) >= 65520f) {
                continue;
            }
            short h = Float16.fromFloat(f);
            BigDecimal x = new BigDecimal(f);
            BigDecimal err = x.subtract(new BigDecimal(Float16.toFloat(h))).abs();
            // no other half is closer: compare with both neighbours
            for (int d : new int[]{-1, 1}) {
                short n = (short) (h + d);
                float nf = Float16.toFloat(n);
                if (!Float.isFinite(nf) || Math.signum(nf) * Math.signum(Float16.toFloat(h)) < 0) {
                    continue;
                }
                int cmp = err.compareTo(x.subtract(new BigDecimal(nf)).abs());
                assertTrue(cmp < 0 || (cmp == 0 && (h & 1) == 0), f + " -> " + Float16.toFloat(h) + ", but " + nf + " is as close");
            }
            // relative error at most 2^-11 in the normal range, absolute at most 2^-25 below it
            double bound = Math.abs(f) >= Float16.MIN_NORMAL ? Math.abs(f) * 0x1p-11 : 0x1p-25;
            assertTrue(err.doubleValue() <= bound, f + ": error " + err);
        }
    }
}
