package io.powerloom.sequencer.infra.ipfs;

import io.powerloom.sequencer.infra.TempDirs;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that runs a real {@link IpfsNode} (Helia, Kubo RPC subset) for a test class.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final IpfsExtension ipfs = new IpfsExtension();
 * ... new KuboRpcClient(ipfs.apiUri(), Duration.ofSeconds(10)) ...
 * }</pre>
 *
 * <p>Registered on a static field (or with {@code @ExtendWith}, then injected as a test method parameter) the
 * node lives for the whole class; on an instance field, for one test. Its repository is a fresh folder under
 * {@code java.io.tmpdir}, deleted afterwards.
 */
public final class IpfsExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {
    private IpfsNode node;
    private Path repoDir;
    private boolean classScoped;

    /** An extension whose node starts before the tests and stops after them. */
    public IpfsExtension() {}

    @Override
    public void beforeAll(ExtensionContext context) {
        classScoped = true;
        startNode();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stopNode();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!classScoped) {
            startNode();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!classScoped) {
            stopNode();
        }
    }

    private void startNode() {
        repoDir = TempDirs.create("ipfs-repo-");
        node = new IpfsNode(repoDir, 0, Duration.ofSeconds(60)).start();
    }

    private void stopNode() {
        if (node != null) {
            node.stop();
            node = null;
        }
        TempDirs.deleteRecursively(repoDir);
        repoDir = null;
    }

    /** The running node (for {@link IpfsNode#restart()}, {@link IpfsNode#peerId()}, ...). */
    public IpfsNode node() {
        if (node == null) {
            throw new IllegalStateException(
                    "IPFS node not started: register IpfsExtension with @RegisterExtension or @ExtendWith");
        }
        return node;
    }

    /** The RPC root, {@code http://127.0.0.1:<port>}. */
    public URI apiUri() {
        return node().apiUri();
    }

    /** Stops the node and starts it again over the same repository and port. */
    public void restart() {
        node().restart();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        // only a class-wide registration injects itself, so that a per-test one on a field does not compete
        return classScoped && parameterContext.getParameter().getType() == IpfsExtension.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return this;
    }
}
