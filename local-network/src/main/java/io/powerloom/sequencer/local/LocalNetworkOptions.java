package io.powerloom.sequencer.local;

import io.powerloom.sequencer.config.Config;
import io.powerloom.sequencer.config.ConfigException;
import io.powerloom.sequencer.config.ConfigLoader;
import io.powerloom.sequencer.config.Option;
import io.powerloom.sequencer.config.OptionSet;
import io.powerloom.sequencer.config.ValueType;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;

/**
 * Options of the {@link LocalNetwork}, parsed from {@code --key value} or {@code --key=value} arguments by the one
 * parser of every process ({@link ConfigLoader}); the keys are {@code sequencer.local.*} ({@code --slots} and the other
 * keys used before still work, with a warning).
 *
 * @param slots          simulated snapshotter slots (one key and one libp2p node each), registered on chain
 * @param projects       projects shared by the slots
 * @param fullNodes      how many of the slots (the first ones) are full nodes, exempt from the per-slot limit and
 *                       submitting every project; the others submit {@value #LIGHT_NODE_PROJECTS} projects per epoch
 * @param faultyShare    share (0..1) of submissions replaced by a deliberately faulty one
 * @param windowSeconds  snapshot submission window set on the data market
 * @param epochInterval  time between two epoch releases
 * @param duration       stop by itself after this long; null = until Ctrl-C
 * @param webPort        port of the Flink web UI on 127.0.0.1
 * @param batchSize      project IDs per batch
 * @param parallelism    parallelism of the Flink job
 * @param dataDir        where every component keeps its data (wiped at start)
 * @param seed           seed of the fault and timing choices
 * @param epochsADay     epochs in a day of the data market (snapshotter accounting: a short day shows day ends soon)
 * @param dailyQuota     the market's daily snapshot quota (submissions a slot needs in a day to be eligible)
 */
