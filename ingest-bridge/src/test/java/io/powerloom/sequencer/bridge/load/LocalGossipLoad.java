package io.powerloom.sequencer.bridge.load;

/**
 * Runs {@link GossipLoadDriver} against a local real broker ({@link LocalLoadBroker}: {@code --broker},
 * {@code --partitions}); the remaining arguments go to the driver.
 *
 * <pre>
 * mvn -B -ntp -pl ingest-bridge -am -Pgossip-load verify -DskipTests -Dload.args="--publishers 8 --submissions 200000"
 * </pre>
 */
public final class LocalGossipLoad {
    private LocalGossipLoad() {}

    public static void main(String[] args) throws Exception {
        LocalLoadBroker.run(
                args,
                rest -> {
                    GossipLoadDriver.Result r = GossipLoadDriver.run(GossipLoadDriver.parseArgs(rest));
                    System.out.println(r.summary());
                    return r;
                },
                r -> r.accepted() == r.submissions());
    }
}
