package io.powerloom.sequencer.protocol.cid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.powerloom.sequencer.protocol.Vectors;
import io.powerloom.sequencer.protocol.crypto.Hex;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** CIDs against vectors from the multiformats npm package (and Debian's ipfs-cid when installed). */
class CidTest {

    @Test
    void rawLeavesMatchMultiformats() throws Exception {
        JsonNode vs = Vectors.load("cid.json").get("vectors");
        assertThat(vs.size()).isGreaterThanOrEqualTo(5);
        for (JsonNode v : vs) {
            byte[] content = Hex.decode(v.get("contentHex").asText());
            String cid = Cid.rawLeavesV1(content);
            assertThat(cid)
                    .isEqualTo(v.get("cid").asText())
                    .startsWith("bafkrei")
                    .hasSize(59);
            Cid parsed = Cid.parse(cid);
            assertThat(parsed.version()).isEqualTo(1);
            assertThat(parsed.codec()).isEqualTo(Cid.RAW);
            assertThat(parsed.multihashCode()).isEqualTo(Cid.SHA2_256);
            assertThat(parsed.digest()).isEqualTo(Cid.sha256(content));
            assertThat(parsed.toString()).isEqualTo(cid);
            Cid v0 = Cid.parse(v.get("cidV0OfSameDigest").asText());
            assertThat(v0.version()).isZero();
            assertThat(v0.digest()).isEqualTo(parsed.digest());
            assertThat(v0.toString()).isEqualTo(v.get("cidV0OfSameDigest").asText());
        }
    }

    @Test
    void parsesOtherCids() throws Exception {
        for (JsonNode v : Vectors.load("cid.json").get("parse")) {
            Cid c = Cid.parse(v.get("cid").asText());
            assertThat(c.version()).isEqualTo(v.get("version").asInt());
            assertThat(c.codec()).isEqualTo(v.get("codec").asLong());
            assertThat(c.multihashCode()).isEqualTo(v.get("multihashCode").asLong());
            assertThat(Hex.encode(c.digest())).isEqualTo(v.get("digestHex").asText());
            assertThat(c.toString()).isEqualTo(v.get("cid").asText());
        }
    }

    @Test
    void rejectsInvalidCids() {
        String good = Cid.rawLeavesV1("x".getBytes(StandardCharsets.UTF_8));
        assertThat(Cid.isValid(good)).isTrue();
        assertThatThrownBy(() -> Cid.parse(""))
                .isInstanceOf(CidFormatException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> Cid.parse("z" + good.substring(1))).hasMessageContaining("multibase");
        assertThatThrownBy(() -> Cid.parse(good.toUpperCase())).hasMessageContaining("multibase");
        assertThatThrownBy(() -> Cid.parse(good.substring(0, 40))).isInstanceOf(CidFormatException.class);
        assertThatThrownBy(() -> Cid.parse(good + "a")).isInstanceOf(CidFormatException.class);
        assertThatThrownBy(() -> Cid.parse(good.replace('k', '1'))).hasMessageContaining("not base32");
        assertThatThrownBy(() -> Cid.parse("QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbd0"))
                .hasMessageContaining("base58");
        assertThat(Cid.isValid("hello")).isFalse();
        assertThat(Cid.isValid(null)).isFalse();
    }

    @Test
    void differentContentDifferentCid() {
        assertThat(Cid.rawLeavesV1(new byte[] {1})).isNotEqualTo(Cid.rawLeavesV1(new byte[] {2}));
    }

    /**
     * Optional cross-check with Debian's {@code ipfs_cid} (package ipfs-cid), skipped when it is not
     * installed. That tool only computes UnixFS dag-pb CIDs (as {@code ipfs add} without raw leaves),
     * so it cannot check raw-leaves CIDs; it does check that our parser reads its v0 and v1 forms of
     * the same dag-pb node consistently and prints them back unchanged.
     */
    @Test
    void parsesDebianIpfsCidOutputWhenInstalled(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path tool = Path.of("/usr/bin/ipfs_cid");
        Assumptions.assumeTrue(Files.isExecutable(tool), "ipfs_cid (Debian package ipfs-cid) is not installed");
        for (JsonNode v : Vectors.load("cid.json").get("vectors")) {
            Path f = dir.resolve("content.bin");
            Files.write(f, Hex.decode(v.get("contentHex").asText()));
            JsonNode out =
                    new com.fasterxml.jackson.databind.ObjectMapper().readTree(run(tool.toString(), f.toString()));
            Cid v0 = Cid.parse(out.get("CIDv0").asText());
            Cid v1 = Cid.parse(out.get("CIDv1").asText());
            assertThat(v0.version()).isZero();
            assertThat(v1.version()).isEqualTo(1);
            assertThat(v1.codec()).isEqualTo(Cid.DAG_PB);
            assertThat(v1.digest()).isEqualTo(v0.digest());
            assertThat(v0.toString()).isEqualTo(out.get("CIDv0").asText());
            assertThat(v1.toString()).isEqualTo(out.get("CIDv1").asText());
        }
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        int end = out.indexOf('}');
        return out.substring(0, end + 1); // the tool appends timing lines after the JSON
    }
}
