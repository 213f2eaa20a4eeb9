package io.powerloom.sequencer.protocol.records;

import io.powerloom.sequencer.protocol.crypto.Hex;

/** Format checks shared by the record constructors. */
final class RecordChecks {

    private RecordChecks() {}

    static void address(String field, String value) {
        if (!Hex.isLowerCaseAddress(value)) {
            throw new IllegalArgumentException(field + " must be a lower-case 0x address (40 hex digits): " + value);
        }
    }

    static void hash32(String field, String value) {
        if (!Hex.isLowerCaseHex0x(value, 32)) {
            throw new IllegalArgumentException(field + " must be lower-case 0x + 64 hex digits: " + value);
        }
    }
}
