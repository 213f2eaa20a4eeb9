package io.powerloom.sequencer.accounting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.powerloom.sequencer.chain.ProtocolStateDeployer;
import io.powerloom.sequencer.contracts.PowerloomProtocolState;
import java.io.PrintStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/**
 * The count audit of a replay: instead of sending the accounting stage's actions, compares them with what the
 * protocol-state contract holds, and {@link #report reports} the differences. Sends no transaction.
 *
 * <ul>
 *   <li>final: the day's {@code eligibleNodesForDay} equals the recomputed count, and every eligible slot holds its
 *       recomputed count and is rewarded for the day;</li>
 *   <li>periodic: every slot holds at least the recomputed count (a later update of the same day supersedes it).</li>
 * </ul>
 * Each slot (and each day's eligible-node count) is one slot-counts record with status {@code AUDIT_MATCH} or
 * {@code AUDIT_MISMATCH} and what differs in {@code detail}.
 */
public class CountAudit extends RichAsyncFunction<AccountingAction, SlotCount> {
    private static final long serialVersionUID = 1L;

    public static final String MATCH = "AUDIT_MATCH";
    public static final String MISMATCH = "AUDIT_MISMATCH";

    private final String rpcUrl;
    private final String protocolState;
    private transient Web3j web3j;
    private transient PowerloomProtocolState contract;

    public CountAudit(String rpcUrl, String protocolState) {
        this.rpcUrl = rpcUrl;
        this.protocolState = protocolState;
    }

    @Override
    public void open(OpenContext openContext) {
        web3j = Web3j.build(new HttpService(rpcUrl));
        contract = ProtocolStateDeployer.loadReadOnly(protocolState, web3j);
    }

    @Override
    public void close() {
        if (web3j != null) {
            web3j.shutdown();
        }
    }

    @Override
    public void asyncInvoke(AccountingAction a, ResultFuture<SlotCount> result) {
        BigInteger day = BigInteger.valueOf(a.day());
        boolean fin = a.kind() == AccountingAction.Kind.FINAL;
        List<CompletableFuture<BigInteger>> counts = new ArrayList<>();
        List<CompletableFuture<Boolean>> rewarded = new ArrayList<>();
        for (long slot : a.slotIds()) {
            BigInteger s = new BigInteger(Long.toUnsignedString(slot));
            counts.add(contract.slotSubmissionCount(a.dataMarket(), s, day).sendAsync());
            rewarded.add(
                    fin
                            ? contract.slotRewardedForDay(a.dataMarket(), s, day)
                                    .sendAsync()
                            : CompletableFuture.completedFuture(Boolean.TRUE));
        }
        CompletableFuture<BigInteger> eligible = fin
                ? contract.eligibleNodesForDay(a.dataMarket(), day).sendAsync()
                : CompletableFuture.completedFuture(BigInteger.ZERO);
        List<CompletableFuture<?>> all = new ArrayList<>(counts);
        all.addAll(rewarded);
        all.add(eligible);
        CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).whenComplete((v, error) -> {
            if (error != null) {
                result.completeExceptionally(new IllegalStateException(
                        "count audit of day " + a.day() + " failed: " + error.getMessage(), error));
                return;
            }
            List<SlotCount> out = new ArrayList<>();
            if (fin) {
                long onChain = eligible.join().longValue();
                boolean ok = onChain == a.eligibleNodes();
                out.add(new SlotCount(
                        a.dataMarket(),
                        a.day(),
                        -1,
                        a.eligibleNodes(),
                        a.kind(),
                        false,
                        a.quota(),
                        a.epochId(),
                        ok ? MATCH : MISMATCH,
                        null,
                        -1,
                        ok ? null : "eligibleNodesForDay on chain " + onChain,
                        -1));
            }
            for (int i = 0; i < a.slotIds().length; i++) {
                BigInteger chainCount = counts.get(i).join();
                BigInteger ours = new BigInteger(Long.toUnsignedString(a.counts()[i]));
                boolean ok;
                String detail = null;
                if (fin) {
                    ok = chainCount.equals(ours) && rewarded.get(i).join();
                    if (!ok) {
                        detail = "chain holds " + chainCount
                                + (rewarded.get(i).join() ? " (rewarded)" : " (not rewarded)");
                    }
                } else {
                    ok = chainCount.compareTo(ours) >= 0;
                    if (!ok) {
                        detail = "chain holds " + chainCount + ", less than recomputed";
                    }
                }
                out.add(new SlotCount(
                        a.dataMarket(),
                        a.day(),
                        a.slotIds()[i],
                        a.counts()[i],
                        a.kind(),
                        a.counts()[i] >= a.quota(),
                        a.quota(),
                        a.epochId(),
                        ok ? MATCH : MISMATCH,
                        null,
                        -1,
                        detail,
                        -1));
            }
            result.complete(out);
        });
    }

    /**
     * Prints the count audit's findings from the slot-counts records of a replay; returns the number of mismatches.
     *
     * @param records the replay's slot-counts topic, read committed
     */
    public static int report(List<? extends ConsumerRecord<?, byte[]>> records, String topic, PrintStream out)
            throws Exception {
        ObjectMapper json = new ObjectMapper();
        Map<String, Integer> byStatus = new TreeMap<>();
        int mismatches = 0;
        int days = 0;
        for (ConsumerRecord<?, byte[]> rec : records) {
            JsonNode n = json.readTree(rec.value());
            String status = n.path("status").asText();
            byStatus.merge(status, 1, Integer::sum);
            boolean dayRecord = "dayEligible".equals(n.path("type").asText());
            if (dayRecord) {
                days++;
            }
            if (MISMATCH.equals(status)) {
                mismatches++;
                out.printf(
                        "COUNT MISMATCH day %s %s: recomputed %s, %s%n",
                        n.path("day").asText(),
                        dayRecord
                                ? "eligible nodes"
                                : "slot " + n.path("slotId").asText() + " ("
                                        + n.path("kind").asText() + ")",
                        dayRecord
                                ? n.path("eligibleNodes").asText()
                                : n.path("count").asText(),
                        n.path("detail").asText());
            }
        }
        out.printf("count audit: %d days' final counts, records %s; results in topic %s%n", days, byStatus, topic);
        return mismatches;
    }
}
