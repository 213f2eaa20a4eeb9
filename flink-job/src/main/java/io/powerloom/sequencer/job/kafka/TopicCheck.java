package io.powerloom.sequencer.job.kafka;

import io.powerloom.sequencer.job.SequencerConfig;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The checks of the Kafka topics a job (the live job or a replay) reads and writes, done on the client before the job
 * graph is built: that the broker answers, that the input topics exist, and that the output topics exist, creating
 * the missing ones (or refusing, naming them, when {@link SequencerConfig#CREATE_TOPICS} is off). An exactly-once
 * sink whose topic is missing does not fail: it waits for the topic's metadata and stalls every checkpoint, so a
 * missing topic must be found here, within seconds.
 */
public final class TopicCheck {
    private TopicCheck() {}

    /** How long each call to the broker may take before the check gives up. */
    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** An admin client whose calls time out after {@link #TIMEOUT}. */
    public static Admin admin(String bootstrap) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        return Admin.create(p);
    }

    /** The job's input topics, setting key → topic name. */
    public static Map<String, String> inputs(SequencerConfig cfg) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(SequencerConfig.TOPIC_SUBMISSIONS.key(), cfg.get(SequencerConfig.TOPIC_SUBMISSIONS));
        m.put(SequencerConfig.TOPIC_CHAIN.key(), cfg.get(SequencerConfig.TOPIC_CHAIN));
        return m;
    }

    /**
     * The topics the job writes with this configuration, setting key → topic name: finalized, batches and rejected,
     * and with accounting on slot-counts and discarded.
     */
    public static Map<String, String> outputs(SequencerConfig cfg) {
        List<io.powerloom.sequencer.config.Option<String>> options = new ArrayList<>(List.of(
                SequencerConfig.TOPIC_FINALIZED, SequencerConfig.TOPIC_BATCHES, SequencerConfig.TOPIC_REJECTED));
        if (cfg.get(SequencerConfig.ACCOUNTING_ENABLED)) {
            options.add(SequencerConfig.TOPIC_SLOT_COUNTS);
            options.add(SequencerConfig.TOPIC_DISCARDED);
        }
        Map<String, String> m = new LinkedHashMap<>();
        options.forEach(o -> m.put(o.key(), cfg.get(o)));
        return m;
    }

    /**
     * The live job's check at start: Kafka answers, and every output topic exists, the missing ones created with as
     * many partitions as the submissions topic (the broker's default when that is missing too) and the broker's
     * default replication, or with {@link SequencerConfig#CREATE_TOPICS} off refused.
     *
     * @throws IllegalArgumentException one line naming the unreachable broker or the missing topics
     */
    public static void ensureOutputs(SequencerConfig cfg, PrintStream out) {
        String bootstrap = cfg.get(SequencerConfig.KAFKA_BOOTSTRAP);
        try (Admin admin = admin(bootstrap)) {
            checkReachable(admin, bootstrap);
            String submissions = cfg.get(SequencerConfig.TOPIC_SUBMISSIONS);
            Optional<Integer> partitions = listTopics(admin, bootstrap).contains(submissions)
                    ? Optional.of(
                            describe(admin, bootstrap, Map.of(SequencerConfig.TOPIC_SUBMISSIONS.key(), submissions))
                                    .get(submissions)
                                    .partitions()
                                    .size())
                    : Optional.empty();
            createMissing(
                    admin, bootstrap, outputs(cfg), partitions, cfg.get(SequencerConfig.CREATE_TOPICS), "job", out);
        }
    }

    /** Fails when the broker does not tell its cluster id within {@link #TIMEOUT}. */
    public static void checkReachable(Admin admin, String bootstrap) {
        try {
            admin.describeCluster().clusterId().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalArgumentException(
                    "Kafka at " + bootstrap + " (sequencer.kafka.bootstrap-servers) does not answer " + "within "
                            + TIMEOUT.toSeconds() + " s: " + message(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * Describes the topics (setting key → topic name), after checking that the broker answers; fails naming each
     * missing one, or the unreachable broker. The result is by topic name.
     */
    public static Map<String, TopicDescription> describe(Admin admin, String bootstrap, Map<String, String> topics) {
        checkReachable(admin, bootstrap);
        Map<String, TopicDescription> out = new HashMap<>();
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, String> t : topics.entrySet()) {
            try {
                out.put(
                        t.getValue(),
                        admin.describeTopics(List.of(t.getValue()))
                                .allTopicNames()
                                .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                                .get(t.getValue()));
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    missing.add(t.getValue() + " (" + t.getKey() + ")");
                } else {
                    throw new IllegalArgumentException(
                            "cannot describe topic " + t.getValue() + " at " + bootstrap + ": " + message(e));
                }
            } catch (TimeoutException e) {
                throw new IllegalArgumentException("Kafka at " + bootstrap + " did not describe topic " + t.getValue()
                        + " within " + TIMEOUT.toSeconds() + " s");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("input topic" + (missing.size() > 1 ? "s " : " ")
                    + String.join(", ", missing) + " missing at " + bootstrap);
        }
        return out;
    }

    /** The broker's topic names. */
    public static Set<String> listTopics(Admin admin, String bootstrap) {
        try {
            return admin.listTopics().names().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalArgumentException("Kafka at " + bootstrap + " does not list its topics: " + message(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * Creates the topics of {@code wanted} (setting key → topic name) that do not exist yet, with {@code partitions}
     * (empty: the broker's default) and the broker's default replication; with {@code create} false refuses to go on,
     * naming them. Fails naming them when the broker refuses to create them.
     *
     * @param whose for the messages: "job" or "replay"
     * @return the topics created
     */
    public static List<String> createMissing(
            Admin admin,
            String bootstrap,
            Map<String, String> wanted,
            Optional<Integer> partitions,
            boolean create,
            String whose,
            PrintStream out) {
        Set<String> existing = listTopics(admin, bootstrap);
        List<NewTopic> missing = new ArrayList<>();
        List<String> named = new ArrayList<>();
        wanted.forEach((key, topic) -> {
            if (!existing.contains(topic)) {
                missing.add(new NewTopic(topic, partitions, Optional.empty()));
                named.add(topic + " (" + key + ")");
            }
        });
        if (missing.isEmpty()) {
            return List.of();
        }
        if (!create) {
            throw new IllegalArgumentException("the " + whose + "'s output topic" + (named.size() > 1 ? "s " : " ")
                    + String.join(", ", named) + " missing at " + bootstrap
                    + "; create them, or let the job create them ("
                    + SequencerConfig.CREATE_TOPICS.key() + " true)");
        }
        List<String> names = missing.stream().map(NewTopic::name).toList();
        admin.createTopics(missing).values().forEach((name, f) -> {
            try {
                f.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalArgumentException(
                            "cannot create the " + whose + "'s output topics " + names + " at " + bootstrap + ": "
                                    + message(e) + "; create them, or let the " + whose + "'s user create topics");
                }
            } catch (TimeoutException e) {
                throw new IllegalArgumentException("Kafka at " + bootstrap + " did not create the " + whose
                        + "'s output topics " + names + " within " + TIMEOUT.toSeconds() + " s");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        });
        out.printf(
                "created output topics %s (%s partitions)%n",
                names, partitions.map(String::valueOf).orElse("the broker's default number of"));
        return names;
    }

    /** A one-line message of an exception, its cause's for an {@link ExecutionException}. */
    public static String message(Throwable e) {
        Throwable t = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            m = t.getClass().getSimpleName();
            if (t.getCause() != null && t.getCause().getMessage() != null) {
                m += " (" + t.getCause().getMessage() + ")";
            }
        }
        return m.replace('\n', ' ');
    }
}
