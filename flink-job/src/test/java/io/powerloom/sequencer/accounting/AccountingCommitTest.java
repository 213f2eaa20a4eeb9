package io.powerloom.sequencer.accounting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.powerloom.sequencer.chain.commit.CountUpdate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An update's slots go out in chunks of at most the chunk size, in slot order, each with its counts. */
class AccountingCommitTest {
    private static final String M = "0x00000000000000000000000000000000000000a1";

    @Test
    void slotsAreChunkedInOrder() {
        AccountingAction a = new AccountingAction(
                AccountingAction.Kind.FINAL,
                M,
                3,
                57,
                new long[] {1, 2, 5, 9, 11},
                new long[] {10, 20, 50, 90, 110},
                10,
                5,
                0);
        List<CountUpdate> chunks = AccountingCommit.chunks(a, 2);
        assertThat(chunks).hasSize(3);
        assertThat(chunks).allSatisfy(c -> {
            assertThat(c.kind()).isEqualTo(CountUpdate.Kind.FINAL);
            assertThat(c.day()).isEqualTo(3);
        });
        assertThat(chunks.get(0).slotIds()).containsExactly(1, 2);
        assertThat(chunks.get(1).counts()).containsExactly(50, 90);
        assertThat(chunks.get(2).slotIds()).containsExactly(11);
        AccountingAction none =
                new AccountingAction(AccountingAction.Kind.FINAL, M, 3, 57, new long[0], new long[0], 10, 0, 0);
        assertThat(AccountingCommit.chunks(none, 50)).isEmpty();
        assertThat(AccountingCommit.chunks(
                        new AccountingAction(
                                AccountingAction.Kind.PERIODIC, M, 3, 60, new long[] {4}, new long[] {7}, 10, -1, 0),
                        50))
                .singleElement()
                .satisfies(c -> assertThat(c.kind()).isEqualTo(CountUpdate.Kind.PERIODIC));
        assertThatThrownBy(() -> new AccountingCommit(null, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
