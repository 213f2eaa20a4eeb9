package io.powerloom.sequencer.query;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The load client for per-slot queries, run as a JVM of its own (started by {@link LocalQueryLoad}, or by hand against
 * any running service): sends {@code GET /api/slot?slotID=…&epochID=…&dataMarketAddress=…} for random slots and epochs
 * at a fixed rate, open loop — request i is due at start + i/rate whatever happened to the others, and its latency is
 * counted from when it was due, so a stalled server or a client falling behind counts against the figures
 * (coordinated omission) — over {@code --connections} keep-alive HTTP/1.1 connections, one blocking socket each, and
 * prints one line per run: rate asked and achieved, p50/p99/p99.9/max, errors, the answers the service served from
 * kept bytes (its {@code /metrics}), and the machine's load average before and after.
 *
 * <pre>QueryLoadDriver --url http://127.0.0.1:8090 --rate 2000 --seconds 30 --warmup-seconds 5 --runs 2
 *     --epochs 20 --slots 1000 --first-epoch 1 --market 0x…</pre>
 */
public final class QueryLoadDriver {

    private QueryLoadDriver() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>(Map.of(
                "url",
                "http://127.0.0.1:8090",
                "rate",
                "2000",
                "seconds",
                "30",
                "warmup-seconds",
                "5",
                "runs",
                "2",
                "epochs",
                "20",
                "slots",
                "1000",
                "first-epoch",
                "1",
                "connections",
                "32",
                "market",
                Planted.MARKET));
        o.put("label", "");
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--") || !o.containsKey(args[i].substring(2))) {
                throw new IllegalArgumentException("unknown option " + args[i] + "; known: " + o.keySet());
            }
            o.put(args[i].substring(2), args[i + 1]);
        }
        List<URI> bases = new ArrayList<>();
        for (String u : o.get("url").split(",")) {
            bases.add(URI.create(u.trim()));
        }
        int rate = Integer.parseInt(o.get("rate"));
        int epochs = Integer.parseInt(o.get("epochs"));
        int slots = Integer.parseInt(o.get("slots"));
        long firstEpoch = Long.parseLong(o.get("first-epoch"));
        int connections = Integer.parseInt(o.get("connections"));
        String market = o.get("market");
        String label = o.get("label").isEmpty() ? "" : o.get("label") + " ";
        Run.Target target = new Run.Target(bases, market, epochs, slots, firstEpoch);
        new Run(target, rate, Integer.parseInt(o.get("warmup-seconds")), connections).go();
        for (int r = 1; r <= Integer.parseInt(o.get("runs")); r++) {
            String before = loadAverage();
            long[] metricsBefore = viewCacheMetrics(bases.get(0));
            Run.Result res = new Run(target, rate, Integer.parseInt(o.get("seconds")), connections).go();
            long[] metricsAfter = viewCacheMetrics(bases.get(0));
            long hits = metricsAfter[0] - metricsBefore[0];
            long builds = metricsAfter[1] - metricsBefore[1];
            double cpuMs = (metricsAfter[2] - metricsBefore[2]) / 1e3;
            System.out.println(String.format(
                    Locale.ROOT,
                    "RESULT %srun %d: per-slot queries asked %d/s achieved %.0f/s "
                            + "for %d s, p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms, errors %d of %d, "
                            + "kept answers %.1f %% (%d built), service JVM CPU %.3f ms per request (%.2f cores), "
                            + "%d connections, load average %s -> %s",
                    label,
                    r,
                    rate,
                    res.achieved(),
                    Integer.parseInt(o.get("seconds")),
                    res.ms(0.50),
                    res.ms(0.99),
                    res.ms(0.999),
                    res.ms(1.0),
                    res.errors(),
                    res.total(),
                    hits + builds == 0 ? 0.0 : 100.0 * hits / (hits + builds),
                    builds,
                    cpuMs / res.total(),
                    cpuMs / 1e3 / Integer.parseInt(o.get("seconds")),
                    connections,
                    before,
                    loadAverage()));
        }
    }

    /** The 1-, 5- and 15-minute load averages of the machine ({@code /proc/loadavg}). */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "n/a";
        }
    }

    /**
     * {hits, builds, CPU microseconds} of the service (its kept answers and its process's CPU time), from its
     * {@code /metrics}; zeros if not there.
     */
    static long[] viewCacheMetrics(URI base) {
        long[] out = new long[3];
        try (Connection c = new Connection(base)) {
            Connection.Response r = c.get("/metrics");
            for (String line : new String(r.body(), StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith("query_view_cache_hits_total ")) {
                    out[0] =
                            Long.parseLong(line.substring(line.indexOf(' ') + 1).trim());
                } else if (line.startsWith("query_view_cache_builds_total ")) {
                    out[1] =
                            Long.parseLong(line.substring(line.indexOf(' ') + 1).trim());
                } else if (line.startsWith("process_cpu_seconds_total ")) {
                    out[2] = (long) (Double.parseDouble(
                                    line.substring(line.indexOf(' ') + 1).trim())
                            * 1e6);
                }
            }
        } catch (IOException | RuntimeException e) {
            // an older service has no such metrics
        }
        return out;
    }

    /** One open-loop run. */
    static final class Run {
        record Target(List<URI> bases, String market, int epochs, int slots, long firstEpoch) {}

        record Result(long[] sortedNanos, long errors, double achieved) {
            int total() {
                return sortedNanos.length;
            }

            double ms(double q) {
                return sortedNanos[(int) Math.min(sortedNanos.length - 1, Math.round(q * (sortedNanos.length - 1)))]
                        / 1e6;
            }
        }

        private final Target target;
        private final int rate;
        private final int seconds;
        private final int connections;

        Run(Target target, int rate, int seconds, int connections) {
            this.target = target;
            this.rate = rate;
            this.seconds = seconds;
            this.connections = connections;
        }

        Result go() throws InterruptedException {
            int total = rate * seconds;
            long[] latency = new long[total];
            AtomicLong errors = new AtomicLong();
            AtomicLong next = new AtomicLong();
            double interval = 1e9 / rate;
            long start = System.nanoTime() + 20_000_000L;
            List<Thread> workers = new ArrayList<>();
            for (int w = 0; w < connections; w++) {
                URI base = target.bases().get(w % target.bases().size());
                SplittableRandom random = new SplittableRandom(1_000_003L * w + System.nanoTime());
                Thread t = new Thread(
                        () -> {
                            Connection c = null;
                            int i;
                            while ((i = (int) next.getAndIncrement()) < total) {
                                long due = start + (long) (i * interval);
                                long wait;
                                while ((wait = due - System.nanoTime()) > 0) {
                                    LockSupport.parkNanos(wait);
                                }
                                String path = "/api/slot?slotID=" + (1 + random.nextInt(target.slots())) + "&epochID="
                                        + (target.firstEpoch() + random.nextInt(target.epochs()))
                                        + "&dataMarketAddress="
                                        + target.market();
                                try {
                                    if (c == null) {
                                        c = new Connection(base);
                                    }
                                    Connection.Response r = c.get(path);
                                    if (r.status() != 200 || r.body().length == 0) {
                                        errors.incrementAndGet();
                                    }
                                    if (!r.keepAlive()) {
                                        c.close();
                                        c = null;
                                    }
                                } catch (IOException | RuntimeException e) {
                                    errors.incrementAndGet();
                                    if (c != null) {
                                        c.close();
                                    }
                                    c = null;
                                }
                                latency[i] = System.nanoTime() - due;
                            }
                            if (c != null) {
                                c.close();
                            }
                        },
                        "load-" + w);
                t.setDaemon(true);
                t.start();
                workers.add(t);
            }
            for (Thread t : workers) {
                t.join();
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            long[] sorted = latency.clone();
            Arrays.sort(sorted);
            return new Result(sorted, errors.get(), total / elapsed);
        }
    }

    /** One keep-alive HTTP/1.1 connection: a request written at once, the answer read by its Content-Length. */
    static final class Connection implements AutoCloseable {
        record Response(int status, byte[] body, boolean keepAlive) {}

        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final String host;

        Connection(URI base) throws IOException {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(10_000);
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5_000);
            in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
            out = socket.getOutputStream();
            host = base.getHost() + ":" + base.getPort();
        }

        Response get(String pathAndQuery) throws IOException {
            return pipelined(pathAndQuery)[0];
        }

        /** Sends every request in one write (HTTP/1.1 pipelining), then reads the answers in order. */
        Response[] pipelined(String... pathsAndQueries) throws IOException {
            StringBuilder b = new StringBuilder();
            for (String p : pathsAndQueries) {
                b.append("GET ")
                        .append(p)
                        .append(" HTTP/1.1\r\nHost: ")
                        .append(host)
                        .append("\r\n\r\n");
            }
            out.write(b.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Response[] answers = new Response[pathsAndQueries.length];
            for (int i = 0; i < answers.length; i++) {
                answers[i] = read();
            }
            return answers;
        }

        private Response read() throws IOException {
            String status = line();
            if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) {
                throw new IOException("not an HTTP/1.1 answer: " + status);
            }
            int code = Integer.parseInt(status.substring(9, 12));
            int length = -1;
            boolean keepAlive = true;
            String h;
            while (!(h = line()).isEmpty()) {
                int colon = h.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = h.substring(colon + 1).trim();
                if (name.equals("content-length")) {
                    length = Integer.parseInt(value);
                } else if (name.equals("connection") && value.equalsIgnoreCase("close")) {
                    keepAlive = false;
                }
            }
            if (length < 0) {
                throw new IOException("answer without Content-Length");
            }
            byte[] body = in.readNBytes(length);
            if (body.length != length) {
                throw new IOException("connection closed in the middle of an answer");
            }
            return new Response(code, body, keepAlive);
        }

        private String line() throws IOException {
            StringBuilder b = new StringBuilder(64);
            int c;
            while ((c = in.read()) != '\n') {
                if (c < 0) {
                    throw new IOException("connection closed");
                }
                if (c != '\r') {
                    b.append((char) c);
                }
            }
            return b.toString();
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }
}
