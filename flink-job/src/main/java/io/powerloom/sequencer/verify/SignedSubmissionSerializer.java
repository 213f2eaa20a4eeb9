package io.powerloom.sequencer.verify;

import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Map;

import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import io.powerloom.sequencer.job.serde.ImmutableRecordSerializer;
import io.powerloom.sequencer.job.serde.RecordTypeInfo;

/** Serializer of {@link SignedSubmission}: it crosses two shuffles and sits in two operators' state. */
public final class SignedSubmissionSerializer extends ImmutableRecordSerializer<SignedSubmission> {
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
        writeBytes(out, s.protoJson());
    }

    @Override
    public SignedSubmission deserialize(DataInputView in) throws IOException {
        return new SignedSubmission(readString(in), readString(in), in.readLong(), readString(in), in.readLong(),
                in.readLong(), readString(in), readString(in), in.readLong(), readString(in), readBytes(in));
    }

    @Override
    public TypeSerializerSnapshot<SignedSubmission> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Version 1: the field layout above. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<SignedSubmission> {
        public Snapshot() {
            super(SignedSubmissionSerializer::new);
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
