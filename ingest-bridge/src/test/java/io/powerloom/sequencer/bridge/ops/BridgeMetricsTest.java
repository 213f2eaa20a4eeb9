package io.powerloom.sequencer.bridge.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class BridgeMetricsTest {
    private static final Pattern SAMPLE =
            Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"(\\\\.|[^\"\\\\])*\",?)*})? "
                    + "(-?[0-9.eE+-]+|NaN|\\+Inf|-Inf)$");

    @Test
    void rendersValidPrometheusTextWithEveryRequiredFamily() {
        BridgeMetrics m = new BridgeMetrics();
        m.received.add(10);
        m.accepted.add(8);
        m.rejected("bad_uuid");
        m.rejected("oversized");
        m.rejected("oversized");
        m.bytes.add(12345);
        m.openStreams.set(3);
        m.heartbeatsSent.add(7);
        m.openConnections(() -> 2);
        m.relayReservations(
                () -> Map.of("/ip4/1.2.3.4/tcp/4001/p2p/12D3KooWRelay", true, "/dns4/b\"ad/tcp/1/p2p/x", false));
        for (int i = 1; i <= 100; i++) {
            m.produceLatency.recordNanos(i * 1_000_000L); // 1..100 ms
        }
        m.extraGauges(() -> Map.of("chain_lag_blocks", 3L, "chain_reorgs_total", 1L));
        String text = m.render();

        Set<String> typed = new HashSet<>();
        List<String> sampleNames = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.split(" ");
                assertThat(parts).hasSize(4);
                assertThat(parts[3]).isIn("counter", "gauge", "histogram", "summary");
                assertThat(typed.add(parts[2]))
                        .as("one TYPE line per family: " + parts[2])
                        .isTrue();
            } else if (!line.startsWith("# HELP ")) {
                var matcher = SAMPLE.matcher(line);
                assertThat(matcher.matches()).as("sample line: " + line).isTrue();
                sampleNames.add(matcher.group(1));
            }
        }
        for (String name : sampleNames) {
            String family = name.replaceAll("_(bucket|sum|count)$", "");
            assertThat(typed.contains(name) || typed.contains(family))
                    .as("family declared for " + name)
                    .isTrue();
        }
        assertThat(text).contains("sequencer_bridge_received_total 10\n");
        assertThat(text).contains("sequencer_bridge_accepted_total 8\n");
        assertThat(text).contains("sequencer_bridge_rejected_total{reason=\"bad_uuid\"} 1\n");
        assertThat(text).contains("sequencer_bridge_rejected_total{reason=\"oversized\"} 2\n");
        assertThat(text).contains("sequencer_bridge_received_bytes_total 12345\n");
        assertThat(text).contains("sequencer_bridge_open_connections 2\n");
        assertThat(text).contains("sequencer_bridge_open_streams 3\n");
        assertThat(text).contains("sequencer_bridge_heartbeats_sent_total 7\n");
        assertThat(text)
                .contains("sequencer_bridge_relay_reservation{relay=\"/ip4/1.2.3.4/tcp/4001/p2p/12D3KooWRelay\"} 1\n");
        assertThat(text).contains("sequencer_bridge_relay_reservation{relay=\"/dns4/b\\\"ad/tcp/1/p2p/x\"} 0\n");
        assertThat(text).contains("sequencer_bridge_produce_latency_seconds_bucket{le=\"0.05\"} 50\n");
        assertThat(text).contains("sequencer_bridge_produce_latency_seconds_bucket{le=\"+Inf\"} 100\n");
        assertThat(text).contains("sequencer_bridge_produce_latency_seconds_count 100\n");
        assertThat(text).contains("sequencer_bridge_produce_latency_quantile_seconds{quantile=\"0.5\"}");
        assertThat(text)
                .contains("# TYPE sequencer_bridge_chain_lag_blocks gauge\nsequencer_bridge_chain_lag_blocks 3\n");
        assertThat(text)
                .contains(
                        "# TYPE sequencer_bridge_chain_reorgs_total counter\nsequencer_bridge_chain_reorgs_total 1\n");
    }

    @Test
    void quantilesAreWithinOneBucketOfTheTruth() {
        LatencyHistogram h = new LatencyHistogram();
        assertThat(h.quantileMillis(0.5)).isNaN();
        for (int i = 1; i <= 1000; i++) {
            h.recordNanos(i * 100_000L); // 0.1 .. 100 ms uniformly
        }
        assertThat(h.quantileMillis(0.5)).isBetween(50.0, 50.0 * 1.05);
        assertThat(h.quantileMillis(0.99)).isBetween(99.0, 99.0 * 1.05);
        assertThat(h.quantileMillis(1.0)).isBetween(100.0, 105.0);
        assertThat(h.count()).isEqualTo(1000);
        assertThat(h.sumSeconds()).isCloseTo(50.05, org.assertj.core.data.Offset.offset(1e-9));
    }
}
