package io.powerloom.sequencer.protocol.crypto;

/**
 * Strict hexadecimal encoding: {@link #encode} writes lower case without prefix, {@link #decode}
 * accepts an optional {@code 0x}/{@code 0X} prefix and either case, and refuses odd lengths and
 * non-hex characters with an {@link IllegalArgumentException} saying where.
 */
public final class Hex {

    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    private Hex() {}

    /** Lower-case hex without prefix. */
    public static String encode(byte[] bytes) {
        char[] out = new char[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            out[2 * i] = DIGITS[(bytes[i] >> 4) & 0xF];
            out[2 * i + 1] = DIGITS[bytes[i] & 0xF];
        }
        return new String(out);
    }

    /** Lower-case hex with a {@code 0x} prefix. */
    public static String encode0x(byte[] bytes) {
        return "0x" + encode(bytes);
    }

    /**
     * Decodes hex, with or without {@code 0x}.
     *
     * @throws IllegalArgumentException on odd length or a non-hex character
     */
    public static byte[] decode(String hex) {
        int start = hasPrefix(hex) ? 2 : 0;
        int len = hex.length() - start;
        if ((len & 1) != 0) {
            throw new IllegalArgumentException("hex string has an odd number of digits (" + len + ")");
        }
        byte[] out = new byte[len / 2];
        for (int i = 0; i < out.length; i++) {
            int hi = digit(hex, start + 2 * i);
            int lo = digit(hex, start + 2 * i + 1);
            out[i] = (byte) ((hi << 4) | lo);
        }
        return out;
    }

    /** True for a {@code 0x}-prefixed string of exactly 40 lower-case hex digits. */
    public static boolean isLowerCaseAddress(String s) {
        return isLowerCaseHex0x(s, 20);
    }

    /** True for a {@code 0x}-prefixed string of exactly {@code 2*bytes} lower-case hex digits. */
    public static boolean isLowerCaseHex0x(String s, int bytes) {
        if (s == null || s.length() != 2 + 2 * bytes || !s.startsWith("0x")) {
            return false;
        }
        for (int i = 2; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    static boolean hasPrefix(String hex) {
        return hex.length() >= 2 && hex.charAt(0) == '0' && (hex.charAt(1) == 'x' || hex.charAt(1) == 'X');
    }

    private static int digit(String s, int i) {
        char c = s.charAt(i);
        if (c >= '0' && c <= '9') {
            return c - '0';
        } else if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        } else if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        throw new IllegalArgumentException("non-hex character '" + c + "' at index " + i);
    }
}
