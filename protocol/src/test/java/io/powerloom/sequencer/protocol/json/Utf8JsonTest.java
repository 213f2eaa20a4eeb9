package io.powerloom.sequencer.protocol.json;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Utf8JsonTest {

    /** What the String path writes for these bytes: decode (malformed to U+FFFD), escape, encode. */
    private static byte[] reference(byte[] bytes) {
        return new JsonWriter(JsonWriter.Style.MINIMAL)
                .value(new String(bytes, UTF_8))
                .toBytes();
    }

    private static byte[] written(byte[] bytes) {
        byte[] valid = Utf8Json.normalize(bytes);
        byte[] out = new byte[Utf8Json.quotedLength(valid)];
        assertThat(Utf8Json.write(valid, out, 0)).isEqualTo(out.length);
        assertThat(Utf8Json.quote(bytes)).isEqualTo(out);
        return out;
    }

    @Test
    void validityAgreesWithJavasDecoderOnRandomBytes() {
        SplittableRandom rnd = new SplittableRandom(3);
        byte[] interesting = {
            0,
            0x1f,
            0x22,
            0x5c,
            0x7f,
            (byte) 0x80,
            (byte) 0xbf,
            (byte) 0xc0,
            (byte) 0xc1,
            (byte) 0xc2,
            (byte) 0xdf,
            (byte) 0xe0,
            (byte) 0xed,
            (byte) 0xef,
            (byte) 0xf0,
            (byte) 0xf4,
            (byte) 0xf5,
            (byte) 0xff,
            (byte) 0x9f,
            (byte) 0xa0,
            (byte) 0x8f,
            (byte) 0x90
        };
        for (int round = 0; round < 300_000; round++) {
            byte[] b = new byte[rnd.nextInt(0, 7)];
            for (int i = 0; i < b.length; i++) {
                b[i] = rnd.nextBoolean() ? interesting[rnd.nextInt(interesting.length)] : (byte) rnd.nextInt(256);
            }
            boolean roundTrips = Arrays.equals(new String(b, UTF_8).getBytes(UTF_8), b);
            assertThat(Utf8Json.isValidUtf8(b)).as("%s", Arrays.toString(b)).isEqualTo(roundTrips);
            assertThat(written(b)).as("%s", Arrays.toString(b)).isEqualTo(reference(b));
        }
    }

    @Test
    void everyCodePointAndEscapeMatchesTheStringPath() {
        for (int cp = 0; cp <= 0x10ffff; cp += cp < 0x800 ? 1 : 7) {
            if (cp >= 0xd800 && cp <= 0xdfff) {
                continue;
            }
            byte[] b = ("a" + new String(Character.toChars(cp)) + "\"\\b").getBytes(UTF_8);
            assertThat(Utf8Json.isValidUtf8(b)).isTrue();
            assertThat(written(b)).as("U+%04X", cp).isEqualTo(reference(b));
        }
        // malformed: overlong, surrogate, above U+10FFFF, truncated, stray continuation
        for (byte[] bad : new byte[][] {
            {(byte) 0xc0, (byte) 0xaf},
            {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
            {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
            {(byte) 0xe2, (byte) 0x82},
            {(byte) 0x80},
            {(byte) 0xe0, (byte) 0x80, (byte) 0xaf}
        }) {
            assertThat(Utf8Json.isValidUtf8(bad)).isFalse();
            assertThat(written(bad)).isEqualTo(reference(bad));
        }
    }
}
