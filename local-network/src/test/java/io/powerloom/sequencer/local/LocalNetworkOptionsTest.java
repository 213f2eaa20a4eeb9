package io.powerloom.sequencer.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LocalNetworkOptionsTest {

    @Test
    void defaults() {
        LocalNetworkOptions o = LocalNetworkOptions.defaults();
        assertThat(o.slots()).isEqualTo(10);
        assertThat(o.fullNodes()).isEqualTo(8);
        assertThat(o.projects()).isEqualTo(20);
        assertThat(o.windowSeconds()).isEqualTo(20);
        assertThat(o.epochInterval()).isEqualTo(Duration.ofSeconds(25));
        assertThat(o.duration()).isNull();
        assertThat(o.webPort()).isEqualTo(8081);
        assertThat(o.dataDir()).isEqualTo(Path.of(".run/local"));
        assertThat(o.epochsADay()).isEqualTo(20);
        assertThat(o.dailyQuota()).isEqualTo(100);
    }

    @Test
    void aShortDayAndAQuotaForAccounting() {
        LocalNetworkOptions o = LocalNetworkOptions.parse(new String[] {"--epochs-a-day", "6", "--daily-quota=12"});
        assertThat(o.epochsADay()).isEqualTo(6);
        assertThat(o.dailyQuota()).isEqualTo(12);
        assertThatThrownBy(() -> LocalNetworkOptions.parse(new String[] {"--epochs-a-day", "1"}))
                .isInstanceOfSatisfying(
                        LocalNetworkOptions.OptionsException.class,
                        e -> assertThat(e.option()).isEqualTo("epochs-a-day"));
        assertThatThrownBy(() -> LocalNetworkOptions.parse(new String[] {"--daily-quota", "-1"}))
                .isInstanceOf(LocalNetworkOptions.OptionsException.class)
                .hasMessageContaining("--daily-quota");
    }

    @Test
    void parsesBothForms() {
        LocalNetworkOptions o = LocalNetworkOptions.parse(new String[] {
            "--slots", "4", "--duration=150s", "--faulty-share", "0.25", "--window-seconds=10", "--web-port", "0"
        });
        assertThat(o.slots()).isEqualTo(4);
        assertThat(o.fullNodes()).isEqualTo(2);
        assertThat(o.duration()).isEqualTo(Duration.ofSeconds(150));
        assertThat(o.faultyShare()).isEqualTo(0.25);
        assertThat(o.epochInterval()).isEqualTo(Duration.ofSeconds(15));
        assertThat(o.webPort()).isZero();
    }

    @Test
    void durations() {
        assertThat(LocalNetworkOptions.duration("d", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(LocalNetworkOptions.duration("d", "3m")).isEqualTo(Duration.ofMinutes(3));
        assertThat(LocalNetworkOptions.duration("d", "90")).isEqualTo(Duration.ofSeconds(90));
        assertThatThrownBy(() -> LocalNetworkOptions.duration("duration", "soon"))
                .isInstanceOf(LocalNetworkOptions.OptionsException.class)
                .hasMessageContaining("--duration");
    }

    @Test
    void badInputIsATypedErrorNamingTheOption() {
        assertThatThrownBy(() -> LocalNetworkOptions.parse(new String[] {"--slotz", "3"}))
                .isInstanceOfSatisfying(
                        LocalNetworkOptions.OptionsException.class,
                        e -> assertThat(e.option()).isEqualTo("slotz"))
                .hasMessageContaining("unknown setting");
        assertThatThrownBy(() -> LocalNetworkOptions.parse(new String[] {"--slots"}))
                .isInstanceOf(LocalNetworkOptions.OptionsException.class)
                .hasMessageContaining("missing value");
        assertThatThrownBy(() -> LocalNetworkOptions.parse(new String[] {"--slots", "many"}))
                .isInstanceOf(LocalNetworkOptions.OptionsException.class)
                .hasMessageContaining("not an integer");
        assertThatThrownBy(() -> LocalNetworkOptions.parse(new String[] {"--faulty-share", "1.5"}))
                .isInstanceOf(LocalNetworkOptions.OptionsException.class)
                .hasMessageContaining("--faulty-share");
        assertThatThrownBy(() -> LocalNetworkOptions.parse(new String[] {"--full-nodes", "11"}))
                .isInstanceOf(LocalNetworkOptions.OptionsException.class)
                .hasMessageContaining("--full-nodes");
        assertThatThrownBy(() -> LocalNetworkOptions.parse(new String[] {"slots"}))
                .isInstanceOf(LocalNetworkOptions.OptionsException.class);
    }

    @Test
    void help() {
        assertThat(LocalNetworkOptions.wantsHelp(new String[] {"--slots", "3", "--help"}))
                .isTrue();
        assertThat(LocalNetworkOptions.wantsHelp(new String[] {"--slots", "3"})).isFalse();
        assertThat(LocalNetworkOptions.usage())
                .contains(
                        "--sequencer.local.duration",
                        "--sequencer.local.faulty-share",
                        "--sequencer.local.slots",
                        "--sequencer.local.projects");
    }

    @Test
    void theNewKeysAndTheGeneratedReference() throws Exception {
        LocalNetworkOptions o = LocalNetworkOptions.parse(
                new String[] {"--sequencer.local.slots", "5", "--local.duration=2m", "--slots", "6"});
        assertThat(o.slots()).isEqualTo(5); // the new key wins over the old one given alongside
        assertThat(o.duration()).isEqualTo(Duration.ofMinutes(2));
        assertThat(LocalNetworkOptions.usage())
                .contains("--sequencer.local.slots")
                .contains("(default 10)");
        Path doc = Path.of(System.getProperty("maven.multiModuleProjectDirectory", ".."), "docs", "configuration.md");
        if (!java.nio.file.Files.exists(doc)) {
            doc = Path.of("..", "docs", "configuration.md");
        }
        io.powerloom.sequencer.config.ConfigDocs.verify(
                doc,
                "mvn -B -ntp -q -pl local-network -am test -Dtest=LocalNetworkOptionsTest -Dconfig.docs.write=true "
                        + "-Dsurefire.failIfNoSpecifiedTests=false",
                LocalNetworkOptions.OPTIONS);
    }
}
