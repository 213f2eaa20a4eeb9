package io.powerloom.sequencer.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Renders and lints the sequencer chart with helm-java (Helm's Go library, no helm binary).
 *
 * <p>Values come from YAML files, never from {@code --set}: {@code --set} splits on commas, and
 * Kafka bootstrap servers are comma lists. Overrides are given as YAML text (or a nested map) and
 * written to a file under {@code java.io.tmpdir} (the build's {@code target/tmp}).
 */
final class ChartRenderer {

    /** Release name used for every render; resource names start with {@code <release>-sequencer}. */
    static final String RELEASE = "pl";

    static final String NAMESPACE = "sequencer";

    private final Path chartDir;

    ChartRenderer(Path chartDir) {
        if (!Files.isRegularFile(chartDir.resolve("Chart.yaml"))) {
            throw new IllegalArgumentException("not a chart directory (no Chart.yaml): " + chartDir);
        }
        this.chartDir = chartDir;
    }

    /** The chart under test: {@code -Dsequencer.chart.dir} (set by the helm module's pom) or {@code sequencer}. */
    static ChartRenderer ofBuild() {
        return new ChartRenderer(
                Path.of(System.getProperty("sequencer.chart.dir", "sequencer")).toAbsolutePath());
    }

    Path chartDir() {
        return chartDir;
    }

    /** The example values that satisfy every required value ({@code ci/test-values.yaml}). */
    Path testValues() {
        return chartDir.resolve("ci/test-values.yaml");
    }

    /**
     * {@code helm template} with the given values files in order (later files win).
     *
     * @throws IllegalStateException with Helm's message when rendering fails (e.g. a {@code required} value)
     */
    String renderText(Path... valuesFiles) {
        var template = new Helm(chartDir).template().withName(RELEASE).withNamespace(NAMESPACE);
        for (Path file : valuesFiles) {
            template = template.withValuesFile(file);
        }
        return template.call();
    }

    /** Renders with the test values plus the given YAML overrides and parses the manifests. */
    RenderedChart render(String overridesYaml) {
        return RenderedChart.parse(renderText(testValues(), writeTemp(overridesYaml)));
    }

    /** Renders with the test values only. */
    RenderedChart render() {
        return RenderedChart.parse(renderText(testValues()));
    }

    /** Renders with only the given values (no test values): for the checks on required values. */
    String renderOnly(String valuesYaml) {
        return renderText(writeTemp(valuesYaml));
    }

    /**
     * {@code helm lint --strict} of a copy of the chart whose values.yaml is the chart's values.yaml deep-merged
     * with {@code overlay} (helm-java's lint takes no values files).
     */
    LintResult lintWith(Path overlay) {
        Path copy = copy().chartDir;
        try {
            ObjectNode merged = (ObjectNode)
                    RenderedChart.YAML.readTree(chartDir.resolve("values.yaml").toFile());
            deepMerge(merged, RenderedChart.YAML.readTree(overlay.toFile()));
            RenderedChart.YAML.writeValue(copy.resolve("values.yaml").toFile(), merged);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Helm(copy).lint().strict().call();
    }

    /** {@code helm lint --strict} of the chart as it is. */
    LintResult lint() {
        return new Helm(chartDir).lint().strict().call();
    }

    private static void deepMerge(ObjectNode base, JsonNode overlay) {
        Iterator<Map.Entry<String, JsonNode>> fields = overlay.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode existing = base.get(field.getKey());
            if (existing instanceof ObjectNode existingObject
                    && field.getValue().isObject()) {
                deepMerge(existingObject, field.getValue());
            } else {
                base.set(field.getKey(), field.getValue());
            }
        }
    }

    /** A renderer for a fresh copy of this chart under {@code java.io.tmpdir}, to test a modified chart. */
    ChartRenderer copy() {
        try {
            Path target = Files.createTempDirectory(tmpDir(), "chart-");
            Path root = target.resolve(chartDir.getFileName());
            try (Stream<Path> files = Files.walk(chartDir)) {
                for (Path source : (Iterable<Path>) files::iterator) {
                    Path dest = root.resolve(chartDir.relativize(source).toString());
                    if (Files.isDirectory(source)) {
                        Files.createDirectories(dest);
                    } else {
                        Files.copy(source, dest);
                    }
                }
            }
            return new ChartRenderer(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path writeTemp(String yaml) {
        try {
            Path file = Files.createTempFile(tmpDir(), "values-", ".yaml");
            Files.writeString(file, yaml);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path tmpDir() throws IOException {
        return Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
    }
}
