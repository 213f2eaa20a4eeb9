package io.powerloom.sequencer.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.powerloom.sequencer.model.serde.KeyStringSerializer;
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
        SignedSubmission s = new SignedSubmission(
                "id-1",
                null,
                1_795_531_170_123L,
                "0xmarket",
                -1L /* uint64 max */,
                42,
                "aggregate:0xpair:ÜNISWAP✓",
                "bafkreicid",
                123_456,
                "0xsigner",
                io.powerloom.sequencer.protocol.json.Utf8Json.quote("{\"a\":\"😀\"}".getBytes(StandardCharsets.UTF_8)));
        SignedSubmission back = roundTrip(new SignedSubmissionSerializer(), s);
        assertThat(back).usingRecursiveComparison().isEqualTo(s);
        assertThat(back.quotedProtoJson()).isEqualTo(s.quotedProtoJson());

        SignedSubmission empty = new SignedSubmission(null, null, 0, null, 0, 0, null, null, 0, null, null);
        assertThat(roundTrip(new SignedSubmissionSerializer(), empty))
                .usingRecursiveComparison()
                .isEqualTo(empty);
    }

    @Test
    void projectEpochResultRoundTrips() throws IOException {
        ProjectEpochResult r = new ProjectEpochResult(
                "0xmarket",
                7,
                "project:ü",
                true,
                "bafkwinner",
                2,
                3,
                new String[] {"bafkloser", "bafkwinner"},
                new int[] {1, 2},
                new String[] {"s1", "s2", "s3"},
                new byte[][] {"a".getBytes(StandardCharsets.UTF_8), new byte[0], "ç".getBytes(StandardCharsets.UTF_8)},
                new long[] {1, 2, Long.MIN_VALUE},
                1000,
                31_000,
                1_795_531_170_000L);
        ProjectEpochResult back = roundTrip(new ProjectEpochResultSerializer(), r);
        assertThat(back).usingRecursiveComparison().isEqualTo(r);

        ProjectEpochResult unfinalized =
                new ProjectEpochResult("0xmarket", 7, "p", false, null, 0, 0, null, null, null, null, null, 0, 0, 0);
        assertThat(roundTrip(new ProjectEpochResultSerializer(), unfinalized))
                .usingRecursiveComparison()
                .isEqualTo(unfinalized);
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

    /** A savepoint's snapshot of layout {@code version}, as Flink stores it (class name, version, no payload). */
    private static <T> TypeSerializerSnapshot<T> storedSnapshot(Class<?> snapshotClass, int version)
            throws IOException {
        return storedSnapshot(snapshotClass.getName(), version);
    }

    private static <T> TypeSerializerSnapshot<T> storedSnapshot(String snapshotClassName, int version)
            throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        out.writeUTF(snapshotClassName);
        out.writeInt(version);
        return TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()), RecordSerializersTest.class.getClassLoader());
    }

    @Test
    void stateWithRawSubmissionTextsIsMigratedToQuotedTexts() throws IOException {
        // layout 3 (the SimpleTypeSerializerSnapshot era) had the same fields with the text raw
        byte[] raw = "{\"request\":{\"projectId\":\"p\u00e9\"}}".getBytes(StandardCharsets.UTF_8);
        byte[] quoted = io.powerloom.sequencer.protocol.json.Utf8Json.quote(raw);
        assertThat(new String(quoted, StandardCharsets.UTF_8))
                .isEqualTo("\"{\\\"request\\\":{\\\"projectId\\\":\\\"p\u00e9\\\"}}\"");

        SignedSubmission old = new SignedSubmission("id", "peer", 1, "0xm", 2, 3, "p", "c", 4, "0xs", raw);
        DataOutputSerializer layout3 = new DataOutputSerializer(64);
        new SignedSubmissionSerializer().serialize(old, layout3); // the same bytes the old serializer wrote
        TypeSerializerSnapshot<SignedSubmission> stored = storedSnapshot(SignedSubmissionSerializer.Snapshot.class, 3);
        assertThat(new SignedSubmissionSerializer()
                        .snapshotConfiguration()
                        .resolveSchemaCompatibility(stored)
                        .isCompatibleAfterMigration())
                .isTrue();
        SignedSubmission migrated =
                stored.restoreSerializer().deserialize(new DataInputDeserializer(layout3.getCopyOfBuffer()));
        assertThat(migrated.quotedProtoJson()).isEqualTo(quoted);
        assertThat(migrated.submissionId()).isEqualTo("id");
        assertThat(migrated.signer()).isEqualTo("0xs");

        ProjectEpochResult oldResult = new ProjectEpochResult(
                "0xm",
                7,
                "p",
                true,
                "c",
                1,
                1,
                new String[] {"c"},
                new int[] {1},
                new String[] {"id"},
                new byte[][] {raw},
                new long[] {2},
                1000,
                2000,
                3000);
        DataOutputSerializer resultLayout3 = new DataOutputSerializer(64);
        new ProjectEpochResultSerializer().serialize(oldResult, resultLayout3);
        TypeSerializerSnapshot<ProjectEpochResult> storedResult =
                storedSnapshot(ProjectEpochResultSerializer.Snapshot.class, 3);
        assertThat(new ProjectEpochResultSerializer()
                        .snapshotConfiguration()
                        .resolveSchemaCompatibility(storedResult)
                        .isCompatibleAfterMigration())
                .isTrue();
        ProjectEpochResult migratedResult = storedResult
                .restoreSerializer()
                .deserialize(new DataInputDeserializer(resultLayout3.getCopyOfBuffer()));
        assertThat(migratedResult.submissions()).hasDimensions(1, quoted.length);
        assertThat(migratedResult.submissions()[0]).isEqualTo(quoted);
        assertThat(migratedResult.closedAtWallMs()).isEqualTo(3000);

        // the current layout restores as is; an unknown one is refused
        assertThat(new SignedSubmissionSerializer()
                        .snapshotConfiguration()
                        .resolveSchemaCompatibility(storedSnapshot(SignedSubmissionSerializer.Snapshot.class, 4))
                        .isCompatibleAsIs())
                .isTrue();
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> storedSnapshot(SignedSubmissionSerializer.Snapshot.class, 9))
                .hasMessageContaining("unknown layout version 9");
    }

    @Test
    void snapshotsStoredUnderTheSerializersFormerNamesRestoreWithTheCurrentSerializers() throws IOException {
        // the class names that savepoints taken before the model package hold
        TypeSerializerSnapshot<SignedSubmission> signed =
                storedSnapshot("io.powerloom.sequencer.verify.SignedSubmissionSerializer$Snapshot", 4);
        assertThat(new SignedSubmissionSerializer()
                        .snapshotConfiguration()
                        .resolveSchemaCompatibility(signed)
                        .isCompatibleAsIs())
                .isTrue();
        assertThat(signed.restoreSerializer()).isEqualTo(new SignedSubmissionSerializer());

        TypeSerializerSnapshot<ProjectEpochResult> result =
                storedSnapshot("io.powerloom.sequencer.finalize.ProjectEpochResultSerializer$Snapshot", 4);
        assertThat(new ProjectEpochResultSerializer()
                        .snapshotConfiguration()
                        .resolveSchemaCompatibility(result)
                        .isCompatibleAsIs())
                .isTrue();
        TypeSerializerSnapshot<ProjectEpochResult> resultLayout3 =
                storedSnapshot("io.powerloom.sequencer.finalize.ProjectEpochResultSerializer$Snapshot", 3);
        assertThat(new ProjectEpochResultSerializer()
                        .snapshotConfiguration()
                        .resolveSchemaCompatibility(resultLayout3)
                        .isCompatibleAfterMigration())
                .isTrue();

        TypeSerializerSnapshot<String> key =
                storedSnapshot("io.powerloom.sequencer.job.serde.KeyStringSerializer$Snapshot", 3);
        assertThat(KeyStringSerializer.INSTANCE
                        .snapshotConfiguration()
                        .resolveSchemaCompatibility(key)
                        .isCompatibleAsIs())
                .isTrue();
        assertThat(key.restoreSerializer()).isSameAs(KeyStringSerializer.INSTANCE);

        // one record's snapshot still does not pass for another's
        TypeSerializerSnapshot<ProjectEpochResult> wrong = storedSnapshot(SignedSubmissionSerializer.Snapshot.class, 4);
        assertThat(new ProjectEpochResultSerializer()
                        .snapshotConfiguration()
                        .resolveSchemaCompatibility(wrong)
                        .isIncompatible())
                .isTrue();
    }
}
