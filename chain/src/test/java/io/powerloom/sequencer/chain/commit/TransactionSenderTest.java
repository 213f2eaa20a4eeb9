package io.powerloom.sequencer.chain.commit;

import static org.assertj.core.api.Assertions.assertThat;

import io.powerloom.sequencer.chain.commit.TransactionSender.Fees;
import io.powerloom.sequencer.chain.commit.TransactionSender.SendOutcome;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/** The transaction sender's decisions on a node's answers: nonces, replacement, fees. */
class TransactionSenderTest {
    private static final BigInteger GWEI = BigInteger.TEN.pow(9);

    @Test
    void aResendOfATransactionTheNodeHasIsAccepted() {
        assertThat(TransactionSender.classify("already known")).isEqualTo(SendOutcome.ACCEPTED);
        assertThat(TransactionSender.classify("Known transaction: 0xab")).isEqualTo(SendOutcome.ACCEPTED);
        assertThat(TransactionSender.classify("transaction already imported")).isEqualTo(SendOutcome.ACCEPTED);
    }

    @Test
    void aUsedNonceIsRecognisedInGethAndAnvilWording() {
        assertThat(TransactionSender.classify("nonce too low: next nonce 7, tx nonce 5"))
                .isEqualTo(SendOutcome.NONCE_USED);
        assertThat(TransactionSender.classify("Nonce has already been used")).isEqualTo(SendOutcome.NONCE_USED);
    }

    @Test
    void aReplacementUnderpricedIsToldApartFromAFirstSendUnderpriced() {
        assertThat(TransactionSender.classify("replacement transaction underpriced"))
                .isEqualTo(SendOutcome.REPLACEMENT_UNDERPRICED);
        assertThat(TransactionSender.classify("transaction underpriced")).isEqualTo(SendOutcome.UNDERPRICED);
    }

    @Test
    void anyOtherErrorIsARefusal() {
        assertThat(TransactionSender.classify("insufficient funds for gas * price + value"))
                .isEqualTo(SendOutcome.REFUSED);
        assertThat(TransactionSender.classify(null)).isEqualTo(SendOutcome.REFUSED);
    }

    @Test
    void aNonceUsedAfterOneVersionOrMinedPastIsTakenByAnotherSender() {
        // only our first version was signed: nothing of ours can hold the nonce
        assertThat(TransactionSender.nonceTakenByOther(1, 5, 5)).isTrue();
        // the chain mined past the nonce and no receipt of ours: another sender's transaction has it
        assertThat(TransactionSender.nonceTakenByOther(3, 6, 5)).isTrue();
        // a replacement was refused for a used nonce while the nonce is not mined yet: an earlier version of ours
        // may be the one in the pool, so keep waiting for its receipt
        assertThat(TransactionSender.nonceTakenByOther(2, 5, 5)).isFalse();
    }

    @Test
    void feesAreTheBaseFeeTimesTheMultiplierPlusThePriorityFee() {
        Fees f = Fees.of(GWEI.multiply(BigInteger.TEN), 2.0, GWEI);
        assertThat(f.maxPriority()).isEqualTo(GWEI);
        assertThat(f.maxFee()).isEqualTo(GWEI.multiply(BigInteger.valueOf(21)));
        assertThat(Fees.of(BigInteger.ZERO, 2.0, GWEI).maxFee()).isEqualTo(GWEI); // before EIP-1559 base fees
    }

    @Test
    void aReplacementRaisesBothFeesByThePercentRoundedUp() {
        Fees f = new Fees(BigInteger.valueOf(1_000), BigInteger.valueOf(1_001));
        Fees bumped = f.bump(10, new Fees(BigInteger.ONE, BigInteger.ONE));
        assertThat(bumped.maxPriority()).isEqualTo(BigInteger.valueOf(1_100));
        assertThat(bumped.maxFee()).isEqualTo(BigInteger.valueOf(1_102)); // 1101.1 rounded up: never below +10%
    }

    @Test
    void aReplacementPaysAtLeastTheCurrentFeesWhenTheBaseFeeRose() {
        Fees f = new Fees(BigInteger.valueOf(100), BigInteger.valueOf(200));
        Fees current = new Fees(BigInteger.valueOf(100), BigInteger.valueOf(5_000));
        Fees bumped = f.bump(20, current);
        assertThat(bumped.maxPriority()).isEqualTo(BigInteger.valueOf(120));
        assertThat(bumped.maxFee()).isEqualTo(BigInteger.valueOf(5_000));
    }

    @Test
    void theMaxFeeNeverFallsBelowThePriorityFee() {
        Fees f = new Fees(BigInteger.valueOf(1_000), BigInteger.valueOf(500));
        Fees bumped = f.bump(10, new Fees(BigInteger.ONE, BigInteger.ONE));
        assertThat(bumped.maxFee()).isGreaterThanOrEqualTo(bumped.maxPriority()).isEqualTo(BigInteger.valueOf(1_100));
    }
}
