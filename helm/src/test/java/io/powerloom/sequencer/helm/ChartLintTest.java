package io.powerloom.sequencer.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.LintResult;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code helm lint --strict} of the chart, as CI runs it. */
class ChartLintTest {

    private final ChartRenderer chart = ChartRenderer.ofBuild();

    @Test
    void lintsCleanWithRequiredValuesGiven() {
        LintResult result = chart.lintWith(chart.testValues());

        assertThat(result.isFailed())
                .as("lint messages: %s", result.getMessages())
                .isFalse();
        assertThat(result.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    }

    @Test
    void lintsCleanWithDefaultValues() {
        // lint mode reports `required`/`fail` as info only; the render tests check that they do fail an install
        LintResult result = chart.lint();

        assertThat(result.isFailed())
                .as("lint messages: %s", result.getMessages())
                .isFalse();
    }

    @Test
    void lintRendersNotesToo() throws Exception {
        // NOTES.txt is only shown after install; lint is where its template errors surface
        ChartRenderer broken = chart.copy();
        Path notes = broken.chartDir().resolve("templates/NOTES.txt");
        Files.writeString(notes, Files.readString(notes) + "{{ include \"sequencer.nosuchhelper\" . }}\n");

        LintResult result = broken.lintWith(chart.testValues());

        assertThat(result.isFailed()).isTrue();
        assertThat(String.join("\n", result.getMessages())).contains("NOTES.txt");
    }

    @Test
    void lintFailsOnABrokenTemplate() throws Exception {
        // the lint is not vacuous: an unclosed action in a template is an error
        ChartRenderer broken = chart.copy();
        Files.writeString(
                broken.chartDir().resolve("templates/broken.yaml"), "kind: {{ .Values.kafka.bootstrapServers\n");

        LintResult result = broken.lintWith(chart.testValues());

        assertThat(result.isFailed()).isTrue();
        assertThat(String.join("\n", result.getMessages())).contains("broken.yaml");
    }
}
