package io.powerloom.sequencer.model.serde;

import java.util.Objects;
import java.util.function.Supplier;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Type information of a record with its own {@link ImmutableRecordSerializer} (used through {@code @TypeInfo}). */
public final class RecordTypeInfo<T> extends TypeInformation<T> {
    private static final long serialVersionUID = 1L;

    private final Class<T> type;
    private final SerializableSupplier<TypeSerializer<T>> serializer;
    private final boolean key;

    /** A supplier that Flink can ship with the job graph. */
    public interface SerializableSupplier<S> extends Supplier<S>, java.io.Serializable {}

    public RecordTypeInfo(Class<T> type, SerializableSupplier<TypeSerializer<T>> serializer) {
        this(type, serializer, false);
    }

    private RecordTypeInfo(Class<T> type, SerializableSupplier<TypeSerializer<T>> serializer, boolean key) {
        this.type = type;
        this.serializer = serializer;
        this.key = key;
    }

    /** Type information for a {@code keyBy} key of {@code type} with its own serializer. */
    public static <T> RecordTypeInfo<T> forKey(Class<T> type, SerializableSupplier<TypeSerializer<T>> serializer) {
        return new RecordTypeInfo<>(type, serializer, true);
    }

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<T> getTypeClass() {
        return type;
    }

    @Override
    public boolean isKeyType() {
        return key;
    }

    @Override
    public TypeSerializer<T> createSerializer(SerializerConfig config) {
        return serializer.get();
    }

    @Override
    public String toString() {
        return type.getSimpleName() + "(" + serializer.get().getClass().getSimpleName() + ")";
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof RecordTypeInfo<?> other && other.type == type && other.key == key;
    }

    @Override
    public int hashCode() {
        return Objects.hash(RecordTypeInfo.class, type, key);
    }

    @Override
    public boolean canEqual(Object obj) {
        return obj instanceof RecordTypeInfo<?>;
    }
}
