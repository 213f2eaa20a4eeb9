package io.powerloom.sequencer.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.powerloom.sequencer.chain.ProtocolStateDeployer;
import io.powerloom.sequencer.contracts.PowerloomProtocolState;
import io.powerloom.sequencer.local.SimulatedSubmissions.Fault;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/**
 * The whole local network in this JVM with small settings (4 slots, 6 projects, 10 s windows, a fifth of the
 * submissions faulty): the web UI shows the running job, epochs are finalized, their batches committed on chain with
 * the CIDs the honest snapshotters computed, faulty submissions are rejected for their reasons, and after
 * {@link LocalNetwork#close()} no child process is left.
 */
class LocalNetworkITCase {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Reasons the planted faults cause; any other rejection means honest input was refused. */
    static final Set<String> FAULT_REASONS = Set.of("SIGNER_NOT_SLOT_OWNER", "SLOT_NOT_REGISTERED", "LATE");

    @Test
    void runsEndToEndAndStopsEverything() throws Exception {
        LocalNetworkOptions options = LocalNetworkOptions.parse(new String[] {
            "--slots",
            "4",
            "--full-nodes",
            "3",
            "--projects",
            "6",
            "--batch-size",
            "4",
            "--window-seconds",
            "10",
            "--epoch-interval",
            "12s",
            "--faulty-share",
            "0.2",
            "--web-port",
            "0",
            "--parallelism",
            "1",
            "--data-dir",
            Path.of("target/local-network-it").toString()
        });
        List<String> console = Collections.synchronizedList(new ArrayList<>());
        long t0 = System.currentTimeMillis();
        LocalNetwork net = LocalNetwork.start(options, line -> {
            console.add(line);
            System.out.println("[local-network] " + line);
        });
        try {
            // the web UI answers and shows the job running
            JsonNode overview = JSON.readTree(get(net.webUrl() + "/overview"));
            assertThat(overview.get("jobs-running").asInt()).isEqualTo(1);

            // wait for two completed epochs and some rejections
            long deadline = System.currentTimeMillis() + Duration.ofSeconds(120).toMillis();
            while (System.currentTimeMillis() < deadline
                    && (net.progress().completedEpochs() < 2
                            || net.progress().rejectedTotals().isEmpty())) {
                Thread.sleep(500);
            }
            System.out.printf(
                    "first committed batch %.1f s after start; sent %s; rejected %s%n",
                    (net.progress().firstCommitAtMs() - t0) / 1000.0,
                    net.fleet().sent(),
                    net.progress().rejectedTotals());
            assertThat(net.progress().completedEpochs())
                    .as("completed epochs; console:\n%s", String.join("\n", console))
                    .isGreaterThanOrEqualTo(2);
            // both paths of a local collector: /collect nodes of even slots dial the bridge directly, those of odd
            // slots
            // through the relay (gossipsub-only nodes do not use /collect)
            assertThat(net.fleet().directNodes())
                    .as("/collect nodes dialing directly")
                    .isGreaterThanOrEqualTo(1);
            assertThat(net.fleet().relayedNodes())
                    .as("/collect nodes dialing through the relay")
                    .isGreaterThanOrEqualTo(1);
            assertThat(net.bridge().host().stats().relayedConnections())
                    .as("relayed connections")
                    .isEqualTo((int) net.fleet().relayedNodes());
            assertThat(net.bridge().host().stats().openConnections())
                    .as("all connections")
                    .isGreaterThanOrEqualTo(4);

            // on chain: epoch 1's batches are there, with the CIDs honest snapshotters computed, and the epoch is
            // closed
            Web3j web3j = Web3j.build(new HttpService(net.rpcUrl()));
            try {
                PowerloomProtocolState contract = ProtocolStateDeployer.load(
                        net.contractAddress(),
                        web3j,
                        Credentials.create("0x" + "11".repeat(32)),
                        LocalNetwork.CHAIN_ID);
                String market = LocalNetwork.DATA_MARKET;
                for (long epoch = 1; epoch <= 2; epoch++) {
                    BigInteger e = BigInteger.valueOf(epoch);
                    assertThat(contract.batchSubmissionsCompleted(market, e).send())
                            .as("epoch %d completed", epoch)
                            .isTrue();
                    @SuppressWarnings("unchecked")
                    List<Object> cids = contract.epochIdToBatchCids(market, e).send();
                    assertThat(cids).as("batch CIDs of epoch %d", epoch).hasSize(2); // 6 projects, 4 per batch
                    for (int p = 0; p < 6; p++) {
                        String project = SimulatedSubmissions.projectId(p);
                        assertThat(contract.maxSnapshotsCid(market, project, e).send())
                                .as("finalized CID of %s in epoch %d", project, epoch)
                                .isEqualTo(SimulatedSubmissions.snapshotCid(epoch, project));
                    }
                }
            } finally {
                web3j.shutdown();
            }
            assertThat(console)
                    .anyMatch(l -> l.matches("batch 1/2 of epoch 1 committed: cid=baf\\S+ tx=0x[0-9a-f]{64}.*"));
            assertThat(console).anyMatch(l -> l.matches("epoch 1 completed: tx=0x[0-9a-f]{64}"));
            assertThat(console).anyMatch(l -> l.startsWith("epoch 1 finalized: 6 projects (0 unfinalized)"));

            // every planted fault of epochs 1 and 2 was rejected for its reason, and nothing else was
            long waitUntil = System.currentTimeMillis() + 30_000;
            while (System.currentTimeMillis() < waitUntil
                    && !(faultsMatch(net, 1) && faultsMatch(net, 2) && malformedMatch(net))) {
                Thread.sleep(500);
            }
            long planted = 0;
            for (long epoch = 1; epoch <= 2; epoch++) {
                Map<String, Integer> expected =
                        expectedRejections(net.fleet().sent(epoch), net.fleet().sentDistinct(epoch));
                planted +=
                        expected.values().stream().mapToInt(Integer::intValue).sum();
                assertThat(net.progress().rejectedOfEpoch(epoch))
                        .as("rejections of epoch %d", epoch)
                        .isEqualTo(expected);
            }
            assertThat(planted).as("faults planted in epochs 1 and 2").isPositive();
            assertThat(net.progress().rejectedTotals().getOrDefault("bridge:missing_field", 0L))
                    .isEqualTo(net.fleet().sentVia("collect").getOrDefault(Fault.MALFORMED, 0L));
            assertThat(net.progress().rejectedTotals().getOrDefault("bridge:gossip_missing_field", 0L))
                    .isEqualTo(net.fleet().sentVia("gossip").getOrDefault(Fault.MALFORMED, 0L));
            // slot 3 publishes by gossipsub only, slot 2 by both paths, slots 1 and 4 by /collect only
            assertThat(net.fleet().nodesByPath())
                    .containsEntry(SnapshotterFleet.SubmitPath.GOSSIP, 1L)
                    .containsEntry(SnapshotterFleet.SubmitPath.BOTH, 1L)
                    .containsEntry(SnapshotterFleet.SubmitPath.COLLECT, 2L);
            assertThat(net.fleet().sentVia("gossip").values().stream()
                            .mapToLong(Long::longValue)
                            .sum())
                    .isPositive();
            Set<String> jobReasons = net.progress().rejectedTotals().keySet().stream()
                    .filter(r -> !r.startsWith("bridge:"))
                    .collect(Collectors.toSet());
            assertThat(FAULT_REASONS).containsAll(jobReasons);
            assertThat(net.fleet().sendFailures()).isZero();
        } finally {
            net.close();
        }
        // nothing left running: Kafka JVM, Anvil, relay, IPFS node
        long deadline = System.currentTimeMillis() + 15_000;
        List<ProcessHandle> alive = children();
        while (!alive.isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
            alive = children();
        }
        assertThat(alive).as("child processes after close").isEmpty();
        assertThat(console).contains("local network stopped");
    }

