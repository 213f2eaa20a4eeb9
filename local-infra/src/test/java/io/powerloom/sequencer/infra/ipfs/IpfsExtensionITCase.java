package io.powerloom.sequencer.infra.ipfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link IpfsExtension} with {@code @ExtendWith} (class-scoped, injected) and on an instance field (one node per test). */
@ExtendWith(IpfsExtension.class)
class IpfsExtensionITCase {

    @RegisterExtension
    final IpfsExtension perTest = new IpfsExtension();

    @Test
    void classNodeIsInjectedAndPerTestNodeIsSeparate(IpfsExtension classNode) {
        assertThat(classNode.node().isRunning()).isTrue();
        assertThat(perTest.node().isRunning()).isTrue();
        assertThat(perTest.apiUri()).isNotEqualTo(classNode.apiUri());
        assertThat(perTest.node().peerId()).isNotEqualTo(classNode.node().peerId());
        assertThat(Files.isRegularFile(perTest.node().repoDir().resolve("identity.key")))
                .isTrue();
    }
}
