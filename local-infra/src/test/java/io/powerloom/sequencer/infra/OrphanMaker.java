package io.powerloom.sequencer.infra;

import io.powerloom.sequencer.infra.ipfs.IpfsNode;
import io.powerloom.sequencer.infra.kafka.KafkaBroker;
import java.nio.file.Path;

/**
 * Test helper run as a JVM of its own by {@link NoOrphansITCase}: starts a component, prints its process id, then
 * dies abruptly ({@code Runtime.halt}: no shutdown hooks, no close), as a test JVM killed by a time-out would.
 */
public final class OrphanMaker {
    private OrphanMaker() {}

    /** Arguments: {@code ipfs|kafka <work dir>}. */
    public static void main(String[] args) {
        Path dir = Path.of(args[1]);
        long pid;
        if ("ipfs".equals(args[0])) {
            pid = IpfsNode.start(dir).pid();
        } else {
            pid = KafkaBroker.builder(dir).build().start().pid();
        }
        System.out.println("child-pid=" + pid);
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }
}
