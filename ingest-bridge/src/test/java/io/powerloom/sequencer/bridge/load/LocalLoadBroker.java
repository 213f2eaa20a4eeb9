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
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * What {@link LocalCollectLoad} and {@link LocalGossipLoad} share: starts Kafka (its own JVM by default,
 * {@code --broker in-process} for the in-process one), creates the topics ({@code --partitions}, default 12), runs a
 * load driver with the remaining arguments preceded by {@code --bootstrap <servers>}, prints {@code RESULT <result>},
 * stops the broker and exits 0 when every submission was accepted, else 1.
 */
final class LocalLoadBroker {
    private LocalLoadBroker() {}

    /** A load driver run on the driver arguments (starting with {@code --bootstrap <servers>}). */
    @FunctionalInterface
    interface Driver<R> {
        R run(List<String> args) throws Exception;
    }

    static <R> void run(String[] args, Driver<R> driver, Predicate<R> allAccepted) throws Exception {
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
        LocalKafka kafka = brokerMode.equals("in-process")
                ? InProcessKafka.start()
                : KafkaBroker.builder(dataDir).build().start();
        int code;
        try {
            try (Admin admin =
                    Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                admin.createTopics(List.of(
                                new NewTopic("submissions", partitions, (short) 1),
                                new NewTopic("submissions-rejected", 1, (short) 1)))
                        .all()
                        .get(60, TimeUnit.SECONDS);
            }
            rest.add(0, "--bootstrap");
            rest.add(1, kafka.bootstrapServers());
            System.out.println("broker " + brokerMode + " at " + kafka.bootstrapServers() + ", " + partitions
                    + " partitions; driver args " + rest);
            R r = driver.run(rest);
            System.out.println("RESULT " + r);
            code = allAccepted.test(r) ? 0 : 1;
        } finally {
            kafka.close();
            TempDirs.deleteRecursively(dataDir);
        }
        System.exit(code);
    }
}
