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

/** Serializer of {@link ProjectEpochResult}: it crosses the shuffle to batching and waits in its state. */
public class ProjectEpochResultSerializer extends ImmutableRecordSerializer<ProjectEpochResult> {
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
        return new ProjectEpochResult(
                readString(in),
                in.readLong(),
                readString(in),
                in.readBoolean(),
                readString(in),
                in.readInt(),
                in.readInt(),
                readStrings(in),
                readInts(in),
                readStrings(in),
                readTexts(in),
                readLongs(in),
                in.readLong(),
                in.readLong(),
                in.readLong());
    }

    /** The submission texts as this layout stores them. */
    byte[][] readTexts(DataInputView in) throws IOException {
        return readByteArrays(in);
    }

    @Override
    public TypeSerializerSnapshot<ProjectEpochResult> snapshotConfiguration() {
        return new Snapshot();
    }

    /**
     * Layout 3 (savepoints before submission texts were stored quoted): the same fields, the texts raw. Read only, to
     * migrate such state: the texts are quoted as they are read.
     */
    static final class RawTextLayout extends ProjectEpochResultSerializer {
        private static final long serialVersionUID = 1L;

        @Override
        byte[][] readTexts(DataInputView in) throws IOException {
            byte[][] raw = readByteArrays(in);
            if (raw != null) {
                for (int i = 0; i < raw.length; i++) {
                    raw[i] = raw[i] == null ? null : Utf8Json.quote(raw[i]);
                }
            }
            return raw;
        }

        @Override
        public void serialize(ProjectEpochResult r, DataOutputView out) {
            throw new UnsupportedOperationException("layout 3 is only read, to migrate old state");
        }
    }

    /**
     * Layout 4: the fields above, the texts quoted. Layout 3 is migrated. Not final: the snapshot class kept at the
     * serializer's former name, {@code finalize.ProjectEpochResultSerializer.Snapshot}, extends it.
     */
    public static class Snapshot extends LayoutSnapshot<ProjectEpochResult> {
        public Snapshot() {
            super(java.util.List.of(RawTextLayout::new, ProjectEpochResultSerializer::new));
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
