package io.powerloom.sequencer.libp2p.crypto;

import io.powerloom.sequencer.libp2p.Libp2pException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The forms in which libp2p identity keys are kept in files, read and written:
 * <ul>
 *   <li>{@link Format#PROTOBUF}: the marshalled {@code PrivateKey} protobuf as raw bytes (go-libp2p's
 *       {@code crypto.MarshalPrivateKey}, js-libp2p's {@code privateKeyToProtobuf});</li>
 *   <li>{@link Format#BASE64}: standard base64 text of that protobuf, as Powerloom's Go sequencer stores its
 *       key;</li>
 *   <li>{@link Format#HEX}: hex text of that protobuf;</li>
 *   <li>{@link Format#ED25519_RAW_HEX}: hex of the raw 64-byte Ed25519 key (seed ‖ public key), as the DSV nodes
 *       store theirs (read only; a 32-byte seed in hex is taken too).</li>
 * </ul>
 * {@link #parse} tells them apart: a protobuf key starts with the byte {@code 0x08} (field 1, varint), which is
 * no text character, and hex is tried before base64.
 */
public final class KeyFiles {
    /** Key file forms. */
    public enum Format {
        PROTOBUF,
        BASE64,
        HEX,
        ED25519_RAW_HEX
    }

    private KeyFiles() {}

    /** The form {@code content} is in. */
    public static Format detect(byte[] content) {
        if (content.length > 0 && content[0] == 0x08) {
            return Format.PROTOBUF;
        }
        String text = text(content);
        if (text.matches("(0x)?[0-9a-fA-F]+")) {
            String hex = strip0x(text);
            return hex.length() == 128 || hex.length() == 64 ? Format.ED25519_RAW_HEX : Format.HEX;
        }
        if (text.matches("[A-Za-z0-9+/=_-]+")) {
            return Format.BASE64;
        }
        throw new Libp2pException(
                Libp2pException.Kind.INVALID_INPUT,
                "not a libp2p key: neither a protobuf PrivateKey nor its base64/hex text, nor a hex Ed25519 key");
    }

    /** Reads a private key in any of the {@link Format}s. */
    public static PrivateKey parse(byte[] content) {
        Format f = detect(content);
        return switch (f) {
            case PROTOBUF -> Keys.decodePrivateKey(content);
            case HEX -> Keys.decodePrivateKey(HexFormat.of().parseHex(strip0x(text(content))));
            case BASE64 -> {
                String t = text(content);
                byte[] pb;
                try {
                    pb = t.indexOf('-') >= 0 || t.indexOf('_') >= 0
                            ? Base64.getUrlDecoder().decode(t)
                            : Base64.getDecoder().decode(t);
                } catch (IllegalArgumentException e) {
                    throw new Libp2pException(
                            Libp2pException.Kind.INVALID_INPUT, "bad base64 key text: " + e.getMessage(), e);
                }
                yield Keys.decodePrivateKey(pb);
            }
            case ED25519_RAW_HEX -> {
                byte[] raw = HexFormat.of().parseHex(strip0x(text(content)));
                PrivateKey key = Keys.ed25519(Arrays.copyOf(raw, 32));
                if (raw.length == 64
                        && !Arrays.equals(
                                Arrays.copyOfRange(raw, 32, 64), key.publicKey().raw())) {
                    throw new Libp2pException(
                            Libp2pException.Kind.INVALID_INPUT,
                            "64-byte Ed25519 key: the last 32 bytes are not the public key of the first 32");
                }
                yield key;
            }
        };
    }

    /** {@code key} in {@code format} ({@link Format#ED25519_RAW_HEX} only for Ed25519 keys). */
    public static byte[] write(PrivateKey key, Format format) {
        byte[] pb = key.toProtobuf();
        return switch (format) {
            case PROTOBUF -> pb;
            case BASE64 -> Base64.getEncoder().encode(pb);
            case HEX -> HexFormat.of().formatHex(pb).getBytes(StandardCharsets.US_ASCII);
            case ED25519_RAW_HEX -> {
                if (key.type() != KeyType.ED25519) {
                    throw new Libp2pException(
                            Libp2pException.Kind.INVALID_INPUT, "raw hex form is for Ed25519 keys only");
                }
                // protobuf: 0x08 0x01 0x12 0x40 then the 64 bytes
                yield HexFormat.of()
                        .formatHex(Arrays.copyOfRange(pb, pb.length - 64, pb.length))
                        .getBytes(StandardCharsets.US_ASCII);
            }
        };
    }

    private static String text(byte[] content) {
        return new String(content, StandardCharsets.US_ASCII).strip();
    }

    private static String strip0x(String s) {
        return s.startsWith("0x") ? s.substring(2) : s;
    }
}
