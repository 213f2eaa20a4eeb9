package io.powerloom.sequencer.bridge.ops;

import java.util.Locale;
import java.util.Map;

/**
 * Writes metrics in the Prometheus text exposition format (version 0.0.4): one {@code # HELP} and
 * {@code # TYPE} line per family, then its samples; label values escaped.
 */
public final class PrometheusText {
    /** The content type of this format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final StringBuilder out = new StringBuilder(4096);

    /** Starts a metric family. {@code type} is counter, gauge, histogram or summary. */
    public PrometheusText family(String name, String type, String help) {
        out.append("# HELP ")
                .append(name)
                .append(' ')
                .append(help.replace("\\", "\\\\").replace("\n", "\\n"))
                .append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        return this;
    }

    /** One sample without labels. */
    public PrometheusText sample(String name, double value) {
        return sample(name, Map.of(), value);
    }

    /** One sample with labels (written in the map's iteration order). */
    public PrometheusText sample(String name, Map<String, String> labels, double value) {
        out.append(name);
        if (!labels.isEmpty()) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<String, String> e : labels.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                out.append(e.getKey())
                        .append("=\"")
                        .append(escape(e.getValue()))
                        .append('"');
            }
            out.append('}');
        }
        out.append(' ').append(format(value)).append('\n');
        return this;
    }

    /** A whole single-sample counter family. */
    public PrometheusText counter(String name, String help, double value) {
        return family(name, "counter", help).sample(name, value);
    }

    /** A whole single-sample gauge family. */
    public PrometheusText gauge(String name, String help, double value) {
        return family(name, "gauge", help).sample(name, value);
    }

    /** A histogram family from a {@link LatencyHistogram}, in seconds. */
    public PrometheusText histogram(String name, String help, LatencyHistogram h) {
        family(name, "histogram", help);
        long[] cumulative = h.cumulativeBuckets();
        double[] bounds = LatencyHistogram.PROMETHEUS_BOUNDS_SECONDS;
        for (int i = 0; i < bounds.length; i++) {
            sample(name + "_bucket", Map.of("le", format(bounds[i])), cumulative[i]);
        }
        sample(name + "_bucket", Map.of("le", "+Inf"), cumulative[cumulative.length - 1]);
        sample(name + "_sum", h.sumSeconds());
        return sample(name + "_count", cumulative[cumulative.length - 1]);
    }

    static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    static String format(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%s", v);
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
