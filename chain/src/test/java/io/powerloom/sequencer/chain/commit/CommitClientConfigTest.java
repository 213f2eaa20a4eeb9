package io.powerloom.sequencer.chain.commit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommitClientConfigTest {
    private static final String KEY = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
    private static final String CONTRACT = "0x5fbdb2315678afecb367f032d93f642f64180aa3";

    @Test
    void survivesJavaSerialisationAsFlinkShipsIt() throws Exception {
        CommitClientConfig config = CommitClientConfig.builder("http://127.0.0.1:8545", CONTRACT)
                .signerKeyFile("/keys/a")
                .signerKeyEnvVar("SIGNER_B")
                .stuckAfter(Duration.ofSeconds(7))
                .build();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(config);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertThat(in.readObject()).isEqualTo(config);
        }
    }

    @Test
    void toStringHidesTheRpcPathWhereApiKeysLive() {
        CommitClientConfig config = CommitClientConfig.builder(
                        "https://rpc.example.org/v3/secret-api-key?x=1", CONTRACT)
                .signerKeyEnvVar("SIGNER_A")
                .build();
        assertThat(config.toString()).doesNotContain("secret-api-key").contains("https://rpc.example.org/…");
    }

    @Test
    void rejectsBadSettingsWithAReason() {
        assertThatThrownBy(
                        () -> CommitClientConfig.builder("http://x", CONTRACT).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no signer");
        assertThatThrownBy(() -> CommitClientConfig.builder("http://x", CONTRACT)
                        .signerKeyEnvVar("A")
                        .feeBumpPercent(5)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("feeBumpPercent");
    }

    @Test
    void signerKeysFromFilesAndEnvironmentNeverAppearInErrors(@TempDir Path dir) throws Exception {
        Path good = dir.resolve("good.key");
        Files.writeString(good, "0x" + KEY + "\n");
        Path bad = dir.resolve("bad.key");
        Files.writeString(bad, KEY.substring(0, 60) + "zz");
        CommitClientConfig ok = CommitClientConfig.builder("http://x", CONTRACT)
                .signerKeyFile(good.toString())
                .signerKeyEnvVar("SIGNER_B")
                .build();
        SignerPool pool = SignerPool.load(
                ok, Map.of("SIGNER_B", "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d")::get);
        assertThat(pool.addresses())
                .containsExactly(
                        "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266", "0x70997970c51812dc3a010c7d01b50e0d17dc79c8");
        assertThat(pool.toString()).doesNotContain(KEY);

        CommitClientConfig broken = CommitClientConfig.builder("http://x", CONTRACT)
                .signerKeyFile(bad.toString())
                .build();
        assertThatThrownBy(() -> SignerPool.load(broken, k -> null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bad.key")
                .hasMessageNotContaining(KEY.substring(0, 60));
        CommitClientConfig missing = CommitClientConfig.builder("http://x", CONTRACT)
                .signerKeyEnvVar("NOPE")
                .build();
        assertThatThrownBy(() -> SignerPool.load(missing, k -> null)).hasMessageContaining("NOPE");
        CommitClientConfig twice = CommitClientConfig.builder("http://x", CONTRACT)
                .signerKeyFile(good.toString())
                .signerKeyEnvVar("SAME")
                .build();
        assertThatThrownBy(() -> SignerPool.load(twice, Map.of("SAME", KEY)::get))
                .hasMessageContaining("twice");
    }

    @Test
    void noncesAreHandedOutWithoutGapsAndOnlyMoveUp() {
        CommitClientConfig cfg = CommitClientConfig.builder("http://x", CONTRACT)
                .signerKeyEnvVar("K")
                .build();
        SignerPool.Signer s =
                SignerPool.load(cfg, Map.of("K", KEY)::get).signers().get(0);
        assertThatThrownBy(s::allocateNonce).isInstanceOf(IllegalStateException.class);
        s.resync(7);
        assertThat(s.allocateNonce()).isEqualTo(7);
        assertThat(s.allocateNonce()).isEqualTo(8);
        s.resync(3); // a stale chain answer never moves the nonce back
        assertThat(s.allocateNonce()).isEqualTo(9);
        s.resync(20);
        assertThat(s.allocateNonce()).isEqualTo(20);
    }
}