public record LocalNetworkOptions(
        int slots,
        int projects,
        int fullNodes,
        double faultyShare,
        int windowSeconds,
        Duration epochInterval,
        Duration duration,
        int webPort,
        int batchSize,
        int parallelism,
        Path dataDir,
        long seed,
        int epochsADay,
        long dailyQuota) {
    /** Projects per epoch of a slot that is not a full node (the production per-slot limit is 2). */
    public static final int LIGHT_NODE_PROJECTS = 2;

    /** Validates every option; {@link OptionsException} names the bad one. */
    public LocalNetworkOptions {
        require(slots >= 1 && slots <= 1000, "slots", "must be 1..1000, got " + slots);
        require(projects >= 1 && projects <= 10_000, "projects", "must be 1..10000, got " + projects);
        require(fullNodes >= 0 && fullNodes <= slots, "full-nodes", "must be 0.." + slots + ", got " + fullNodes);
        require(faultyShare >= 0 && faultyShare <= 1, "faulty-share", "must be 0..1, got " + faultyShare);
        require(windowSeconds >= 5 && windowSeconds <= 3600, "window-seconds", "must be 5..3600, got " + windowSeconds);
        require(epochInterval != null && epochInterval.toMillis() >= 1000, "epoch-interval", "must be at least 1s");
        require(duration == null || !duration.isNegative() && !duration.isZero(), "duration", "must be positive");
        require(webPort >= 0 && webPort <= 65535, "web-port", "must be 0..65535 (0 = any free port), got " + webPort);
        require(batchSize >= 1, "batch-size", "must be positive, got " + batchSize);
        require(parallelism >= 1 && parallelism <= 64, "parallelism", "must be 1..64, got " + parallelism);
        require(dataDir != null, "data-dir", "is required");
        require(epochsADay >= 2 && epochsADay <= 100_000, "epochs-a-day", "must be 2..100000, got " + epochsADay);
        require(dailyQuota >= 0, "daily-quota", "must not be negative, got " + dailyQuota);
    }

    /** The defaults: 10 slots (8 full nodes), 20 projects, 5% faulty, 20 s windows, an epoch every 25 s. */
    public static LocalNetworkOptions defaults() {
        return parse(new String[0]);
    }

    public static final Option<Integer> SLOTS = Option.integer("sequencer.local.slots")
            .defaultValue(10)
            .check(v -> v >= 1 && v <= 1000, "must be 1..1000")
            .description("Simulated snapshotter slots (one key and one libp2p node each), registered on chain.")
            .deprecatedKeys("slots");
    public static final Option<Integer> PROJECTS = Option.integer("sequencer.local.projects")
            .defaultValue(20)
            .check(v -> v >= 1 && v <= 10_000, "must be 1..10000")
            .description("Projects shared by the slots.")
            .deprecatedKeys("projects");
    public static final Option<Integer> FULL_NODES = Option.integer("sequencer.local.full-nodes")
            .defaultDescription("slots - 2")
            .atLeast(0)
            .description("Slots exempt from the 2-per-epoch limit, submitting every project (the first ones).")
            .deprecatedKeys("full-nodes");
    public static final Option<Double> FAULTY_SHARE = Option.decimal("sequencer.local.faulty-share")
            .defaultValue(0.05)
            .check(v -> v >= 0 && v <= 1, "must be 0..1")
            .description("Share of submissions made faulty: forged signature, unregistered slot, late, malformed.")
            .deprecatedKeys("faulty-share");
    public static final Option<Integer> WINDOW_SECONDS = Option.integer("sequencer.local.window-seconds")
            .defaultValue(20)
            .check(v -> v >= 5 && v <= 3600, "must be 5..3600")
            .description("Snapshot submission window set on the data market.")
            .deprecatedKeys("window-seconds");
    public static final Option<Duration> EPOCH_INTERVAL = Option.duration(
                    "sequencer.local.epoch-interval", ChronoUnit.SECONDS)
            .defaultDescription("window + 5 s")
            .check(d -> d.toMillis() >= 1000, "must be at least 1s")
            .description("Time between epoch releases (a bare number is seconds).")
            .deprecatedKeys("epoch-interval");
    public static final Option<Duration> DURATION = Option.duration("sequencer.local.duration", ChronoUnit.SECONDS)
            .defaultDescription("until Ctrl-C")
            .check(d -> !d.isNegative() && !d.isZero(), "must be positive")
            .description("Stop by itself after this long, e.g. 150s or 3m (a bare number is seconds).")
            .deprecatedKeys("duration");
    public static final Option<Integer> WEB_PORT = Option.integer("sequencer.local.web-port")
            .defaultValue(8081)
            .check(v -> v >= 0 && v <= 65535, "must be 0..65535 (0 = any free port)")
            .description("Flink web UI port on 127.0.0.1 (0 = any free port).")
            .deprecatedKeys("web-port");
    public static final Option<Integer> BATCH_SIZE = Option.integer("sequencer.local.batch-size")
            .defaultValue(10)
            .atLeast(1)
            .description("Project IDs per batch.")
            .deprecatedKeys("batch-size");
    public static final Option<Integer> PARALLELISM = Option.integer("sequencer.local.parallelism")
            .defaultValue(2)
            .check(v -> v >= 1 && v <= 64, "must be 1..64")
            .description("Flink job parallelism.")
            .deprecatedKeys("parallelism");
    public static final Option<String> DATA_DIR = Option.string("sequencer.local.data-dir")
            .defaultValue(".run/local")
            .description("Data of every component, wiped at start.")
            .deprecatedKeys("data-dir");
    public static final Option<Long> SEED = Option.longValue("sequencer.local.seed")
            .defaultValue(1L)
            .description("Seed of the fault and timing choices.")
            .deprecatedKeys("seed");
    public static final Option<Integer> EPOCHS_A_DAY = Option.integer("sequencer.local.epochs-a-day")
            .defaultValue(20)
            .check(v -> v >= 2 && v <= 100_000, "must be 2..100000")
            .description("Epochs in a day of the market, for snapshotter accounting (a short day shows day ends soon).")
            .deprecatedKeys("epochs-a-day");
    public static final Option<Long> DAILY_QUOTA = Option.longValue("sequencer.local.daily-quota")
            .defaultValue(100L)
            .atLeast(0)
            .description("Submissions a slot needs in a day to be eligible (the market's daily snapshot quota).")
            .deprecatedKeys("daily-quota");

    /** Every option of the local network, in declaration order. */
    public static final OptionSet OPTIONS =
            OptionSet.of("local-network", "The local network", OptionSet.declaredIn(LocalNetworkOptions.class));

    /** Usage text: every option with its default, from {@link #OPTIONS}. */
    public static String usage() {
        StringBuilder b = new StringBuilder("usage: LocalNetwork [--<key> <value>]... (or --<key>=<value>)\n");
        for (Option<?> o : OPTIONS.options()) {
            b.append(String.format(
                    "  --%-32s %s (default %s)%n",
                    o.key(), o.description(), o.defaultText() == null ? "none" : o.defaultText()));
        }
        b.append("  --help                             this text\n");
        b.append("The keys without sequencer.local. (--slots, --duration, ...) still work, with a warning.");
        return b.toString();
    }

    /**
     * Parses {@code --key value} / {@code --key=value} arguments over the defaults (the one parser of every process).
     *
     * @throws OptionsException on an unknown option, a missing or malformed value, or a value out of range
     */
    public static LocalNetworkOptions parse(String[] args) {
        Config c;
        try {
            String[] rest = java.util.Arrays.stream(args)
                    .filter(a -> !"--help".equals(a) && !"-h".equals(a))
                    .toArray(String[]::new);
            c = ConfigLoader.of(OPTIONS)
                    .onWarning(w -> System.err.println("warning: " + w))
                    .args(rest)
                    .load();
        } catch (ConfigException e) {
            String key = e.key();
            int now = key.indexOf(" (now ");
            String option = (now < 0 ? key : key.substring(0, now)).replaceFirst("^--", "");
            throw new OptionsException(option, e.getMessage().substring(e.key().length() + 2));
        }
        int slots = c.get(SLOTS);
        int window = c.get(WINDOW_SECONDS);
        Integer fullNodes = c.get(FULL_NODES);
        Duration epochInterval = c.get(EPOCH_INTERVAL);
        return new LocalNetworkOptions(
                slots,
                c.get(PROJECTS),
                fullNodes != null ? fullNodes : Math.max(0, slots - 2),
                c.get(FAULTY_SHARE),
                window,
                epochInterval != null ? epochInterval : Duration.ofSeconds(window + 5L),
                c.get(DURATION),
                c.get(WEB_PORT),
                c.get(BATCH_SIZE),
                c.get(PARALLELISM),
                Path.of(c.get(DATA_DIR)),
                c.get(SEED),
                c.get(EPOCHS_A_DAY),
                c.get(DAILY_QUOTA));
    }

    /** Whether {@code --help} was among the arguments. */
    public static boolean wantsHelp(String[] args) {
        for (String a : args) {
            if ("--help".equals(a) || "-h".equals(a)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A duration: {@code 500ms}, {@code 150s}, {@code 3m}, {@code 1h}, or plain seconds.
     *
     * @throws OptionsException when {@code text} is none of these
     */
    public static Duration duration(String option, String text) {
        try {
            return ValueType.duration(ChronoUnit.SECONDS).parse(text);
        } catch (IllegalArgumentException e) {
            throw new OptionsException(option, "not a duration (e.g. 500ms, 150s, 3m): '" + text + "'");
        }
    }

    private static void require(boolean ok, String option, String reason) {
        if (!ok) {
            throw new OptionsException(option, reason);
        }
    }

    /** A bad command-line option: which one, and why. */
    public static final class OptionsException extends IllegalArgumentException {
        private final String option;

        public OptionsException(String option, String reason) {
            super("--" + option + ": " + reason);
            this.option = option;
        }

        /** The option's name without dashes. */
        public String option() {
            return option;
        }
    }
}
