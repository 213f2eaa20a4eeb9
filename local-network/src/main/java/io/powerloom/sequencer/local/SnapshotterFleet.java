package io.powerloom.sequencer.local;

import io.netty.buffer.Unpooled;
import io.powerloom.sequencer.bridge.collect.CollectProtocolHandler;
import io.powerloom.sequencer.libp2p.Connection;
import io.powerloom.sequencer.libp2p.Libp2pHost;
import io.powerloom.sequencer.libp2p.OutboundStream;
import io.powerloom.sequencer.contracts.PowerloomProtocolState;
import io.powerloom.sequencer.local.SimulatedSubmissions.Fault;
import io.powerloom.sequencer.local.SimulatedSubmissions.Planned;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.abi.EventEncoder;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;

/**
 * The simulated snapshotter nodes. Each slot is one node with its own libp2p host, which (like a local collector)
 * keeps one connection to the sequencer and a small pool of {@code /collect} streams, and writes several
 * submissions one after another on each stream. Both paths a local collector can take are used: even slots dial
 * the bridge's listener directly (as go-libp2p collectors on mainnet do, {@code /ip4/…/tcp/…/p2p/<bridge>}), odd
 * slots go through the relay ({@code <relay>/p2p-circuit/p2p/<bridge>}).
 *
 * <p>The fleet watches the protocol-state contract for {@code EpochReleased} events of its data market (polling
 * {@code eth_getLogs}); for every release each node plans its submissions ({@link SimulatedSubmissions#plan}) with
 * the chain head as {@code header}/{@code deadline}, and sends them at a random moment early in the window; a
 * {@link Fault#LATE} one is sent a few seconds after the window closed.
 */
