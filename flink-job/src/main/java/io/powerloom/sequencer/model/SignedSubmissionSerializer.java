package io.powerloom.sequencer.model;

import io.powerloom.sequencer.model.serde.ImmutableRecordSerializer;
import io.powerloom.sequencer.model.serde.LayoutSnapshot;
import io.powerloom.sequencer.model.serde.RecordTypeInfo;
import io.powerloom.sequencer.protocol.json.Utf8Json;
import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** Serializer of {@link SignedSubmission}: it crosses two shuffles and sits in two operators' state. */
public class SignedSubmissionSerializer extends ImmutableRecordSerializer<SignedSubmission> {
    private static final long serialVersionUID = 1L;

    @Override
    public void serialize(SignedSubmission s, DataOutputView out) throws IOException {
        writeString(out, s.submissionId());
        writeString(out, s.peerId());
        out.writeLong(s.receivedAtMs());
        writeString(out, s.dataMarket());
        out.writeLong(s.slotId());
        out.writeLong(s.epochId());
        writeString(out, s.projectId());
        writeString(out, s.snapshotCid());
        out.writeLong(s.deadline());
        writeString(out, s.signer());
        writeBytes(out, s.quotedProtoJson());
    }

    @Override
    public SignedSubmission deserialize(DataInputView in) throws IOException {
        return new SignedSubmission(
                readString(in),
                readString(in),
                in.readLong(),
                readString(in),
                in.readLong(),
                in.readLong(),
                readString(in),
                readString(in),
                in.readLong(),
                readString(in),
                readText(in));
    }

    /** The last field as this layout stores it. */
    byte[] readText(DataInputView in) throws IOException {
        return readBytes(in);
    }

    @Override
    public TypeSerializerSnapshot<SignedSubmission> snapshotConfiguration() {
        return new Snapshot();
    }

    /**
     * Layout 3 (savepoints before the submission text was stored quoted): the same fields, the text raw. Read only, to
     * migrate such state: the text is quoted as it is read.
     */
    static final class RawTextLayout extends SignedSubmissionSerializer {
        private static final long serialVersionUID = 1L;

        @Override
        byte[] readText(DataInputView in) throws IOException {
            byte[] raw = readBytes(in);
            return raw == null ? null : Utf8Json.quote(raw);
        }

        @Override
        public void serialize(SignedSubmission s, DataOutputView out) {
            throw new UnsupportedOperationException("layout 3 is only read, to migrate old state");
        }
    }

    /**
     * Layout 4: the fields above, the text quoted. Layout 3 is migrated. Not final: the snapshot class kept at the
     * serializer's former name, {@code verify.SignedSubmissionSerializer.Snapshot}, extends it.
     */
    public static class Snapshot extends LayoutSnapshot<SignedSubmission> {
        public Snapshot() {
            super(java.util.List.of(RawTextLayout::new, SignedSubmissionSerializer::new));
        }
    }

    /** Picked up through {@code @TypeInfo} on the record. */
    public static final class Factory extends TypeInfoFactory<SignedSubmission> {
        @Override
        public TypeInformation<SignedSubmission> createTypeInfo(Type t, Map<String, TypeInformation<?>> generics) {
            return new RecordTypeInfo<>(SignedSubmission.class, SignedSubmissionSerializer::new);
        }
    }
}
