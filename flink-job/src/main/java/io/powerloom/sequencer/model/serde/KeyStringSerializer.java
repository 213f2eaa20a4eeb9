package io.powerloom.sequencer.model.serde;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * The serializer of the job's string keys: the same bytes as Flink's {@link StringSerializer}, written in one call.
 *
 * <p>Flink's string serializer writes a string a byte at a time ({@code StringValue.writeString}). That is cheap into
 * a memory buffer, but a checkpoint's synchronous phase writes every heap timer's key straight into the checkpoint
 * stream, where each byte is a call through {@code DataOutputStream}: with the finalize stage's window timers (one per
 * project and epoch) that phase held the task thread (profile and figures in docs/benchmarks.md). This serializer
 * encodes the key into an array first and writes it with one call. Its bytes are
 * the same, so state and savepoints written with Flink's serializer restore as they are. Key a stream with
 * {@code keyBy(selector, KeyStringSerializer.TYPE_INFO)}.
 */
public final class KeyStringSerializer extends TypeSerializer<String> {
    private static final long serialVersionUID = 1L;
    public static final KeyStringSerializer INSTANCE = new KeyStringSerializer();
    /** Type information of string keys serialized with this serializer. */
    public static final RecordTypeInfo<String> TYPE_INFO = RecordTypeInfo.forKey(String.class, () -> INSTANCE);

    private static final int HIGH_BIT = 0x80;

    private KeyStringSerializer() {}

    /** {@code s} in {@code StringValue.writeString}'s format: length + 1, then each char, as 7-bit varints. */
    static byte[] encode(String s) {
        int len = s.length();
        int size = varintSize(len + 1);
        for (int i = 0; i < len; i++) {
            size += varintSize(s.charAt(i));
        }
        byte[] out = new byte[size];
        int pos = putVarint(out, 0, len + 1);
        for (int i = 0; i < len; i++) {
            char c = s.charAt(i);
            if (c < HIGH_BIT) {
                out[pos++] = (byte) c;
            } else {
                pos = putVarint(out, pos, c);
            }
        }
        return out;
    }

    private static int varintSize(int v) {
        int n = 1;
        while (v >= HIGH_BIT) {
            v >>>= 7;
            n++;
        }
        return n;
    }

    private static int putVarint(byte[] out, int pos, int v) {
        while (v >= HIGH_BIT) {
            out[pos++] = (byte) (v | HIGH_BIT);
            v >>>= 7;
        }
        out[pos++] = (byte) v;
        return pos;
    }

    @Override
    public void serialize(String record, DataOutputView target) throws IOException {
        if (record == null) {
            target.write(0); // StringValue's null, which Flink's serializer writes too (keys are never null)
            return;
        }
        target.write(encode(record));
    }

    @Override
    public String deserialize(DataInputView source) throws IOException {
        return StringValue.readString(source);
    }

    @Override
    public String deserialize(String reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        StringValue.copyString(source, target);
    }

    @Override
    public boolean isImmutableType() {
        return true;
    }

    @Override
    public TypeSerializer<String> duplicate() {
        return this;
    }

    @Override
    public String createInstance() {
        return "";
    }

    @Override
    public String copy(String from) {
        return from;
    }

    @Override
    public String copy(String from, String reuse) {
        return from;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof KeyStringSerializer;
    }

    @Override
    public int hashCode() {
        return KeyStringSerializer.class.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<String> snapshotConfiguration() {
        return new Snapshot();
    }

    /**
     * Compatible as is with its own snapshots (and those of the class kept at this serializer's former name) and with
     * those of Flink's {@link StringSerializer}: the bytes are the same. Not final: the snapshot class at the former name
     * extends it.
     */
    public static class Snapshot extends SimpleTypeSerializerSnapshot<String> {
        public Snapshot() {
            super(() -> INSTANCE);
        }

        @Override
        public TypeSerializerSchemaCompatibility<String> resolveSchemaCompatibility(
                TypeSerializerSnapshot<String> old) {
            if (old instanceof StringSerializer.StringSerializerSnapshot) {
                return TypeSerializerSchemaCompatibility.compatibleAsIs();
            }
            return super.resolveSchemaCompatibility(old);
        }
    }
}
