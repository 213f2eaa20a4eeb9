package io.powerloom.sequencer.model.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputViewStreamWrapper;
import org.junit.jupiter.api.Test;

class KeyStringSerializerTest {
    /** Keys as the job makes them, and strings that need 2- and 3-byte varints for their length or chars. */
    private static final List<String> SAMPLES = List.of(
            "",
            "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512|42|aggregate_24h_top_pairs_lite:0x1234|UNISWAPV2",
            "market|18446744073709551615|proj\u00e9t-\u4e2d\u6587-\uD83D\uDE00",
            "x".repeat(200),
            "\u007f\u0080\u07ff\u0800\u3fff\u4000\uffff");

    @Test
    void writesTheBytesOfFlinksStringSerializer() throws IOException {
        for (String s : SAMPLES) {
            DataOutputSerializer flink = new DataOutputSerializer(64);
            StringSerializer.INSTANCE.serialize(s, flink);
            DataOutputSerializer ours = new DataOutputSerializer(64);
            KeyStringSerializer.INSTANCE.serialize(s, ours);
            assertThat(ours.getCopyOfBuffer()).as(s).isEqualTo(flink.getCopyOfBuffer());
        }
    }

    @Test
    void writesAKeyToAStreamInOneCall() throws IOException {
        int[] calls = {0};
        ByteArrayOutputStream bytes = new ByteArrayOutputStream() {
            @Override
            public synchronized void write(int b) {
                calls[0]++;
                super.write(b);
            }

            @Override
            public synchronized void write(byte[] b, int off, int len) {
                calls[0]++;
                super.write(b, off, len);
            }
        };
        String key = SAMPLES.get(1);
        KeyStringSerializer.INSTANCE.serialize(key, new DataOutputViewStreamWrapper(bytes));
        assertThat(calls[0]).isEqualTo(1);
        assertThat(StringSerializer.INSTANCE.deserialize(new DataInputDeserializer(bytes.toByteArray())))
                .isEqualTo(key);
    }

    @Test
    void readsAndCopiesWhatFlinksSerializerWrote() throws IOException {
        for (String s : SAMPLES) {
            DataOutputSerializer flink = new DataOutputSerializer(64);
            StringSerializer.INSTANCE.serialize(s, flink);
            byte[] written = flink.getCopyOfBuffer();
            assertThat(KeyStringSerializer.INSTANCE.deserialize(new DataInputDeserializer(written)))
                    .isEqualTo(s);
            DataOutputSerializer copy = new DataOutputSerializer(64);
            KeyStringSerializer.INSTANCE.copy(new DataInputDeserializer(written), copy);
            assertThat(copy.getCopyOfBuffer()).isEqualTo(written);
        }
    }

    @Test
    void restoresStateKeyedWithFlinksStringSerializerAsItIs() {
        KeyStringSerializer.Snapshot current = new KeyStringSerializer.Snapshot();
        assertThat(current.resolveSchemaCompatibility(new StringSerializer.StringSerializerSnapshot())
                        .isCompatibleAsIs())
                .isTrue();
        assertThat(current.resolveSchemaCompatibility(KeyStringSerializer.INSTANCE.snapshotConfiguration())
                        .isCompatibleAsIs())
                .isTrue();
        assertThat(current.resolveSchemaCompatibility(cast(LongSerializer.INSTANCE.snapshotConfiguration()))
                        .isIncompatible())
                .isTrue();
        assertThat(current.restoreSerializer()).isSameAs(KeyStringSerializer.INSTANCE);
        assertThat(KeyStringSerializer.TYPE_INFO.isKeyType()).isTrue();
        assertThat(KeyStringSerializer.TYPE_INFO.createSerializer(new SerializerConfigImpl()))
                .isSameAs(KeyStringSerializer.INSTANCE);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static org.apache.flink.api.common.typeutils.TypeSerializerSnapshot<String> cast(
            org.apache.flink.api.common.typeutils.TypeSerializerSnapshot<?> s) {
        return (org.apache.flink.api.common.typeutils.TypeSerializerSnapshot) s;
    }
}