    /** The job's rejections the planted faults of one epoch must cause (malformed ones stop at the bridge). */
    static Map<String, Integer> expectedRejections(Map<Fault, Long> sent, Map<Fault, Long> distinct) {
        Map<String, Integer> m = new TreeMap<>();
        // forged and unregistered copies are refused before de-duplication, once per copy; a late submission passes
        // verify once (its copy is dropped there) and is rejected as LATE once
        Map<Fault, Long> counted = new java.util.EnumMap<>(sent);
        counted.put(Fault.LATE, distinct.getOrDefault(Fault.LATE, 0L));
        counted.forEach((fault, n) -> {
            String reason = switch (fault) {
                case FORGED_SIGNATURE -> "SIGNER_NOT_SLOT_OWNER";
                case UNREGISTERED_SLOT -> "SLOT_NOT_REGISTERED";
                case LATE -> "LATE";
                default -> null;
            };
            if (reason != null && n > 0) {
                m.put(reason, n.intValue());
            }
        });
        return m;
    }

    static boolean faultsMatch(LocalNetwork net, long epoch) {
        return net.progress()
                .rejectedOfEpoch(epoch)
                .equals(expectedRejections(net.fleet().sent(epoch), net.fleet().sentDistinct(epoch)));
    }

    static boolean malformedMatch(LocalNetwork net) {
        return net.progress()
                        .rejectedTotals()
                        .getOrDefault("bridge:missing_field", 0L)
                        .equals(net.fleet().sentVia("collect").getOrDefault(Fault.MALFORMED, 0L))
                && net.progress()
                        .rejectedTotals()
                        .getOrDefault("bridge:gossip_missing_field", 0L)
                        .equals(net.fleet().sentVia("gossip").getOrDefault(Fault.MALFORMED, 0L));
    }

    static List<ProcessHandle> children() {
        return ProcessHandle.current()
                .descendants()
                .filter(ProcessHandle::isAlive)
                .collect(Collectors.toList());
    }

    static String get(String url) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(url))
                                .timeout(Duration.ofSeconds(10))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET %s", url).isEqualTo(200);
        return r.body();
    }
}
