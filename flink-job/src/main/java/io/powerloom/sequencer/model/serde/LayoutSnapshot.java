package io.powerloom.sequencer.model.serde;

import java.io.IOException;
import java.util.List;
import java.util.function.Supplier;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The snapshot of a record serializer whose byte layout has versions: the snapshot records only the version, and a
 * savepoint written with an older layout is read with that layout's serializer and rewritten with the current one
 * (Flink's state migration), so an upgrade keeps its state.
 *
 * <p>Version 3 is the first layout: those serializers used Flink's {@code SimpleTypeSerializerSnapshot}, whose own
 * version, 3, is what their savepoints hold, and which wrote nothing else.
 */
public abstract class LayoutSnapshot<T> implements TypeSerializerSnapshot<T> {
    /** The layout of the serializers that had a {@code SimpleTypeSerializerSnapshot}. */
    public static final int FIRST_LAYOUT = 3;

    private final List<Supplier<TypeSerializer<T>>> layouts;
    private int layout;

    /**
     * @param layouts the serializer of each layout, from {@link #FIRST_LAYOUT} on; the last is the current one, the
     *                others only read, to migrate old state
     */
    protected LayoutSnapshot(List<Supplier<TypeSerializer<T>>> layouts) {
        this.layouts = List.copyOf(layouts);
        this.layout = getCurrentVersion();
    }

    @Override
    public final int getCurrentVersion() {
        return FIRST_LAYOUT + layouts.size() - 1;
    }

    /** The serializer of layout {@code version}, or {@code null} if that layout is unknown. */
    private TypeSerializer<T> serializerFor(int version) {
        int i = version - FIRST_LAYOUT;
        return i >= 0 && i < layouts.size() ? layouts.get(i).get() : null;
    }

    @Override
    public void writeSnapshot(DataOutputView out) {
        // the version, written by Flink beside the snapshot's class, is all there is
    }

    @Override
    public void readSnapshot(int readVersion, DataInputView in, ClassLoader classLoader) throws IOException {
        if (serializerFor(readVersion) == null) {
            throw new IOException(getClass().getName() + ": unknown layout version " + readVersion);
        }
        layout = readVersion;
    }

    @Override
    public TypeSerializer<T> restoreSerializer() {
        return serializerFor(layout);
    }

    @Override
    public TypeSerializerSchemaCompatibility<T> resolveSchemaCompatibility(TypeSerializerSnapshot<T> old) {
        // a snapshot class kept at a record's former name (savepoints name it) extends the current one
        if (old == null || !getClass().isInstance(old)) {
            return TypeSerializerSchemaCompatibility.incompatible();
        }
        int oldLayout = ((LayoutSnapshot<T>) old).layout;
        if (oldLayout == getCurrentVersion()) {
            return TypeSerializerSchemaCompatibility.compatibleAsIs();
        }
        return serializerFor(oldLayout) != null
                ? TypeSerializerSchemaCompatibility.compatibleAfterMigration()
                : TypeSerializerSchemaCompatibility.incompatible();
    }
}
