package io.powerloom.sequencer.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Options of the {@link LocalNetwork}, parsed from {@code --name value} or {@code --name=value} arguments.
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

    /** Usage text: every option with its default. */
    public static String usage() {
        return String.join(
                "\n",
                "usage: LocalNetwork [options]",
                "  --slots N            simulated snapshotter slots (default 10)",
                "  --projects N         projects shared by the slots (default 20)",
                "  --full-nodes N       slots exempt from the 2-per-epoch limit, submitting every project (default slots - 2)",
                "  --faulty-share X     share 0..1 of submissions made faulty: forged signature, unregistered slot,",
                "                       late, malformed (default 0.05)",
                "  --window-seconds N   snapshot submission window (default 20)",
                "  --epoch-interval D   time between epoch releases (default window + 5s)",
                "  --duration D         stop by itself after D, e.g. 150s or 3m (default: run until Ctrl-C)",
                "  --web-port N         Flink web UI port on 127.0.0.1 (default 8081; 0 = any free port)",
                "  --batch-size N       project IDs per batch (default 10)",
                "  --parallelism N      Flink job parallelism (default 2)",
                "  --data-dir DIR       data of every component, wiped at start (default .run/local)",
                "  --seed N             seed of the fault choices (default 1)",
                "  --epochs-a-day N     epochs in a day of the market, for snapshotter accounting (default 20)",
                "  --daily-quota N      submissions a slot needs in a day to be eligible (default 100)",
                "  --help               this text");
    }

    /**
     * Parses {@code --name value} / {@code --name=value} arguments over the defaults.
     *
     * @throws OptionsException on an unknown option, a missing or malformed value, or a value out of range
     */
    public static LocalNetworkOptions parse(String[] args) {
        Map<String, String> v = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || a.length() < 3) {
                throw new OptionsException(a, "expected --name value");
            }
            String name = a.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if ("help".equals(name)) {
                value = "true";
            } else {
                if (i + 1 >= args.length) {
                    throw new OptionsException(name, "missing value");
                }
                value = args[++i];
            }
            v.put(name, value.trim());
        }
        for (String name : v.keySet()) {
            if (!KNOWN.contains("|" + name + "|")) {
                throw new OptionsException(name, "unknown option (see --help)");
            }
        }
        int slots = integer(v, "slots", 10);
        int window = integer(v, "window-seconds", 20);
        return new LocalNetworkOptions(
                slots,
                integer(v, "projects", 20),
                integer(v, "full-nodes", Math.max(0, slots - 2)),
                decimal(v, "faulty-share", 0.05),
                window,
                v.containsKey("epoch-interval")
                        ? duration("epoch-interval", v.get("epoch-interval"))
                        : Duration.ofSeconds(window + 5L),
                v.containsKey("duration") ? duration("duration", v.get("duration")) : null,
                integer(v, "web-port", 8081),
                integer(v, "batch-size", 10),
                integer(v, "parallelism", 2),
                Path.of(v.getOrDefault("data-dir", ".run/local")),
                v.containsKey("seed") ? longValue("seed", v.get("seed")) : 1L,
                integer(v, "epochs-a-day", 20),
                v.containsKey("daily-quota") ? longValue("daily-quota", v.get("daily-quota")) : 100L);
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

    private static final String KNOWN = "|slots|projects|full-nodes|faulty-share|window-seconds|epoch-interval|duration"
            + "|web-port|batch-size|parallelism|data-dir|seed|epochs-a-day|daily-quota|help|";

    /**
     * A duration: {@code 500ms}, {@code 150s}, {@code 3m}, {@code 1h}, or plain seconds.
     *
     * @throws OptionsException when {@code text} is none of these
     */
    public static Duration duration(String option, String text) {
        try {
            return io.powerloom.sequencer.bridge.BridgeConfig.parseDuration(
                    text, java.time.temporal.ChronoUnit.SECONDS);
        } catch (NumberFormatException e) {
            throw new OptionsException(option, "not a duration (e.g. 500ms, 150s, 3m): '" + text + "'");
        }
    }

    private static int integer(Map<String, String> v, String name, int dflt) {
        String s = v.get(name);
        if (s == null) {
            return dflt;
        }
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new OptionsException(name, "not an integer: '" + s + "'");
        }
    }

    private static long longValue(String name, String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new OptionsException(name, "not an integer: '" + s + "'");
        }
    }

    private static double decimal(Map<String, String> v, String name, double dflt) {
        String s = v.get(name);
        if (s == null) {
            return dflt;
        }
        try {
            double d = Double.parseDouble(s);
            if (Double.isNaN(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new OptionsException(name, "not a number: '" + s + "'");
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
