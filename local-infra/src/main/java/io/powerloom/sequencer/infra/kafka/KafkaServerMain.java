package io.powerloom.sequencer.infra.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Entry point of the broker JVM that {@link KafkaBroker} starts: formats the log folder with
 * {@code kafka.tools.StorageTool format} on first use, then runs {@code kafka.Kafka server.properties}.
 *
 * <p>A watchdog thread reads standard input and exits the JVM (through Kafka's own shutdown hook, so the
 * broker stops cleanly) when it closes, i.e. when the parent JVM is gone: no broker outlives its test run.
 *
 * <p>Arguments: {@code <server.properties> <cluster id> <log dir> [--no-stdin-watchdog]}.
 */
public final class KafkaServerMain {
    private KafkaServerMain() {}

    /** Formats when needed and runs the broker until SIGTERM or until standard input closes. */
    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println(
                    "usage: KafkaServerMain <server.properties> <cluster id> <log dir> [--no-stdin-watchdog]");
            System.exit(2);
        }
        String properties = args[0];
        String clusterId = args[1];
        Path logDir = Paths.get(args[2]);
        boolean watchdog = !(args.length > 3 && "--no-stdin-watchdog".equals(args[3]));

        if (!Files.exists(logDir.resolve("meta.properties"))) {
            PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
            int rc = kafka.tools.StorageTool.execute(new String[] {"format", "-t", clusterId, "-c", properties}, out);
            if (rc != 0) {
                System.err.println("kafka storage format failed with code " + rc);
                System.exit(rc);
            }
        }
        if (watchdog) {
            Thread t = new Thread(KafkaServerMain::exitWhenStdinCloses, "parent-watchdog");
            t.setDaemon(true);
            t.start();
        }
        kafka.Kafka.main(new String[] {properties});
    }

    private static void exitWhenStdinCloses() {
        InputStream in = System.in;
        byte[] buf = new byte[256];
        try {
            while (in.read(buf) >= 0) {
                // the parent writes nothing; we only wait for end of stream
            }
        } catch (IOException ignored) {
            // a broken pipe means the parent is gone too
        }
        System.err.println("parent process gone (stdin closed): stopping the broker");
        System.exit(0);
    }
}