public final class SnapshotterFleet implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotterFleet.class);
    private static final int STREAMS_PER_NODE = 2;

    private final Web3j web3j;
    private final String contractAddress;
    private final String dataMarket;
    private final String relayedTarget;
    private final String directTarget;
    private final SimulatedSubmissions submissions;
    private final int slots;
    private final int windowSeconds;
    private final Random rnd;
    private final List<Node> nodes = new ArrayList<>();
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "snapshotter-fleet");
        t.setDaemon(true);
        return t;
    });
    private final Map<Fault, AtomicLong> sent = new EnumMap<>(Fault.class);
    private final Map<Long, Map<Fault, AtomicLong>> sentPerEpoch = new ConcurrentHashMap<>();
    private final AtomicLong sendFailures = new AtomicLong();
    private final Map<Long, Boolean> seenEpochs = new ConcurrentHashMap<>();
    private long nextLogBlock;

    /**
     * @param relayAddress  the relay's multiaddr (ending in {@code /p2p/<relay id>})
     * @param directAddress the bridge's listen multiaddr (ending in {@code /p2p/<bridge id>})
     * @param bridgePeerId  the ingest bridge's peer ID
     * @param fromBlock     first block to look for releases in (the deployment block)
     */
    public SnapshotterFleet(Web3j web3j, String contractAddress, String dataMarket, String relayAddress,
                            String directAddress, String bridgePeerId,
                            SimulatedSubmissions submissions, int slots, int windowSeconds, long fromBlock, long seed) {
        this.web3j = web3j;
        this.contractAddress = contractAddress;
        this.dataMarket = dataMarket.toLowerCase(Locale.ROOT);
        this.relayedTarget = relayAddress + "/p2p-circuit/p2p/" + bridgePeerId;
        this.directTarget = directAddress;
        this.submissions = submissions;
        this.slots = slots;
        this.windowSeconds = windowSeconds;
        this.nextLogBlock = fromBlock;
        this.rnd = new Random(seed);
        for (Fault f : Fault.values()) {
            sent.put(f, new AtomicLong());
        }
    }

    /**
     * Starts one libp2p host per slot, dials the bridge through the relay from each and opens the stream pools,
     * then starts watching for epoch releases.
     *
     * @throws IllegalStateException when a node cannot reach the bridge within 60 s
     */
    public void start() {
        for (long s = 1; s <= slots; s++) {
            Node n = new Node(s);
            nodes.add(n);
            n.connect();
        }
        scheduler.scheduleWithFixedDelay(this::pollReleases, 0, 500, TimeUnit.MILLISECONDS);
    }

    /** Submissions written so far, by fault kind. */
    public Map<Fault, Long> sent() {
        Map<Fault, Long> out = new EnumMap<>(Fault.class);
        sent.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** Submissions of {@code epochId} written so far, by fault kind (kinds never sent are absent). */
    public Map<Fault, Long> sent(long epochId) {
        Map<Fault, Long> out = new EnumMap<>(Fault.class);
        sentPerEpoch.getOrDefault(epochId, Map.of()).forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** Submissions that could not be written (connection lost and not re-established in time). */
    public long sendFailures() {
        return sendFailures.get();
    }

    private void pollReleases() {
        try {
            long head = web3j.ethBlockNumber().send().getBlockNumber().longValue();
            if (head < nextLogBlock) {
                return;
            }
            EthFilter filter = new EthFilter(DefaultBlockParameter.valueOf(BigInteger.valueOf(nextLogBlock)),
                    DefaultBlockParameter.valueOf(BigInteger.valueOf(head)), contractAddress);
            filter.addSingleTopic(EventEncoder.encode(PowerloomProtocolState.EPOCHRELEASED_EVENT));
            EthLog logs = web3j.ethGetLogs(filter).send();
            if (logs.hasError()) {
                LOG.warn("eth_getLogs failed: {}", logs.getError().getMessage());
                return;
            }
            for (EthLog.LogResult<?> lr : logs.getLogs()) {
                Log log = (Log) lr.get();
                var ev = PowerloomProtocolState.getEpochReleasedEventFromLog(log);
                if (!dataMarket.equals(ev.dataMarketAddress.toLowerCase(Locale.ROOT))) {
                    continue;
                }
                long epoch = ev.epochId.longValue();
                if (seenEpochs.putIfAbsent(epoch, Boolean.TRUE) == null) {
                    try {
                        onRelease(epoch);
                    } catch (Exception e) {
                        seenEpochs.remove(epoch); // planned again at the next poll
                        throw e;
                    }
                }
            }
            nextLogBlock = head + 1;
        } catch (Exception e) {
            LOG.warn("watching for epoch releases: {}", e.toString());
        }
    }

    private void onRelease(long epoch) throws Exception {
        EthBlock.Block head = web3j.ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send().getBlock();
        long headNumber = head.getNumber().longValue();
        long deadlineBuffer = 2L * windowSeconds + 10;
        for (Node n : nodes) {
            List<Planned> planned;
            synchronized (rnd) {
                planned = submissions.plan(n.slotId, epoch, headNumber, head.getHash(), deadlineBuffer, rnd);
            }
            for (Planned p : planned) {
                long delayMs;
                synchronized (rnd) {
                    delayMs = p.fault() == Fault.LATE ? (windowSeconds + 6) * 1000L + rnd.nextInt(2000)
                            : 300 + rnd.nextInt(Math.max(1, Math.min(3000, windowSeconds * 200)));
                }
                scheduler.schedule(() -> n.send(epoch, p), delayMs, TimeUnit.MILLISECONDS);
            }
        }
        LOG.info("epoch {} released: {} snapshotter nodes submit (head block {})", epoch, nodes.size(), headNumber);
    }

    /** Stops watching and sending, and closes every node's host. */
    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Node n : nodes) {
            n.close();
        }
    }

    /** How many nodes dial the bridge directly (the others go through the relay). */
    public int directNodes() {
        return slots / 2;
    }

    /** One snapshotter node: a libp2p host with a direct or relayed connection to the bridge and a pool of streams. */
    private final class Node {
        final long slotId;
        final String target;
        final Libp2pHost host;
        Connection connection;
        final List<OutboundStream> streams = new ArrayList<>();
        int next;
        volatile boolean closed;

        Node(long slotId) {
            this.slotId = slotId;
            this.target = slotId % 2 == 0 ? directTarget : relayedTarget;
            this.host = Libp2pHost.builder().eventLoopThreads(1).agentVersion("local-network-snapshotter/" + slotId).build();
            try {
                host.start().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("snapshotter " + slotId + ": libp2p host did not start: " + e, e);
            }
        }

        synchronized void connect() {
            Exception last = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!closed && System.nanoTime() < deadline) {
                try {
                    streams.clear();
                    connection = host.dial(target).get(20, TimeUnit.SECONDS);
                    for (int i = 0; i < STREAMS_PER_NODE; i++) {
                        streams.add(connection.openStream(CollectProtocolHandler.PROTOCOL).get(20, TimeUnit.SECONDS));
                    }
                    return;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("snapshotter " + slotId + ": interrupted while connecting", e);
                } catch (Exception e) {
                    last = e;
                    LOG.warn("snapshotter {}: dial {} failed, retrying: {}", slotId, target, e.toString());
                    try {
                        Thread.sleep(500);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("snapshotter " + slotId + ": interrupted while connecting", ie);
                    }
                }
            }
            throw new IllegalStateException("snapshotter " + slotId + " cannot reach the bridge at " + target
                    + (closed ? " (closed)" : ": " + last), last);
        }

        synchronized void send(long epoch, Planned p) {
            for (int attempt = 0; attempt < 2; attempt++) {
                try {
                    if (connection == null || !connection.isOpen() || streams.isEmpty()) {
                        connect();
                    }
                    OutboundStream s = streams.get(next++ % streams.size());
                    s.write(Unpooled.wrappedBuffer(p.frame())).get(10, TimeUnit.SECONDS);
                    sent.get(p.fault()).incrementAndGet();
                    sentPerEpoch.computeIfAbsent(epoch, k -> new ConcurrentHashMap<>())
                            .computeIfAbsent(p.fault(), k -> new AtomicLong()).incrementAndGet();
                    return;
                } catch (Exception e) {
                    if (closed || Thread.currentThread().isInterrupted()) {
                        return;
                    }
                    LOG.warn("snapshotter {}: write failed ({}), reconnecting", slotId, e.toString());
                    connection = null;
                }
            }
            sendFailures.incrementAndGet();
        }

        /** Not synchronized: a send stuck in a dial must not hold up the stop (closing the host ends the dial). */
        void close() {
            closed = true;
            try {
                host.close();
            } catch (RuntimeException e) {
                LOG.debug("closing snapshotter {}: {}", slotId, e.toString());
            }
        }
    }
}
