package io.powerloom.sequencer.libp2p;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load run for the libp2p host alone: a sink host, and a dialer host with {@code connections × streamsPerConnection}
 * streams that write fixed-size messages at a target rate (open loop, in 10 ms ticks). Each message starts with
 * its send time, so the sink measures send-to-receive latency through Noise and yamux. The first
 * {@code libp2p.load.warmup} seconds (default 3) run at the same rate but are not measured (JIT warm-up).
 *
 * <p>Run: {@code mvn -o -q -pl ingest-bridge verify -Dit.test=Libp2pThroughputITCase -Dtest=none
 * -Dsurefire.failIfNoSpecifiedTests=false} (figures are printed), or call {@link #run} from a main.
 */
final class Libp2pLoad {
    /** What a run measured. */
    record Result(
            long sent,
            long received,
            double seconds,
            double ratePerSecond,
            double p50Ms,
            double p99Ms,
            double maxMs,
            long bytesIn,
            int streams,
            double cpuMicrosPerMessage) {
        @Override
        public String toString() {
            return String.format(
                    "%d streams: sent %d, received %d msgs in %.1f s = %.0f msg/s; latency p50 %.2f ms, p99 %.2f ms, max %.2f ms; %d bytes in; JVM CPU %.1f us/msg (sender + receiver)",
                    streams, sent, received, seconds, ratePerSecond, p50Ms, p99Ms, maxMs, bytesIn, cpuMicrosPerMessage);
        }
    }

    private static final int WARMUP_SECONDS = Integer.getInteger("libp2p.load.warmup", 3);

    private static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os =
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
    }

    /** Sink: counts whole messages per stream and samples latency from each message's first 8 bytes. */
    static final class Sink implements StreamHandler {
        final int messageSize;
        final AtomicLong messages = new AtomicLong();
        final long[] latencies = new long[2_000_000];
        final AtomicLong latencyCount = new AtomicLong();
        volatile boolean recording;
        private final Map<Long, long[]> state = new ConcurrentHashMap<>(); // [offset in message, partial timestamp]

        Sink(int messageSize) {
            this.messageSize = messageSize;
        }

        @Override
        public void onOpen(StreamContext s) {
            state.put(s.id(), new long[2]);
        }

        @Override
        public void onData(StreamContext s, ByteBuf data) {
            long[] st = state.get(s.id());
            int i = data.readerIndex();
            int end = data.writerIndex();
            while (i < end) {
                int off = (int) st[0];
                if (off < 8) {
                    st[1] = (st[1] << 8) | (data.getByte(i) & 0xFF);
                    i++;
                    st[0]++;
                    continue;
                }
                int skip = Math.min(messageSize - off, end - i);
                i += skip;
                st[0] += skip;
                if (st[0] == messageSize) {
                    if (recording) {
                        long lat = System.nanoTime() - st[1];
                        long n = latencyCount.getAndIncrement();
                        if (n < latencies.length) {
                            latencies[(int) n] = lat;
                        }
                    }
                    messages.incrementAndGet();
                    st[0] = 0;
                    st[1] = 0;
                }
            }
        }

        @Override
        public void onClose(StreamContext s, boolean reset) {
            state.remove(s.id());
            s.close();
        }
    }

    static Result run(
            Libp2pHost sinkHost,
            Sink sink,
            String target,
            int connections,
            int streamsPerConnection,
            int ratePerSecond,
            int seconds,
            int messageSize)
            throws Exception {
        List<Libp2pHost> dialers = new ArrayList<>();
        Libp2pHost dialer =
                Libp2pHost.builder().eventLoopThreads(1).build().start().get();
        dialers.add(dialer);
        List<OutboundStream> streams = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            Connection conn = dialer.dial(target).get(30, TimeUnit.SECONDS);
            List<CompletableFuture<OutboundStream>> opening = new ArrayList<>();
            for (int s = 0; s < streamsPerConnection; s++) {
                opening.add(conn.openStream("/bench"));
            }
            for (CompletableFuture<OutboundStream> f : opening) {
                streams.add(f.get(30, TimeUnit.SECONDS));
            }
        }
        EventLoop loop = streams.get(0).eventLoop();
        AtomicLong sent = new AtomicLong();
        long perTick = Math.max(1, ratePerSecond / 100);
        byte[] filler = Recorder.pattern(messageSize, 3);
        int[] next = {0};
        long startNs = System.nanoTime();
        long measureFromNs = startNs + TimeUnit.SECONDS.toNanos(WARMUP_SECONDS);
        long endNs = measureFromNs + TimeUnit.SECONDS.toNanos(seconds);
        int total = ratePerSecond * (seconds + WARMUP_SECONDS);
        ScheduledFuture<?> ticker = loop.scheduleAtFixedRate(
                () -> {
                    long now = System.nanoTime();
                    if (now > endNs) {
                        return;
                    }
                    long due = Math.min((now - startNs) * ratePerSecond / 1_000_000_000L + perTick, total);
                    while (sent.get() < due) {
                        OutboundStream s = streams.get(next[0]++ % streams.size());
                        ByteBuf m = s.eventLoop() == loop ? loopAlloc(s, messageSize) : null;
                        m.writeLong(System.nanoTime());
                        m.writeBytes(filler, 8, messageSize - 8);
                        s.write(m);
                        sent.incrementAndGet();
                    }
                },
                0,
                10,
                TimeUnit.MILLISECONDS);
        while (System.nanoTime() < measureFromNs) {
            Thread.sleep(10);
        }
        sink.recording = true;
        long receivedBefore = sink.messages.get();
        long cpuBefore = processCpuNanos();
        long measureStart = System.nanoTime();
        while (System.nanoTime() < endNs) {
            Thread.sleep(10);
        }
        long receivedInWindow = sink.messages.get() - receivedBefore;
        long cpu = processCpuNanos() - cpuBefore;
        double window = (System.nanoTime() - measureStart) / 1e9;
        long deadline = endNs + TimeUnit.SECONDS.toNanos(15);
        while (sink.messages.get() < sent.get() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        ticker.cancel(false);
        long received = sink.messages.get();
        int n = (int) Math.min(sink.latencyCount.get(), sink.latencies.length);
        long[] lat = Arrays.copyOf(sink.latencies, n);
        Arrays.sort(lat);
        Result r = new Result(
                sent.get(),
                received,
                window,
                receivedInWindow / window,
                pct(lat, 0.50),
                pct(lat, 0.99),
                n == 0 ? 0 : lat[n - 1] / 1e6,
                sinkHost.stats().bytesIn(),
                streams.size(),
                receivedInWindow == 0 ? 0 : cpu / 1000.0 / receivedInWindow);
        for (Libp2pHost d : dialers) {
            d.close();
        }
        return r;
    }

    private static ByteBuf loopAlloc(OutboundStream s, int size) {
        return io.netty.buffer.PooledByteBufAllocator.DEFAULT.buffer(size);
    }

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
    }
}
