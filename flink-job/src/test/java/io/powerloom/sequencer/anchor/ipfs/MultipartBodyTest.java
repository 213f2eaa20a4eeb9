package io.powerloom.sequencer.anchor.ipfs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MultipartBodyTest {

    @Test
    void encodesOneFilePartExactly() {
        MultipartBody body = MultipartBody.ofFile("batch", "{\"a\":1}".getBytes(UTF_8), "XyZ");
        assertThat(new String(body.bytes(), UTF_8))
                .isEqualTo("--XyZ\r\n"
                        + "Content-Disposition: form-data; name=\"file\"; filename=\"batch\"\r\n"
                        + "Content-Type: application/octet-stream\r\n"
                        + "\r\n"
                        + "{\"a\":1}\r\n"
                        + "--XyZ--\r\n");
        assertThat(body.contentType()).isEqualTo("multipart/form-data; boundary=XyZ");
        assertThat(body.length()).isEqualTo(body.bytes().length);
    }

    @Test
    void keepsBinaryContentByteForByteIncludingEmpty() {
        byte[] binary = new byte[256];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) i;
        }
        for (byte[] content : new byte[][] {binary, new byte[0]}) {
            MultipartBody body = MultipartBody.ofFile("f", content, "b0undary");
            byte[] head = ("--b0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f\"\r\n"
                            + "Content-Type: application/octet-stream\r\n\r\n")
                    .getBytes(UTF_8);
            byte[] tail = "\r\n--b0undary--\r\n".getBytes(UTF_8);
            byte[] all = body.bytes();
            assertThat(Arrays.copyOfRange(all, 0, head.length)).isEqualTo(head);
            assertThat(Arrays.copyOfRange(all, head.length, head.length + content.length))
                    .isEqualTo(content);
            assertThat(Arrays.copyOfRange(all, head.length + content.length, all.length))
                    .isEqualTo(tail);
        }
    }

    @Test
    void randomBoundaryNeverOccursInTheContent() {
        MultipartBody first = MultipartBody.ofFile("f", new byte[10]);
        // content that contains the first body's delimiter: a fresh boundary must be chosen around it
        ByteArrayOutputStream tricky = new ByteArrayOutputStream();
        tricky.writeBytes(("--" + first.boundary()).getBytes(UTF_8));
        MultipartBody second = MultipartBody.ofFile("f", tricky.toByteArray());
        assertThat(second.boundary()).isNotEqualTo(first.boundary());
        assertThat(MultipartBody.indexOf(tricky.toByteArray(), ("--" + second.boundary()).getBytes(UTF_8)))
                .isEqualTo(-1);
        assertThat(first.boundary()).matches("[0-9A-Za-z-]{1,70}");
    }

    @Test
    void rejectsBadBoundariesNamesAndCollisions() {
        assertThatThrownBy(() -> MultipartBody.ofFile("f", new byte[0], "has space"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("boundary");
        assertThatThrownBy(() -> MultipartBody.ofFile("f", new byte[0], "x".repeat(71)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MultipartBody.ofFile("a\"b", new byte[0], "ok"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("file name");
        assertThatThrownBy(() -> MultipartBody.ofFile("f", "x--ok y".getBytes(UTF_8), "ok"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("occurs in the content");
    }

    @Test
    void indexOfFindsTheFirstOccurrenceAsANaiveSearchDoes() {
        java.util.Random random = new java.util.Random(7);
        for (int round = 0; round < 2_000; round++) {
            // a small alphabet makes partial matches, repeats and overlaps common
            byte[] haystack = new byte[random.nextInt(200)];
            for (int i = 0; i < haystack.length; i++) {
                haystack[i] = (byte) "-ab\r\n".charAt(random.nextInt(5));
            }
            byte[] needle = new byte[1 + random.nextInt(6)];
            if (haystack.length >= needle.length && random.nextBoolean()) { // planted somewhere
                int at = random.nextInt(haystack.length - needle.length + 1);
                System.arraycopy(haystack, at, needle, 0, needle.length);
            } else {
                for (int i = 0; i < needle.length; i++) {
                    needle[i] = (byte) "-ab\r\n".charAt(random.nextInt(5));
                }
            }
            assertThat(MultipartBody.indexOf(haystack, needle))
                    .as("round %d", round)
                    .isEqualTo(naiveIndexOf(haystack, needle));
        }
        byte[] big = new byte[1 << 20];
        Arrays.fill(big, (byte) '-');
        byte[] needle = "--X".getBytes(UTF_8);
        assertThat(MultipartBody.indexOf(big, needle)).isEqualTo(-1);
        big[big.length - 1] = 'X';
        assertThat(MultipartBody.indexOf(big, needle)).isEqualTo(big.length - 3);
    }

    private static int naiveIndexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }
}
