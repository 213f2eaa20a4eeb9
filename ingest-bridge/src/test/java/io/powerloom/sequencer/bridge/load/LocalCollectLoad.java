package io.powerloom.sequencer.bridge.load;

/**
 * Runs {@link CollectLoadDriver} against a local real broker ({@link LocalLoadBroker}: {@code --broker},
 * {@code --partitions}); the remaining arguments go to the driver.
 *
 * <pre>
 * mvn -B -o -pl ingest-bridge -am -Pload verify -DskipTests -Dload.args="--streams 1000 --submissions 300000"
 * </pre>
 */
public final class LocalCollectLoad {
    private LocalCollectLoad() {}

    public static void main(String[] args) throws Exception {
        LocalLoadBroker.run(
                args,
                rest -> CollectLoadDriver.run(CollectLoadDriver.Options.parse(rest.toArray(String[]::new))),
                r -> r.accepted() == r.submissions());
    }
}
