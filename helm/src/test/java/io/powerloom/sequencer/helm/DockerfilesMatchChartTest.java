package io.powerloom.sequencer.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * No Docker engine runs here, so the images cannot be built in this build. What can drift silently is checked
 * instead: the Dockerfiles and the chart must agree on jar path, user, ports and pinned base images.
 */
class DockerfilesMatchChartTest {

    private static final ChartRenderer CHART = ChartRenderer.ofBuild();
    private static final Path DOCKER = CHART.chartDir().getParent().getParent().resolve("docker");

    private static String dockerfile(String image) throws IOException {
        return Files.readString(DOCKER.resolve(image).resolve("Dockerfile"));
    }

    private static String argDefault(String dockerfile, String arg) {
        Matcher m = Pattern.compile("(?m)^ARG " + arg + "=(\\S+)$").matcher(dockerfile);
        assertThat(m.find()).as("ARG %s with a default", arg).isTrue();
        return m.group(1);
    }

    @Test
    void jobImageIsThePinnedFlinkImageWithTheJarWhereTheChartLooks() throws IOException {
        String df = dockerfile("flink-job");
        String jarUri = CHART.render().flinkDeployment().at("/spec/job/jarURI").asText();

        assertThat(argDefault(df, "FLINK_IMAGE")).isEqualTo("flink:2.2.1-java17");
        assertThat(df).contains("FROM ${FLINK_IMAGE}");
        assertThat(jarUri).startsWith("local://");
        assertThat(df)
                .containsPattern("(?m)^COPY .*flink-job/target/flink-job-\\$\\{SEQUENCER_VERSION}\\.jar "
                        + Pattern.quote(jarUri.substring("local://".length())) + "$");
        assertThat(df).contains("/opt/flink/plugins/s3-fs-presto");
    }

    @Test
    void bridgeImageRunsAsTheChartsNonRootUserOnTheChartsPorts() throws IOException {
        String df = dockerfile("ingest-bridge");
        RenderedChart rendered = CHART.render();
        Deployment deployment = rendered.get(Deployment.class, "Deployment", "pl-sequencer-bridge");
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();

        assertThat(argDefault(df, "JRE_IMAGE"))
                .startsWith("eclipse-temurin:17.")
                .doesNotContain("latest");
        assertThat(df)
                .containsPattern("(?m)^USER " + pod.getSecurityContext().getRunAsUser() + ":"
                        + pod.getSecurityContext().getRunAsGroup() + "$");
        List<Integer> ports = pod.getContainers().get(0).getPorts().stream()
                .map(p -> p.getContainerPort())
                .toList();
        assertThat(df).containsPattern("(?m)^EXPOSE " + ports.get(0) + " " + ports.get(1) + "$");
        assertThat(df).contains("io.powerloom.sequencer.bridge.IngestBridge");
        assertThat(df).contains("CMD [\"--config\", \"/etc/bridge/bridge.properties\"]");
        assertThat(pod.getContainers().get(0).getArgs()).containsExactly("--config", "/etc/bridge/bridge.properties");
    }

    @Test
    void dockerIgnoreFilesSendOnlyTheJars() throws IOException {
        assertThat(Files.readAllLines(DOCKER.resolve("flink-job/Dockerfile.dockerignore")))
                .contains("*", "!flink-job/target/flink-job-*.jar");
        assertThat(Files.readAllLines(DOCKER.resolve("ingest-bridge/Dockerfile.dockerignore")))
                .contains("*", "!ingest-bridge/target/ingest-bridge-*.jar");
    }

    @Test
    void queryImageRunsAsTheChartsNonRootUserOnTheChartsPortWithTheChartsPaths() throws IOException {
        String df = dockerfile("query-service");
        Deployment deployment = CHART.render().get(Deployment.class, "Deployment", "pl-sequencer-query");
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        Container c = pod.getContainers().get(0);

        assertThat(argDefault(df, "JRE_IMAGE"))
                .startsWith("eclipse-temurin:17.")
                .doesNotContain("latest");
        assertThat(df)
                .containsPattern("(?m)^USER " + pod.getSecurityContext().getRunAsUser() + ":"
                        + pod.getSecurityContext().getRunAsGroup() + "$");
        assertThat(df).containsPattern("(?m)^EXPOSE " + c.getPorts().get(0).getContainerPort() + "$");
        assertThat(df).contains("io.powerloom.sequencer.query.QueryService");
        assertThat(df).contains("CMD [\"" + c.getArgs().get(0) + "\"]");
        String stateMount = c.getVolumeMounts().stream()
                .filter(m -> m.getName().equals("state"))
                .findFirst()
                .orElseThrow()
                .getMountPath();
        assertThat(df).containsPattern("(?m)^VOLUME " + Pattern.quote(stateMount) + "$");
        assertThat(df).containsPattern("(?m)^WORKDIR " + Pattern.quote(stateMount) + "$");
    }
}
