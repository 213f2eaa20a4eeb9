package io.powerloom.sequencer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigDocsTest {

    @Test
    void theBlockListsEveryOptionItsDefaultTypeAndTheMigrationTable() {
        String block = ConfigDocs.block(ConfigLoaderTest.SET);
        assertThat(block)
                .contains("| `sequencer.chain.rpc-url` | http://127.0.0.1:8545 | string | rpc |")
                .contains("| `sequencer.kafka.linger` | 5 ms | duration |")
                .contains("| `sequencer.collect.max-message-bytes` | 64 KiB | byte size |")
                .contains("| `sequencer.anchor.mode` | commit | one of commit, audit, none, committed-or-earliest |")
                .contains("| `sequencer.data-market` | (none) | string | required |")
                .contains("| `sequencer.gossip.bootstrap-peers` | (empty) | list |")
                .contains("Keys under `sequencer.kafka.producer.` pass through")
                .contains("| `chain.rpc.url` | `sequencer.chain.rpc-url` |")
                .contains("| `kafka.producer.*` | `sequencer.kafka.producer.*` |")
                .contains("`SEQUENCER_BRIDGE_`");
    }

    @Test
    void aStaleBlockFailsNamingTheCommandAndIsRewrittenOnRequest(@TempDir Path dir) throws Exception {
        Path doc = dir.resolve("configuration.md");
        Files.writeString(doc, "# Ref\n\n<!-- generated: test -->\nold\n<!-- end generated: test -->\nafter\n");
        String write = System.clearProperty(ConfigDocs.WRITE_PROPERTY); // as in a build that only checks
        try {
            assertThatThrownBy(() -> ConfigDocs.verify(doc, "mvn regenerate", ConfigLoaderTest.SET))
                    .hasMessageContaining("out of date")
                    .hasMessageContaining("[test]")
                    .hasMessageContaining("mvn regenerate");
        } finally {
            if (write != null) {
                System.setProperty(ConfigDocs.WRITE_PROPERTY, write);
            }
        }
        ConfigDocs.main(new String[] {doc.toString(), Holder.class.getName()});
        String written = Files.readString(doc);
        assertThat(written)
                .startsWith("# Ref\n\n<!-- generated: test -->\n| Key |")
                .endsWith("<!-- end generated: test -->\nafter\n")
                .contains("`sequencer.chain.rpc-url`");
        ConfigDocs.verify(doc, "mvn regenerate", ConfigLoaderTest.SET); // in step now
    }

    @Test
    void aDocumentWithoutTheBlockIsRefused(@TempDir Path dir) throws Exception {
        Path doc = dir.resolve("configuration.md");
        Files.writeString(doc, "# Ref\n");
        assertThatThrownBy(() -> ConfigDocs.verify(doc, "x", ConfigLoaderTest.SET))
                .hasMessageContaining("no block <!-- generated: test -->");
    }

    public static final class Holder {
        public static final OptionSet OPTIONS = ConfigLoaderTest.SET;
    }
}
