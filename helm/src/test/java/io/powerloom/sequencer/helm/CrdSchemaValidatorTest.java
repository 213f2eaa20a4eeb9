package io.powerloom.sequencer.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The schema check can fail: each kind of mistake in a rendered FlinkDeployment is reported with its path. */
class CrdSchemaValidatorTest {

    private static final CrdSchemaValidator STRICT =
            CrdSchemaValidator.fromClasspath(CrdSchemaValidator.FLINK_DEPLOYMENT_CRD, "v1beta1", Map.of());
    private static final CrdSchemaValidator WITH_V2_2 = FlinkDeploymentTemplateTest.CRD;

    private static ObjectNode rendered() {
        return (ObjectNode) ChartRenderer.ofBuild().render().flinkDeployment().deepCopy();
    }

    @Test
    void acceptsTheRenderedDeploymentOnlyWithTheNewerFlinkVersionAllowed() {
        ObjectNode fd = rendered();

        assertThat(WITH_V2_2.validate(fd)).isEmpty();
        assertThat(STRICT.validate(fd))
                .containsExactly(
                        "spec.flinkVersion: \"v2_2\" is not one of [\"v1_13\",\"v1_14\",\"v1_15\",\"v1_16\",\"v1_17\",\"v1_18\",\"v1_19\",\"v1_20\"]");
    }

    @Test
    void reportsAMisspeltField() {
        ObjectNode fd = rendered();
        ((ObjectNode) fd.at("/spec/job")).put("paralelism", 4);
        ((ObjectNode) fd.at("/spec/podTemplate/spec/containers/0")).putArray("envFrm");

        assertThat(WITH_V2_2.validate(fd))
                .containsExactlyInAnyOrder(
                        "spec.job.paralelism: unknown field (the API server would prune it)",
                        "spec.podTemplate.spec.containers[0].envFrm: unknown field (the API server would prune it)");
    }

    @Test
    void reportsWrongTypesAndEnumValues() {
        ObjectNode fd = rendered();
        ((ObjectNode) fd.at("/spec/job")).put("parallelism", "4");
        ((ObjectNode) fd.at("/spec/job")).put("upgradeMode", "last_state");
        ((ObjectNode) fd.at("/spec/flinkConfiguration")).put("taskmanager.numberOfTaskSlots", 2);
        ((ObjectNode) fd.at("/spec/jobManager/resource")).put("cpu", "500m");

        assertThat(WITH_V2_2.validate(fd))
                .containsExactlyInAnyOrder(
                        "spec.job.parallelism: expected integer, got STRING \"4\"",
                        "spec.job.upgradeMode: \"last_state\" is not one of [\"last-state\",\"savepoint\",\"stateless\"]",
                        "spec.flinkConfiguration.taskmanager.numberOfTaskSlots: expected string, got NUMBER 2",
                        "spec.jobManager.resource.cpu: expected number, got STRING \"500m\"");
    }

    @Test
    void reportsWrongKindAndUnknownTopLevelField() {
        ObjectNode fd = rendered();
        fd.put("apiVersion", "flink.apache.org/v1");
        fd.putObject("sepc");

        assertThat(WITH_V2_2.validate(fd))
                .containsExactlyInAnyOrder(
                        "apiVersion: expected flink.apache.org/v1beta1, got \"flink.apache.org/v1\"",
                        "sepc: unknown field");
    }

    @Test
    void acceptsIntOrStringQuantitiesInThePodTemplate() {
        ObjectNode fd = rendered();
        JsonNode container = fd.at("/spec/podTemplate/spec/containers/0");
        ObjectNode limits = ((ObjectNode) container).putObject("resources").putObject("limits");
        limits.put("memory", "4Gi");
        limits.put("cpu", 2);

        assertThat(WITH_V2_2.validate(fd)).isEmpty();
        limits.put("cpu", true);
        assertThat(WITH_V2_2.validate(fd))
                .containsExactly(
                        "spec.podTemplate.spec.containers[0].resources.limits.cpu: expected integer or string, got BOOLEAN");
    }

    @Test
    void unknownVersionIsAnError() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CrdSchemaValidator.fromClasspath(
                        CrdSchemaValidator.FLINK_DEPLOYMENT_CRD, "v9", Map.of("x", Set.of())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has no version v9");
    }
}
