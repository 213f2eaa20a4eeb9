package io.powerloom.sequencer.job.serde;

import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Type information of the job's string keys, serialized with {@link KeyStringSerializer}; use it in {@code keyBy}. */
public final class KeyStringTypeInfo extends TypeInformation<String> {
    private static final long serialVersionUID = 1L;
    public static final KeyStringTypeInfo INSTANCE = new KeyStringTypeInfo();

    private KeyStringTypeInfo() {}

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
    public Class<String> getTypeClass() {
        return String.class;
    }

    @Override
    public boolean isKeyType() {
        return true;
    }

    @Override
    public TypeSerializer<String> createSerializer(SerializerConfig config) {
        return KeyStringSerializer.INSTANCE;
    }

    @Override
    public String toString() {
        return "String(KeyStringSerializer)";
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof KeyStringTypeInfo;
    }

    @Override
    public int hashCode() {
        return KeyStringTypeInfo.class.hashCode();
    }

    @Override
    public boolean canEqual(Object obj) {
        return obj instanceof KeyStringTypeInfo;
    }
}
