package io.hanse.compression;

/**
 * IEEE 754 binary16 ("half") conversions, as Java 17 has none.
 *
 * <p>{@link #fromFloat} rounds to nearest, ties to even, exactly as IEEE conversion does: values beyond the
 * largest half (65504, after rounding) become infinity of the same sign, values below half the smallest
 * subnormal (2^-25) become a signed zero, subnormal halves are produced where they apply, infinities stay
 * infinities and NaN stays NaN (quiet, the top bits of its payload kept). {@link #toFloat} is exact: every
 * half is a float.
 */
public final class Float16 {

    /** The largest finite half, 65504. */
    public static final float MAX_VALUE = 65504f;
    /** The smallest positive normal half, 2^-14. */
    public static final float MIN_NORMAL = 0x1p-14f;
    /** The smallest positive (subnormal) half, 2^-24. */
    public static final float MIN_VALUE = 0x1p-24f;

    private Float16() {
    }

    /** The half nearest to {@code f} (ties to even), as its 16 bits. */
    public static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xFF;
        int mant = bits & 0x7FFFFF;
        if (exp == 0xFF) {
            if (mant == 0) {
                return (short) (sign | 0x7C00);
            }
            return (short) (sign | 0x7C00 | 0x200 | (mant >>> 13)); // quiet NaN
        }
        int e = exp - 127 + 15;
        if (e >= 0x1F) {
            return (short) (sign | 0x7C00);
        }
        if (e <= 0) {
            if (e < -10) {
                return (short) sign; // below half of 2^-24: rounds to zero (float subnormals included)
            }
            int full = mant | 0x800000;
            int shift = 14 - e;
            int r = full >>> shift;
            int rem = full & ((1 << shift) - 1);
            int half = 1 << (shift - 1);
            if (rem > half || (rem == half && (r & 1) == 1)) {
                r++; // may become 0x400, the smallest normal: still the right encoding
            }
            return (short) (sign | r);
        }
        int r = (e << 10) | (mant >>> 13);
        int rem = mant & 0x1FFF;
        if (rem > 0x1000 || (rem == 0x1000 && (r & 1) == 1)) {
            r++; // a carry into the exponent is correct, up to 0x7C00 (infinity)
        }
        return (short) (sign | r);
    }

    /** The float value of the half {@code h}; exact. */
    public static float toFloat(short h) {
        int v = h & 0xFFFF;
        int sign = (v & 0x8000) << 16;
        int exp = (v >>> 10) & 0x1F;
        int mant = v & 0x3FF;
        if (exp == 0) {
            float m = mant * MIN_VALUE;
            return sign != 0 ? -m : m;
        }
        if (exp == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** {@code f} rounded to the nearest half and back. */
    public static float round(float f) {
        return toFloat(fromFloat(f));
    }

    /** Whether {@code h} is neither infinite nor NaN. */
    public static boolean isFinite(short h) {
        return (h & 0x7C00) != 0x7C00;
    }
}
