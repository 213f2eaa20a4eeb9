package io.powerloom.sequencer.anchor.ipfs;

import java.io.ByteArrayOutputStream;
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
        } while (indexOf(content, boundary.getBytes(StandardCharsets.US_ASCII)) >= 0);
        return ofFile(fileName, content, boundary);
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
        if (fileName == null || fileName.isEmpty() || fileName.chars().anyMatch(c -> c == '"' || c == '\r' || c == '\n' || c == '\\')) {
            throw new IllegalArgumentException("file name must be non-empty without quotes, backslashes or line breaks: " + fileName);
        }
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.US_ASCII);
        if (indexOf(content, delimiter) >= 0) {
            throw new IllegalArgumentException("the boundary occurs in the content");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 256);
        out.writeBytes(delimiter);
        out.writeBytes(("\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName + "\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(content);
        out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return new MultipartBody(boundary, out.toByteArray());
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

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
