package io.powerloom.sequencer.infra.kafka;

import io.powerloom.sequencer.infra.FreePorts;
import io.powerloom.sequencer.infra.ManagedProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;

/**
 * A real Kafka broker (KRaft, combined broker+controller, node id 1) in its own JVM on 127.0.0.1.
 *
 * <p>The child JVM runs {@link KafkaServerMain}: {@code kafka.tools.StorageTool format} on first use of the data
 * folder, then {@code kafka.Kafka server.properties}. Everything it writes (configuration, log segments, its
 * log file {@code broker.log}) stays in the data folder, so a broker started again over the same folder finds
 * its topics, offsets and cluster id, and reuses its ports when they are still free. Internal topics use
 * replication factor 1 and min ISR 1; topics are not created automatically.
 *
 * <pre>{@code
 * try (KafkaBroker broker = KafkaBroker.builder(dataDir).build().start()) {
 *     String bootstrap = broker.bootstrapServers();
 * }
 * }</pre>
 */
public final class KafkaBroker implements LocalKafka {
    private static final int NODE_ID = 1;

    private final Path dataDir;
    private final String classpath;
    private final String maxHeap;
    private final Duration startTimeout;
    private final Map<String, String> extraSettings;
    private final int requestedBrokerPort;
    private int brokerPort;
    private int controllerPort;
    private ManagedProcess process;

    private KafkaBroker(Builder b) {
        this.dataDir = b.dataDir.toAbsolutePath();
        this.classpath = absoluteClasspath(b.classpath);
        this.maxHeap = b.maxHeap;
        this.startTimeout = b.startTimeout;
        this.extraSettings = Map.copyOf(b.settings);
        this.requestedBrokerPort = b.port;
    }

