package io.powerloom.sequencer.bridge.load;

import io.powerloom.sequencer.infra.TempDirs;
import io.powerloom.sequencer.infra.kafka.InProcessKafka;
import io.powerloom.sequencer.infra.kafka.KafkaBroker;
import io.powerloom.sequencer.infra.kafka.LocalKafka;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Runs {@link GossipLoadDriver} against a local real broker: starts Kafka (its own JVM by default,
 * {@code --broker in-process} for the in-process one), creates the topics ({@code --partitions}, default 12),
 * runs the driver with the remaining arguments, stops the broker.
 *
 * <pre>
 * mvn -B -o -pl ingest-bridge -am -Pgossip-load verify -DskipTests -Dload.args="--publishers 8 --submissions 300000"
 * </pre>
 */
public final class LocalGossipLoad {
    private LocalGossipLoad() {}

    public static void main(String[] args) throws Exception {
        String brokerMode = "own-jvm";
        int partitions = 12;
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--broker") && i + 1 < args.length) {
                brokerMode = args[++i];
            } else if (args[i].equals("--partitions") && i + 1 < args.length) {
                partitions = Integer.parseInt(args[++i]);
            } else {
                rest.add(args[i]);
            }
        }
        Path dataDir = TempDirs.create("load-kafka-");
        LocalKafka kafka = brokerMode.equals("in-process") ? InProcessKafka.start()
                : KafkaBroker.builder(dataDir).build().start();
        int code;
        try {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    kafka.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("submissions", partitions, (short) 1),
                        new NewTopic("submissions-rejected", 1, (short) 1))).all().get(60, TimeUnit.SECONDS);
            }
            rest.add(0, "--bootstrap");
            rest.add(1, kafka.bootstrapServers());
            System.out.println("broker " + brokerMode + " at " + kafka.bootstrapServers() + ", " + partitions
                    + " partitions; driver args " + rest);
            Map<String, String> m = new java.util.HashMap<>();
            Map<String, String> bridge = new java.util.HashMap<>();
            for (int i = 0; i + 1 < rest.size(); i += 2) {
                if (rest.get(i).equals("--bridge")) {
                    String[] kv = rest.get(i + 1).split("=", 2);
                    bridge.put(kv[0], kv[1]);
                } else {
                    m.put(rest.get(i).substring(2), rest.get(i + 1));
                }
            }
            GossipLoadDriver.Result r = GossipLoadDriver.run(m.get("bootstrap"),
                    Integer.parseInt(m.getOrDefault("publishers", "8")),
                    Long.parseLong(m.getOrDefault("submissions", "300000")),
                    Long.parseLong(m.getOrDefault("warmup", "50000")),
                    Integer.parseInt(m.getOrDefault("distinct", "20000")),
                    Integer.parseInt(m.getOrDefault("max-outstanding", "4000")), bridge);
            System.out.println("RESULT " + r);
            code = r.accepted() == r.submissions() ? 0 : 1;
        } finally {
            kafka.close();
            TempDirs.deleteRecursively(dataDir);
        }
        System.exit(code);
    }
}
