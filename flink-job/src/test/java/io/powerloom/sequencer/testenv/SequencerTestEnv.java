package io.powerloom.sequencer.testenv;

import io.powerloom.sequencer.infra.anvil.Anvil;
import io.powerloom.sequencer.infra.anvil.AnvilExtension;
import io.powerloom.sequencer.infra.ipfs.IpfsExtension;
import io.powerloom.sequencer.infra.kafka.KafkaExtension;
import io.powerloom.sequencer.job.Snapshotters;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Everything the job's ITCases run against, as one JUnit 5 extension for a test class (on a static field): a real
 * Kafka broker ({@link KafkaExtension}), Anvil ({@link AnvilExtension}, the chain the tests deploy the protocol-state
 * contract on with {@code chain.testenv.TestChain}, see {@code job.TestNetwork} and {@code golden.GoldenNetwork}), a
 * Helia IPFS node ({@link IpfsExtension}) and a Flink MiniCluster ({@link FlinkTestCluster#miniCluster}). They start
 * in that order before all tests and stop in the reverse order after them; a test that does not need IPFS or the
 * MiniCluster leaves them out.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final SequencerTestEnv ENV = SequencerTestEnv.builder().slots(4).build();
 * static final KafkaExtension KAFKA = ENV.kafka();
 * ...
 * new TestNetwork(ENV, scenario);
 * }</pre>
 *
 * Test methods can take what the parts inject: the {@link Anvil}, a {@code @InjectMiniCluster MiniCluster}, ....
 */
public final class SequencerTestEnv
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {
    private final KafkaExtension kafka;
    private final AnvilExtension chain;
    private final IpfsExtension ipfs;
    private final MiniClusterExtension flink;
    /** The parts, in start order. */
    private final List<Extension> parts = new ArrayList<>();
    /** The parts started so far, the last started first. */
    private final Deque<Extension> started = new ArrayDeque<>();

    private SequencerTestEnv(Builder b) {
        kafka = new KafkaExtension();
        chain = new AnvilExtension(Anvil.builder().chainId(b.chainId));
        ipfs = b.ipfs ? new IpfsExtension() : null;
        flink = b.slots > 0 ? FlinkTestCluster.miniCluster(b.slots) : null;
        parts.add(kafka);
        parts.add(chain);
        if (ipfs != null) {
            parts.add(ipfs);
        }
        if (flink != null) {
            parts.add(flink);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The Kafka broker, with its topic, producer and reading helpers. */
    public KafkaExtension kafka() {
        return kafka;
    }

    /** The chain (only while the tests run). */
    public Anvil anvil() {
        return chain.anvil();
    }

    /** The IPFS node; absent when built {@link Builder#withoutIpfs()}. */
    public IpfsExtension ipfs() {
        if (ipfs == null) {
            throw new IllegalStateException("this environment was built without IPFS");
        }
        return ipfs;
    }

    /** The IPFS node's Kubo RPC root, as the job's {@code sequencer.ipfs.api-url} takes it. */
    public String ipfsApi() {
        return ipfs().apiUri().toString();
    }

    /** The MiniCluster; absent when built {@link Builder#withoutMiniCluster()}. */
    public MiniClusterExtension miniCluster() {
        if (flink == null) {
            throw new IllegalStateException("this environment was built without a MiniCluster");
        }
        return flink;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        for (Extension part : parts) {
            ((BeforeAllCallback) part).beforeAll(context);
            started.push(part);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        Exception failure = null;
        while (!started.isEmpty()) {
            try {
                ((AfterAllCallback) started.pop()).afterAll(context);
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        if (started.isEmpty()) {
            throw new IllegalStateException(
                    "SequencerTestEnv starts its systems once per class: register it on a static field");
        }
        for (Extension part : parts) {
            if (part instanceof BeforeEachCallback each) {
                each.beforeEach(context);
            }
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        for (int i = parts.size() - 1; i >= 0; i--) {
            if (parts.get(i) instanceof AfterEachCallback each) {
                each.afterEach(context);
            }
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return resolver(parameter, context) != null;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return resolver(parameter, context).resolveParameter(parameter, context);
    }

    private ParameterResolver resolver(ParameterContext parameter, ExtensionContext context) {
        for (Extension part : parts) {
            if (part instanceof ParameterResolver r && r.supportsParameter(parameter, context)) {
                return r;
            }
        }
        return null;
    }

    /** What the environment holds besides Kafka and the chain. */
    public static final class Builder {
        private long chainId = Snapshotters.CHAIN_ID;
        private boolean ipfs = true;
        private int slots = 2;

        private Builder() {}

        /** The chain id Anvil runs with ({@link Snapshotters#CHAIN_ID}, the fixtures' EIP-712 domain, unless set). */
        public Builder chainId(long chainId) {
            this.chainId = chainId;
            return this;
        }

        /** Slots of the MiniCluster's one TaskManager: the highest parallelism the tests run the job at. */
        public Builder slots(int slots) {
            if (slots < 1) {
                throw new IllegalArgumentException("slots must be at least 1: " + slots);
            }
            this.slots = slots;
            return this;
        }

        /** No IPFS node (for a job run without anchoring). */
        public Builder withoutIpfs() {
            this.ipfs = false;
            return this;
        }

        /** No MiniCluster (for tests that submit the job elsewhere, e.g. to a standalone cluster). */
        public Builder withoutMiniCluster() {
            this.slots = 0;
            return this;
        }

        public SequencerTestEnv build() {
            return new SequencerTestEnv(this);
        }
    }
}
