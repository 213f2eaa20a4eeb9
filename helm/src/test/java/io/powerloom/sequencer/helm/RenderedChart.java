package io.powerloom.sequencer.helm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.stream.Collectors;

/**
 * The manifests of one {@code helm template} run, parsed with Jackson YAML.
 *
 * <p>Built-in kinds are read into fabric8's typed Kubernetes model ({@link #get}); unknown fields fail the read,
 * so a misspelt field in a template is caught. The FlinkDeployment is kept as a tree ({@link #flinkDeployment()})
 * and checked against the operator's CRD schema by {@link CrdSchemaValidator}.
 */
final class RenderedChart {

    /** YAML mapper that refuses unknown properties in typed reads. */
    static final ObjectMapper YAML =
            new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final String text;
    private final List<JsonNode> documents;

    private RenderedChart(String text, List<JsonNode> documents) {
        this.text = text;
        this.documents = documents;
    }

    /** Parses the multi-document output of {@code helm template}; empty documents are skipped. */
    static RenderedChart parse(String text) {
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(text)) {
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && doc.isObject() && doc.size() > 0) {
                    docs.add(doc);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("rendered chart is not valid YAML", e);
        }
        return new RenderedChart(text, List.copyOf(docs));
    }

    String text() {
        return text;
    }

    List<JsonNode> documents() {
        return documents;
    }

    /** "Kind/name" of every document, in render order. */
    List<String> kindsAndNames() {
        return documents.stream()
                .map(d -> d.path("kind").asText() + "/"
                        + d.path("metadata").path("name").asText())
                .collect(Collectors.toList());
    }

    /** The single document of this kind and name. */
    JsonNode tree(String kind, String name) {
        return documents.stream()
                .filter(d -> kind.equals(d.path("kind").asText())
                        && name.equals(d.path("metadata").path("name").asText()))
                .findFirst()
                .orElseThrow(() ->
                        new NoSuchElementException(kind + "/" + name + " not rendered; rendered: " + kindsAndNames()));
    }

    boolean has(String kind, String name) {
        return kindsAndNames().contains(kind + "/" + name);
    }

    /** The document of this kind and name, read into a typed model (e.g. fabric8's {@code Deployment}). */
    <T> T get(Class<T> type, String kind, String name) {
        try {
            return YAML.treeToValue(tree(kind, name), type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(
                    kind + "/" + name + " does not fit " + type.getName() + ": " + e.getMessage(), e);
        }
    }

    /** The one FlinkDeployment. */
    JsonNode flinkDeployment() {
        List<JsonNode> found = documents.stream()
                .filter(d -> "FlinkDeployment".equals(d.path("kind").asText()))
                .toList();
        if (found.size() != 1) {
            throw new IllegalStateException(
                    "expected one FlinkDeployment, got " + found.size() + ": " + kindsAndNames());
        }
        return found.get(0);
    }
}
