package io.powerloom.sequencer.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes the configuration reference from the option declarations: each {@link OptionSet} is one generated block of
 * {@code docs/configuration.md}, between {@code <!-- generated: NAME -->} and {@code <!-- end generated: NAME -->}
 * (the prose around the blocks is written by hand): a table of the options (key, default, type, meaning), the
 * pass-through prefixes, and a migration table of the deprecated keys.
 *
 * <p>{@code java -cp … io.powerloom.sequencer.config.ConfigDocs docs/configuration.md <class>…} rewrites the blocks of
 * the given classes' {@code public static final OptionSet OPTIONS}; each module's documentation test does the same
 * with {@code -Dconfig.docs.write=true} and otherwise fails when its block and its options differ.
 */
public final class ConfigDocs {
    /** Set to {@code true} to rewrite the blocks instead of checking them. */
    public static final String WRITE_PROPERTY = "config.docs.write";

    private ConfigDocs() {}

    /** The generated block of one set (without its markers). */
    public static String block(OptionSet set) {
        StringBuilder b = new StringBuilder();
        b.append("| Key | Default | Type | Meaning |\n|---|---|---|---|\n");
        for (Option<?> o : set.options()) {
            b.append("| `")
                    .append(o.key())
                    .append("` | ")
                    .append(cell(
                            o.defaultText() == null
                                    ? "(none)"
                                    : o.defaultText().isEmpty() ? "(empty)" : o.defaultText()))
                    .append(" | ")
                    .append(cell(o.type().name()))
                    .append(" | ")
                    .append(cell(o.description()))
                    .append(" |\n");
        }
        for (Map.Entry<String, List<String>> p : set.passThrough().entrySet()) {
            b.append("\nKeys under `")
                    .append(p.getKey())
                    .append("` pass through unchanged (the rest of the key is the client's setting; environment: `")
                    .append(Env.name(p.getKey()))
                    .append("<NAME>`, `_` read as `.`).\n");
        }
        List<String[]> migration = new ArrayList<>();
        for (Option<?> o : set.options()) {
            for (String d : o.deprecatedKeys()) {
                migration.add(new String[] {d, o.key()});
            }
        }
        for (Map.Entry<String, List<String>> p : set.passThrough().entrySet()) {
            for (String alias : p.getValue()) {
                migration.add(new String[] {alias + "*", p.getKey() + "*"});
            }
        }
        if (!migration.isEmpty()) {
            b.append("\nDeprecated keys, still accepted with a warning naming the new key");
            if (!set.legacyEnvPrefix().isEmpty()) {
                b.append(" (their environment variables too: `")
                        .append(set.legacyEnvPrefix())
                        .append("` and the old key upper-cased, `.` and `-` as `_`)");
            }
            b.append(":\n\n| Old key | New key |\n|---|---|\n");
            for (String[] m : migration) {
                b.append("| `").append(m[0]).append("` | `").append(m[1]).append("` |\n");
            }
        }
        return b.toString();
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    static String begin(String name) {
        return "<!-- generated: " + name + " -->\n";
    }

    static String end(String name) {
        return "<!-- end generated: " + name + " -->";
    }

    /**
     * {@code doc} with the block of {@code set} replaced.
     *
     * @throws IllegalStateException when the document has no markers for the set
     */
    public static String replaceBlock(String doc, OptionSet set) {
        String begin = begin(set.name());
        int from = doc.indexOf(begin);
        int to = doc.indexOf(end(set.name()));
        if (from < 0 || to < from) {
            throw new IllegalStateException(
                    "no block " + begin.trim() + " … " + end(set.name()) + " in the configuration reference");
        }
        return doc.substring(0, from + begin.length()) + block(set) + doc.substring(to);
    }

    /**
     * Checks that {@code file} holds the generated blocks of {@code sets}, or rewrites them when the system property
     * {@value #WRITE_PROPERTY} is {@code true}.
     *
     * @param regenerate the command that rewrites them, printed when they differ
     * @throws IllegalStateException naming the stale blocks and the command
     */
    public static void verify(Path file, String regenerate, OptionSet... sets) throws IOException {
        String doc = Files.readString(file, StandardCharsets.UTF_8);
        String updated = doc;
        List<String> stale = new ArrayList<>();
        for (OptionSet set : sets) {
            String next = replaceBlock(updated, set);
            if (!next.equals(updated)) {
                stale.add(set.name());
            }
            updated = next;
        }
        if (stale.isEmpty()) {
            return;
        }
        if (Boolean.getBoolean(WRITE_PROPERTY)) {
            Files.writeString(file, updated, StandardCharsets.UTF_8);
            return;
        }
        throw new IllegalStateException(file + " is out of date with the option declarations (blocks " + stale
                + "); regenerate it with:\n  " + regenerate);
    }

    /** {@code ConfigDocs <docs/configuration.md> <class with OPTIONS>…}: rewrites the blocks of those classes. */
    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println(
                    "usage: ConfigDocs <docs/configuration.md> <class with public static OptionSet OPTIONS>...");
            System.exit(2);
        }
        Path file = Path.of(args[0]);
        String doc = Files.readString(file, StandardCharsets.UTF_8);
        for (int i = 1; i < args.length; i++) {
            OptionSet set =
                    (OptionSet) Class.forName(args[i]).getField("OPTIONS").get(null);
            doc = replaceBlock(doc, set);
        }
        Files.writeString(file, doc, StandardCharsets.UTF_8);
    }
}
