package io.powerloom.sequencer.anchor.ipfs;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * A {@code multipart/form-data} body (RFC 7578) holding one file, as Kubo's {@code /api/v0/add} expects:
 *
 * <pre>
 * --BOUNDARY\r\n
 * Content-Disposition: form-data; name="file"; filename="NAME"\r\n
 * Content-Type: application/octet-stream\r\n
 * \r\n
 * CONTENT\r\n
 * --BOUNDARY--\r\n
 * </pre>
 *
 * The boundary is random and checked not to occur in the content.
 */
public final class MultipartBody {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] BOUNDARY_CHARS =
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();

    private final String boundary;
    private final byte[] bytes;

    private MultipartBody(String boundary, byte[] bytes) {
        this.boundary = boundary;
        this.bytes = bytes;
    }

    /** A body with one file part named {@code file} with the given file name and content. */
    public static MultipartBody ofFile(String fileName, byte[] content) {
        String boundary;
        do {
            boundary = randomBoundary();
        } while (indexOf(content, ("--" + boundary).getBytes(StandardCharsets.US_ASCII)) >= 0);
        return encode(fileName, content, boundary);
    }

    /**
     * As {@link #ofFile(String, byte[])} with a given boundary (1 to 70 characters of {@code [0-9A-Za-z'()+_,./:=?-]}).
     *
     * @throws IllegalArgumentException for a bad boundary or file name, or a boundary that occurs in the content
     */
    public static MultipartBody ofFile(String fileName, byte[] content, String boundary) {
        if (boundary == null || !boundary.matches("[0-9A-Za-z'()+_,./:=?-]{1,70}")) {
            throw new IllegalArgumentException("invalid multipart boundary: " + boundary);
        }
        if (indexOf(content, ("--" + boundary).getBytes(StandardCharsets.US_ASCII)) >= 0) {
            throw new IllegalArgumentException("the boundary occurs in the content");
        }
        return encode(fileName, content, boundary);
    }

    private static MultipartBody encode(String fileName, byte[] content, String boundary) {
        if (fileName == null
                || fileName.isEmpty()
                || fileName.chars().anyMatch(c -> c == '"' || c == '\r' || c == '\n' || c == '\\')) {
            throw new IllegalArgumentException(
                    "file name must be non-empty without quotes, backslashes or line breaks: " + fileName);
        }
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName
                        + "\"\r\n" + "Content-Type: application/octet-stream\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] body = new byte[head.length + content.length + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(content, 0, body, head.length, content.length);
        System.arraycopy(tail, 0, body, head.length + content.length, tail.length);
        return new MultipartBody(boundary, body);
    }

    /** The boundary. */
    public String boundary() {
        return boundary;
    }

    /** The value of the {@code Content-Type} request header. */
    public String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    /** The encoded body (a copy). */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The encoded body's length in bytes. */
    public int length() {
        return bytes.length;
    }

    byte[] bytesUnsafe() {
        return bytes;
    }

    private static String randomBoundary() {
        char[] c = new char[32];
        for (int i = 0; i < c.length; i++) {
            c[i] = BOUNDARY_CHARS[RANDOM.nextInt(BOUNDARY_CHARS.length)];
        }
        return "----powerloom-" + new String(c);
    }

    /**
     * First index of {@code needle} in {@code haystack}, or -1: Boyer-Moore-Horspool, which skips up to the needle's
     * length at each step, so checking a boundary against a whole batch document stays cheap on the task thread.
     */
    static int indexOf(byte[] haystack, byte[] needle) {
        int m = needle.length;
        if (m == 0) {
            return 0;
        }
        int[] skip = new int[256];
        java.util.Arrays.fill(skip, m);
        for (int i = 0; i < m - 1; i++) {
            skip[needle[i] & 0xff] = m - 1 - i;
        }
        int last = m - 1;
        for (int i = 0; i <= haystack.length - m; i += skip[haystack[i + last] & 0xff]) {
            int j = last;
            while (haystack[i + j] == needle[j]) {
                if (j == 0) {
                    return i;
                }
                j--;
            }
        }
        return -1;
    }
}