    /**
     * Runs a broker until Ctrl-C, for the local network: {@code KafkaBroker <data dir> [port]}. Prints
     * {@code kafka ready bootstrap.servers=127.0.0.1:<port>} once clients can connect.
     */
    public static void main(String[] args) throws InterruptedException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: KafkaBroker <data dir> [port]");
            System.exit(2);
        }
        Builder builder = builder(Paths.get(args[0]));
        if (args.length == 2) {
            builder.port(Integer.parseInt(args[1]));
        }
        KafkaBroker broker = builder.build().start();
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "kafka-broker-stop"));
        System.out.println("kafka ready bootstrap.servers=" + broker.bootstrapServers() + " data=" + broker.dataDir());
        Thread.currentThread().join();
    }

    /** A builder for a broker whose data (log segments, configuration, log file) lives in {@code dataDir}. */
    public static Builder builder(Path dataDir) {
        return new Builder(dataDir);
    }

    /**
     * Writes the configuration, starts the broker JVM and waits until its port answers and an admin client sees
     * node 1 in the cluster.
     *
     * @throws IllegalStateException when already running, or when the broker exits or is not ready in time (the
     *                               message carries the end of its log)
     */
    public synchronized KafkaBroker start() {
        if (process != null) {
            throw new IllegalStateException("broker in " + dataDir + " is already running");
        }
        String clusterId = clusterId();
        choosePorts(false);
        try {
            process = launch(clusterId);
        } catch (IllegalStateException e) {
            // a port picked here was taken by another process before the broker bound it: pick new ones, once
            boolean portTaken = e.getMessage() != null && e.getMessage().contains("Address already in use");
            if (!portTaken || requestedBrokerPort != 0) {
                throw e;
            }
            choosePorts(true);
            process = launch(clusterId);
        }
        return this;
    }

    private ManagedProcess launch(String clusterId) {
        Path logDir = dataDir.resolve("kraft-logs");
        Path configDir = dataDir.resolve("config");
        Path serverProperties = configDir.resolve("server.properties");
        Path log4j = configDir.resolve("log4j2.properties");
        write(serverProperties, serverProperties(logDir));
        write(log4j, log4jProperties());
        mkdirs(dataDir.resolve("tmp"));

        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xms128m");
        command.add("-Xmx" + maxHeap);
        command.add("-XX:+UseG1GC");
        command.add("-XX:MaxGCPauseMillis=20");
        command.add("-Djava.awt.headless=true");
        command.add("-Djava.io.tmpdir=" + dataDir.resolve("tmp"));
        command.add("-Dlog4j2.configurationFile=" + log4j.toUri());
        command.add("-cp");
        command.add(classpath);
        command.add(KafkaServerMain.class.getName());
        command.add(serverProperties.toString());
        command.add(clusterId);
        command.add(logDir.toString());

        ManagedProcess started =
                ManagedProcess.start("kafka-broker:" + brokerPort, command, dataDir, dataDir.resolve("broker.log"));
        Admin[] admin = new Admin[1]; // created once the port answers, so it does not log refused connections
        try {
            started.awaitReady(
                    () -> portAnswers(brokerPort)
                            && isOurs(
                                    admin[0] != null ? admin[0] : (admin[0] = Admin.create(adminProperties())),
                                    clusterId),
                    startTimeout);
        } catch (RuntimeException e) {
            started.stop(Duration.ofSeconds(5));
            throw e;
        } finally {
            if (admin[0] != null) {
                admin[0].close(Duration.ofSeconds(5));
            }
        }
        return started;
    }

    @Override
    public String bootstrapServers() {
        if (brokerPort == 0) {
            throw new IllegalStateException("broker was never started");
        }
        return "127.0.0.1:" + brokerPort;
    }

    /** The data folder (configuration, {@code kraft-logs/}, {@code broker.log}). */
    public Path dataDir() {
        return dataDir;
    }

    /** The broker JVM's process id while it runs. */
    public synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException("broker is not running");
        }
        return process.pid();
    }

    /** Whether the broker JVM runs. */
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Stops the broker (SIGTERM: controlled shutdown; SIGKILL after 30 s) and waits until the JVM is gone. */
    @Override
    public synchronized void close() {
        if (process != null) {
            process.stop(Duration.ofSeconds(30));
            process = null;
        }
    }

    /** The broker JVM runs in the data folder: relative classpath entries must become absolute. */
    private static String absoluteClasspath(String classpath) {
        StringBuilder sb = new StringBuilder();
        for (String entry : classpath.split(java.io.File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            if (sb.length() > 0) {
                sb.append(java.io.File.pathSeparatorChar);
            }
            sb.append(
                    entry.endsWith("*")
                            ? entry
                            : Paths.get(entry).toAbsolutePath().toString());
        }
        return sb.toString();
    }

    private String clusterId() {
        Path file = dataDir.resolve("cluster.id");
        try {
            if (Files.exists(file)) {
                return Files.readString(file, StandardCharsets.UTF_8).trim();
            }
            String id = Uuid.randomUuid().toString();
            write(file, id + "\n");
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /**
     * The requested port, else the ports of the previous run over this folder when still free, else free ones
     * ({@code fresh}: never the previous ones).
     */
    private void choosePorts(boolean fresh) {
        Path file = dataDir.resolve("ports");
        int[] previous = fresh ? null : readPorts(file);
        if (requestedBrokerPort != 0) {
            brokerPort = requestedBrokerPort;
        } else if (previous != null && !portAnswers(previous[0])) {
            brokerPort = previous[0];
        } else {
            int old = brokerPort;
            do {
                brokerPort = FreePorts.next();
            } while (brokerPort == old);
        }
        if (previous != null && previous[1] != brokerPort && !portAnswers(previous[1])) {
            controllerPort = previous[1];
        } else {
            int old = controllerPort;
            do {
                controllerPort = FreePorts.next();
            } while (controllerPort == brokerPort || controllerPort == old);
        }
        write(file, brokerPort + " " + controllerPort + "\n");
    }

    private static int[] readPorts(Path file) {
        try {
            if (!Files.exists(file)) {
                return null;
            }
            String[] parts =
                    Files.readString(file, StandardCharsets.UTF_8).trim().split("\\s+");
            return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
        } catch (IOException | RuntimeException e) {
            return null; // unreadable: choose new ports
        }
    }

    private String serverProperties(Path logDir) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        p.putAll(SingleNodeSettings.brokerSettings());
        p.putAll(extraSettings);
        StringBuilder sb = new StringBuilder("# written by KafkaBroker\n");
        p.forEach((k, v) ->
                sb.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
        return sb.toString();
    }

    private static String log4jProperties() {
        return String.join(
                "\n",
                "status = warn",
                "appender.out.type = Console",
                "appender.out.name = out",
                "appender.out.layout.type = PatternLayout",
                "appender.out.layout.pattern = [%d] %p %m (%c)%n",
                "rootLogger.level = info",
                "rootLogger.appenderRef.out.ref = out",
                "logger.kafka-request.name = kafka.request.logger",
                "logger.kafka-request.level = warn",
                "logger.state-change.name = state.change.logger",
                "logger.state-change.level = warn",
                "");
    }

    private Properties adminProperties() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + brokerPort);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "200");
        return p;
    }

    /** Node 1 is up in the cluster with our id (not another local broker that took the port meanwhile). */
    private static boolean isOurs(Admin admin, String clusterId) {
        try {
            var cluster = admin.describeCluster();
            Collection<Node> nodes = cluster.nodes().get(3, TimeUnit.SECONDS);
            return nodes.stream().anyMatch(n -> n.id() == NODE_ID)
                    && clusterId.equals(cluster.clusterId().get(3, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            return false; // not ready yet
        }
    }

    private static boolean portAnswers(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static void mkdirs(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    /** Options of a {@link KafkaBroker}; every one has a default except the data folder. */
    public static final class Builder {
        private final Path dataDir;
        private String classpath = System.getProperty("java.class.path");
        private String maxHeap = "512m";
        private Duration startTimeout = Duration.ofSeconds(90);
        private int port;
        private final Map<String, String> settings = new LinkedHashMap<>();

        private Builder(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
        }

        /** Client port on 127.0.0.1; 0 (default) = the previous run's port or a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Classpath of the broker JVM; default: this JVM's {@code java.class.path} (which must then hold
         * {@code kafka_2.13}, {@code kafka-server} and a log4j2 binding, as this module's dependencies do).
         */
        public Builder classpath(String classpath) {
            if (classpath == null || classpath.isBlank()) {
                throw new IllegalArgumentException("classpath must not be empty");
            }
            this.classpath = classpath;
            return this;
        }

        /** {@code -Xmx} of the broker JVM, e.g. {@code 512m} (default). */
        public Builder maxHeap(String maxHeap) {
            if (maxHeap == null || !maxHeap.matches("\\d+[kmgKMG]?")) {
                throw new IllegalArgumentException("maxHeap must look like 512m, got " + maxHeap);
            }
            this.maxHeap = maxHeap;
            return this;
        }

        /** How long {@link KafkaBroker#start()} waits for the broker (default 90 s). */
        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = Objects.requireNonNull(startTimeout, "startTimeout");
            return this;
        }

        /** An extra broker setting, e.g. {@code log.retention.ms}; overrides the defaults. */
        public Builder setting(String key, String value) {
            settings.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** The broker, not started yet. */
        public KafkaBroker build() {
            if (classpath == null || classpath.isBlank()) {
                throw new IllegalStateException("no classpath for the broker JVM: set one with classpath(...)");
            }
            return new KafkaBroker(this);
        }
    }
}
