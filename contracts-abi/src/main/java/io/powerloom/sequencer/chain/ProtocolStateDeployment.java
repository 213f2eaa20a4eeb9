package io.powerloom.sequencer.chain;

import io.powerloom.sequencer.contracts.PowerloomProtocolState;
import java.math.BigInteger;
import java.util.Map;

/**
 * What {@link ProtocolStateDeployer#deploy(DataMarketConfig, long, java.util.List)} set up.
 *
 * @param contractAddress the protocol-state contract's address (the EIP-712 verifyingContract)
 * @param contract        wrapper bound to the deployer's (owner's) credentials
 * @param market          the data market created on it
 * @param slots           slot id to snapshotter address, as registered
 * @param deployBlock     the block that holds the deployment (where a chain watcher can start)
 */
public record ProtocolStateDeployment(
        String contractAddress,
        PowerloomProtocolState contract,
        DataMarketConfig market,
        Map<Long, String> slots,
        BigInteger deployBlock) {

    /** Immutable copy of the slots. */
    public ProtocolStateDeployment {
        slots = Map.copyOf(slots);
    }
}
