package io.powerloom.sequencer.helm;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.StreamSupport;

/**
 * Checks a custom resource against the OpenAPI v3 schema of its CustomResourceDefinition, the way the API
 * server's structural schema sees it: types, enums, required fields and, above all, fields the schema does not
 * know. The API server prunes unknown fields silently, so a misspelt key in a template would be lost without an
 * error at install time; here it is a test failure.
 *
 * <p>Covers the schema keywords the fabric8-generated Flink operator CRDs use: {@code type}, {@code properties},
 * {@code additionalProperties}, {@code items}, {@code enum}, {@code required}, {@code nullable},
 * {@code x-kubernetes-int-or-string} and {@code x-kubernetes-preserve-unknown-fields}.
 */
final class CrdSchemaValidator {

    /** The FlinkDeployment CRD as shipped in {@code org.apache.flink:flink-kubernetes-operator-api}. */
    static final String FLINK_DEPLOYMENT_CRD = "META-INF/fabric8/flinkdeployments.flink.apache.org-v1.yml";

    private final String group;
    private final String kind;
    private final String version;
    private final JsonNode schema;
    private final Map<String, Set<String>> extraEnumValues;

    /**
     * @param crd the CustomResourceDefinition (apiextensions.k8s.io/v1)
     * @param version the served version to check against, e.g. {@code v1beta1}
     * @param extraEnumValues per dotted path (e.g. {@code spec.flinkVersion}), enum values accepted beyond the
     *     schema's list: for values that a newer operator release added to an enum
     */
    CrdSchemaValidator(JsonNode crd, String version, Map<String, Set<String>> extraEnumValues) {
        this.group = crd.at("/spec/group").asText();
        this.kind = crd.at("/spec/names/kind").asText();
        this.version = version;
        this.schema = StreamSupport.stream(crd.at("/spec/versions").spliterator(), false)
                .filter(v -> version.equals(v.path("name").asText()))
                .map(v -> v.at("/schema/openAPIV3Schema"))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        "CRD " + crd.at("/metadata/name").asText() + " has no version " + version));
        this.extraEnumValues = Map.copyOf(extraEnumValues);
    }

    /** Loads a CRD file from the test classpath. */
    static CrdSchemaValidator fromClasspath(String resource, String version, Map<String, Set<String>> extraEnumValues) {
        try (InputStream in = CrdSchemaValidator.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("CRD not on the classpath: " + resource);
            }
            return new CrdSchemaValidator(RenderedChart.YAML.readTree(in), version, extraEnumValues);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** All violations of the resource, each as "path: reason"; empty when the resource fits the schema. */
    List<String> validate(JsonNode resource) {
        List<String> errors = new ArrayList<>();
        String apiVersion = group + "/" + version;
        if (!apiVersion.equals(resource.path("apiVersion").asText())) {
            errors.add("apiVersion: expected " + apiVersion + ", got " + resource.path("apiVersion"));
        }
        if (!kind.equals(resource.path("kind").asText())) {
            errors.add("kind: expected " + kind + ", got " + resource.path("kind"));
        }
        if (!resource.path("metadata").path("name").isTextual()) {
            errors.add("metadata.name: missing");
        }
        Iterator<String> names = resource.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (Set.of("apiVersion", "kind", "metadata").contains(name)) {
                continue;
            }
            JsonNode fieldSchema = schema.path("properties").get(name);
            if (fieldSchema == null) {
                errors.add(name + ": unknown field");
            } else {
                check(resource.get(name), fieldSchema, name, errors);
            }
        }
        return errors;
    }

    private void check(JsonNode value, JsonNode s, String path, List<String> errors) {
        if (value.isNull()) {
            if (!s.path("nullable").asBoolean(false)) {
                errors.add(path + ": null is not allowed");
            }
            return;
        }
        if (s.path("x-kubernetes-int-or-string").asBoolean(false)) {
            if (!(value.isIntegralNumber() || value.isTextual())) {
                errors.add(path + ": expected integer or string, got " + value.getNodeType());
            }
            return;
        }
        String type = s.path("type").asText("");
        switch (type) {
            case "object" -> checkObject(value, s, path, errors);
            case "array" -> {
                if (!value.isArray()) {
                    errors.add(path + ": expected array, got " + value.getNodeType());
                } else if (s.has("items")) {
                    for (int i = 0; i < value.size(); i++) {
                        check(value.get(i), s.get("items"), path + "[" + i + "]", errors);
                    }
                }
            }
            case "string" -> {
                if (!value.isTextual()) {
                    errors.add(path + ": expected string, got " + value.getNodeType() + " " + value);
                }
            }
            case "integer" -> {
                if (!value.isIntegralNumber()) {
                    errors.add(path + ": expected integer, got " + value.getNodeType() + " " + value);
                }
            }
            case "number" -> {
                if (!value.isNumber()) {
                    errors.add(path + ": expected number, got " + value.getNodeType() + " " + value);
                }
            }
            case "boolean" -> {
                if (!value.isBoolean()) {
                    errors.add(path + ": expected boolean, got " + value.getNodeType() + " " + value);
                }
            }
            default -> {
                // no type: anything goes
            }
        }
        if (s.has("enum")) {
            boolean listed =
                    StreamSupport.stream(s.get("enum").spliterator(), false).anyMatch(e -> e.equals(value));
            boolean extra = extraEnumValues.getOrDefault(path, Set.of()).contains(value.asText());
            if (!listed && !extra) {
                errors.add(path + ": " + value + " is not one of " + s.get("enum"));
            }
        }
    }

    private void checkObject(JsonNode value, JsonNode s, String path, List<String> errors) {
        if (!value.isObject()) {
            errors.add(path + ": expected object, got " + value.getNodeType());
            return;
        }
        for (JsonNode required : s.path("required")) {
            if (!value.has(required.asText())) {
                errors.add(path + "." + required.asText() + ": required");
            }
        }
        JsonNode properties = s.get("properties");
        JsonNode additional = s.get("additionalProperties");
        boolean preserveUnknown = s.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String childPath = path + "." + field.getKey();
            JsonNode childSchema = properties == null ? null : properties.get(field.getKey());
            if (childSchema != null) {
                check(field.getValue(), childSchema, childPath, errors);
            } else if (additional != null && additional.isObject()) {
                check(field.getValue(), additional, childPath, errors);
            } else if (properties != null && !preserveUnknown && !(additional != null && additional.asBoolean(false))) {
                errors.add(childPath + ": unknown field (the API server would prune it)");
            }
        }
    }
}
