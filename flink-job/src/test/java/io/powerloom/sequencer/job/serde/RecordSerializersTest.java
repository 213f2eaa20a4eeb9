package io.powerloom.sequencer.job.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

import io.powerloom.sequencer.finalize.ProjectEpochResult;
import io.powerloom.sequencer.finalize.ProjectEpochResultSerializer;
import io.powerloom.sequencer.verify.SignedSubmission;
import io.powerloom.sequencer.verify.SignedSubmissionSerializer;

class RecordSerializersTest {

    private static <T> T roundTrip(TypeSerializer<T> s, T value) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        s.serialize(value, out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        T back = s.deserialize(in);
        assertThat(in.available()).as("every byte read back").isZero();
        // copy(DataInputView, DataOutputView) writes the same bytes again
        DataOutputSerializer copied = new DataOutputSerializer(64);
        s.copy(new DataInputDeserializer(out.getCopyOfBuffer()), copied);
        assertThat(copied.getCopyOfBuffer()).isEqualTo(out.getCopyOfBuffer());
        return back;
    }

    @Test
    void theRecordsUseTheirOwnSerializers() {
        assertThat(TypeInformation.of(SignedSubmission.class).createSerializer(new SerializerConfigImpl()))
                .isInstanceOf(SignedSubmissionSerializer.class);
        assertThat(TypeInformation.of(ProjectEpochResult.class).createSerializer(new SerializerConfigImpl()))
                .isInstanceOf(ProjectEpochResultSerializer.class);
    }

    @Test
    void signedSubmissionRoundTripsWithNullsAndNonAscii() throws IOException {
        SignedSubmission s = new SignedSubmission("id-1", null, 1_795_531_170_123L, "0xmarket", -1L /* uint64 max */, 42,
                "aggregate:0xpair:ÜNISWAP✓", "bafkreicid", 123_456, "0xsigner", "{\"a\":\"😀\"}".getBytes(StandardCharsets.UTF_8));
        SignedSubmission back = roundTrip(new SignedSubmissionSerializer(), s);
        assertThat(back).usingRecursiveComparison().isEqualTo(s);
        assertThat(back.protoJson()).isEqualTo(s.protoJson());

        SignedSubmission empty = new SignedSubmission(null, null, 0, null, 0, 0, null, null, 0, null, null);
        assertThat(roundTrip(new SignedSubmissionSerializer(), empty)).usingRecursiveComparison().isEqualTo(empty);
    }

    @Test
    void projectEpochResultRoundTrips() throws IOException {
        ProjectEpochResult r = new ProjectEpochResult("0xmarket", 7, "project:ü", true, "bafkwinner", 2, 3,
                new String[] {"bafkloser", "bafkwinner"}, new int[] {1, 2}, new String[] {"s1", "s2", "s3"},
                new byte[][] {"a".getBytes(StandardCharsets.UTF_8), new byte[0], "ç".getBytes(StandardCharsets.UTF_8)},
                new long[] {1, 2, Long.MIN_VALUE}, 1000, 31_000, 1_795_531_170_000L);
        ProjectEpochResult back = roundTrip(new ProjectEpochResultSerializer(), r);
        assertThat(back).usingRecursiveComparison().isEqualTo(r);

        ProjectEpochResult unfinalized = new ProjectEpochResult("0xmarket", 7, "p", false, null, 0, 0, null, null, null,
                null, null, 0, 0, 0);
        assertThat(roundTrip(new ProjectEpochResultSerializer(), unfinalized)).usingRecursiveComparison().isEqualTo(unfinalized);
    }

    @Test
    void snapshotsRestoreTheSameSerializerAndAreCompatible() {
        TypeSerializerSnapshot<SignedSubmission> snap = new SignedSubmissionSerializer().snapshotConfiguration();
        assertThat(snap.restoreSerializer()).isEqualTo(new SignedSubmissionSerializer());
        TypeSerializerSchemaCompatibility<SignedSubmission> c =
                new SignedSubmissionSerializer().snapshotConfiguration().resolveSchemaCompatibility(snap);
        assertThat(c.isCompatibleAsIs()).isTrue();
        assertThat(new ProjectEpochResultSerializer().snapshotConfiguration().restoreSerializer())
                .isEqualTo(new ProjectEpochResultSerializer());
    }
}
