package io.powerloom.sequencer.bridge.load;

import java.util.HashMap;
import java.util.Map;

/**
 * Runs {@link GossipLoadDriver} against a local real broker ({@link LocalLoadBroker}: {@code --broker},
 * {@code --partitions}); the remaining arguments go to the driver.
 *
 * <pre>
 * mvn -B -o -pl ingest-bridge -am -Pgossip-load verify -DskipTests -Dload.args="--publishers 8 --submissions 300000"
 * </pre>
 */
public final class LocalGossipLoad {
    private LocalGossipLoad() {}

    public static void main(String[] args) throws Exception {
        LocalLoadBroker.run(args, rest -> {
            Map<String, String> m = new HashMap<>();
            Map<String, String> bridge = new HashMap<>();
            for (int i = 0; i + 1 < rest.size(); i += 2) {
                if (rest.get(i).equals("--bridge")) {
                    String[] kv = rest.get(i + 1).split("=", 2);
                    bridge.put(kv[0], kv[1]);
                } else {
                    m.put(rest.get(i).substring(2), rest.get(i + 1));
                }
            }
            return GossipLoadDriver.run(m.get("bootstrap"),
                    Integer.parseInt(m.getOrDefault("publishers", "8")),
                    Long.parseLong(m.getOrDefault("submissions", "300000")),
                    Long.parseLong(m.getOrDefault("warmup", "50000")),
                    Integer.parseInt(m.getOrDefault("distinct", "20000")),
                    Integer.parseInt(m.getOrDefault("max-outstanding", "4000")), bridge);
        }, r -> r.accepted() == r.submissions());
    }
}
