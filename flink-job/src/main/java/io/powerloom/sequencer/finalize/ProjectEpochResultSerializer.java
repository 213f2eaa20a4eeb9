package io.powerloom.sequencer.finalize;

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

/** Serializer of {@link ProjectEpochResult}: it crosses the shuffle to batching and waits in its state. */
public final class ProjectEpochResultSerializer extends ImmutableRecordSerializer<ProjectEpochResult> {
    private static final long serialVersionUID = 1L;

    @Override
    public void serialize(ProjectEpochResult r, DataOutputView out) throws IOException {
        writeString(out, r.dataMarket());
        out.writeLong(r.epochId());
        writeString(out, r.projectId());
        out.writeBoolean(r.finalized());
        writeString(out, r.snapshotCid());
        out.writeInt(r.winnerCount());
        out.writeInt(r.totalCount());
        writeStrings(out, r.cids());
        writeInts(out, r.cidCounts());
        writeStrings(out, r.submissionIds());
        writeByteArrays(out, r.submissions());
        writeLongs(out, r.slotIds());
        out.writeLong(r.windowOpenMs());
        out.writeLong(r.windowCloseMs());
        out.writeLong(r.closedAtWallMs());
    }

    @Override
    public ProjectEpochResult deserialize(DataInputView in) throws IOException {
        return new ProjectEpochResult(readString(in), in.readLong(), readString(in), in.readBoolean(), readString(in),
                in.readInt(), in.readInt(), readStrings(in), readInts(in), readStrings(in), readByteArrays(in), readLongs(in),
                in.readLong(), in.readLong(), in.readLong());
    }

    @Override
    public TypeSerializerSnapshot<ProjectEpochResult> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Version 1: the field layout above. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<ProjectEpochResult> {
        public Snapshot() {
            super(ProjectEpochResultSerializer::new);
        }
    }

    /** Picked up through {@code @TypeInfo} on the record. */
    public static final class Factory extends TypeInfoFactory<ProjectEpochResult> {
        @Override
        public TypeInformation<ProjectEpochResult> createTypeInfo(Type t, Map<String, TypeInformation<?>> generics) {
            return new RecordTypeInfo<>(ProjectEpochResult.class, ProjectEpochResultSerializer::new);
        }
    }
}
