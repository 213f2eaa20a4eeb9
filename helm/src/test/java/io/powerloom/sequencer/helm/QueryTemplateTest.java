package io.powerloom.sequencer.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.io.StringReader;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The query service's Deployment, Service and ConfigMap, read into fabric8's typed Kubernetes model. */
class QueryTemplateTest {

    private static final ChartRenderer CHART = ChartRenderer.ofBuild();
    private static final String NAME = "pl-sequencer-query";
    private static RenderedChart defaults;

    @BeforeAll
    static void render() {
        defaults = CHART.render();
    }

    private static Container container(RenderedChart chart) {
        return chart.get(Deployment.class, "Deployment", NAME)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0);
    }

    private static Properties queryProperties(RenderedChart chart) throws IOException {
        ConfigMap cm = chart.get(ConfigMap.class, "ConfigMap", NAME);
        Properties p = new Properties();
        p.load(new StringReader(cm.getData().get("query.properties")));
        return p;
    }

    @Test
    void runsANonRootInstanceWithItsConfigStateVolumeAndHealthProbe() throws IOException {
        Deployment d = defaults.get(Deployment.class, "Deployment", NAME);
        PodSpec pod = d.getSpec().getTemplate().getSpec();
        Container c = container(defaults);

        assertThat(d.getSpec().getReplicas()).isEqualTo(1);
        assertThat(d.getSpec().getSelector().getMatchLabels()).containsEntry("app.kubernetes.io/component", "query");
        assertThat(d.getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(d.getSpec().getSelector().getMatchLabels());
        assertThat(c.getImage()).isEqualTo("powerloom-sequencer/query-service:0.1.0");
        assertThat(c.getArgs()).containsExactly("/etc/query-service/query.properties");
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(10001L);
        assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(c.getPorts())
                .singleElement()
                .satisfies(p -> assertThat(p.getContainerPort()).isEqualTo(8090));
        assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/health");

        Map<String, String> mounts =
                c.getVolumeMounts().stream().collect(Collectors.toMap(m -> m.getName(), m -> m.getMountPath()));
        assertThat(mounts)
                .containsEntry("config", "/etc/query-service")
                .containsEntry("state", "/var/lib/query-service")
                .containsEntry("tmp", "/tmp");
        Map<String, Volume> volumes = pod.getVolumes().stream().collect(Collectors.toMap(Volume::getName, v -> v));
        assertThat(volumes.get("state").getEmptyDir().getSizeLimit().toString()).isEqualTo("10Gi");
        assertThat(volumes.get("config").getConfigMap().getName()).isEqualTo(NAME);

        // each instance advertises its pod address, so the others can forward reads to it
        Map<String, EnvVar> env = c.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
        assertThat(env.get("POD_IP").getValueFrom().getFieldRef().getFieldPath())
                .isEqualTo("status.podIP");
        assertThat(env.get("SEQUENCER_QUERY_HTTP_ADVERTISED").getValue()).isEqualTo("$(POD_IP):8090");

        Properties p = queryProperties(defaults);
        assertThat(p.getProperty("sequencer.kafka.bootstrap-servers")).isNotBlank();
        assertThat(p.getProperty("sequencer.query.application-id")).isEqualTo(NAME);
        assertThat(p.getProperty("sequencer.query.state-dir")).isEqualTo("/var/lib/query-service");
        assertThat(p.getProperty("sequencer.query.http-listen")).isEqualTo("0.0.0.0:8090");
        assertThat(p.getProperty("sequencer.kafka.topics.protocol-chain")).isEqualTo("protocol-chain");
        assertThat(p.getProperty("sequencer.kafka.topics.bridge-rejects")).isEqualTo("submissions-rejected");
        assertThat(p.getProperty("sequencer.query.retention-days")).isEqualTo("45");
        assertThat(p.stringPropertyNames()).noneMatch(k -> k.startsWith("sequencer.query.auth."));

        Service svc = defaults.get(Service.class, "Service", NAME);
        assertThat(svc.getSpec().getType()).isEqualTo("ClusterIP");
        assertThat(svc.getSpec().getPorts()).extracting(ServicePort::getPort).containsExactly(8090);
        assertThat(svc.getSpec().getSelector())
                .containsAllEntriesOf(d.getSpec().getSelector().getMatchLabels());
    }

    @Test
    void valuesChangesShowUpAndDisablingRemovesIt() throws IOException {
        RenderedChart changed = CHART.render("""
        kafka:
          topics:
            submissions: subs-eu
        query:
          replicas: 2
          applicationId: query-eu
          retentionDays: 60
          http:
            port: 9000
          extraProperties:
            kafka.streams.num.standby.replicas: "1"
        """);
        assertThat(changed.get(Deployment.class, "Deployment", NAME).getSpec().getReplicas())
                .isEqualTo(2);
        Properties p = queryProperties(changed);
        assertThat(p.getProperty("sequencer.query.application-id")).isEqualTo("query-eu");
        assertThat(p.getProperty("sequencer.kafka.topics.submissions")).isEqualTo("subs-eu");
        assertThat(p.getProperty("sequencer.query.http-listen")).isEqualTo("0.0.0.0:9000");
        assertThat(p.getProperty("sequencer.query.retention-days")).isEqualTo("60");
        assertThat(p.getProperty("kafka.streams.num.standby.replicas")).isEqualTo("1");
        assertThat(container(changed).getPorts().get(0).getContainerPort()).isEqualTo(9000);
        // a changed configuration rolls the pods
        assertThat(changed.get(Deployment.class, "Deployment", NAME)
                        .getSpec()
                        .getTemplate()
                        .getMetadata()
                        .getAnnotations()
                        .get("checksum/config"))
                .isNotEqualTo(defaults.get(Deployment.class, "Deployment", NAME)
                        .getSpec()
                        .getTemplate()
                        .getMetadata()
                        .getAnnotations()
                        .get("checksum/config"));

        RenderedChart off = CHART.render("""
        query:
          enabled: false
        """);
        assertThat(off.has("Deployment", NAME)).isFalse();
        assertThat(off.has("Service", NAME)).isFalse();
        assertThat(off.has("ConfigMap", NAME)).isFalse();
    }
}
