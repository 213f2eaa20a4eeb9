package io.powerloom.sequencer.protocol.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.powerloom.sequencer.protocol.Vectors;
import io.powerloom.sequencer.protocol.wire.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.web3j.crypto.StructuredDataEncoder;

/** EIP-712 digests against ethers-made vectors and against web3j's StructuredDataEncoder. */
class Eip712Test {

    static Stream<JsonNode> vectors() {
        List<JsonNode> out = new ArrayList<>();
        Vectors.load("eip712.json").get("vectors").forEach(out::add);
        assertThat(out).hasSizeGreaterThanOrEqualTo(30);
        return out.stream();
    }

    static Eip712Domain domain(JsonNode v) {
        return new Eip712Domain(
                Long.parseUnsignedLong(v.get("domain").get("chainId").asText()),
                v.get("domain").get("verifyingContract").asText());
    }

    static Request request(JsonNode v) {
        JsonNode r = v.get("request");
        return new Request(
                Long.parseUnsignedLong(r.get("slotId").asText()),
                Long.parseUnsignedLong(r.get("deadline").asText()),
                r.get("snapshotCid").asText(),
                Long.parseUnsignedLong(r.get("epochId").asText()),
                r.get("projectId").asText());
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void digestMatchesEthers(JsonNode v) {
        Eip712Domain d = domain(v);
        Request r = request(v);
        assertThat(Hex.encode0x(d.separator()))
                .isEqualTo(v.get("domainSeparator").asText());
        assertThat(Hex.encode0x(Eip712.hashStruct(r)))
                .isEqualTo(v.get("hashStruct").asText());
        assertThat(Hex.encode0x(Eip712.digest(d, r))).isEqualTo(v.get("digest").asText());
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void digestMatchesWeb3jStructuredDataEncoder(JsonNode v) throws Exception {
        byte[] web3j = new StructuredDataEncoder(typedDataJson(v)).hashStructuredData();
        assertThat(Eip712.digest(domain(v), request(v))).isEqualTo(web3j);
    }

    @Test
    void differentFieldsGiveDifferentDigests() {
        Eip712Domain d = new Eip712Domain(104, "0x3B5A0FB70ef68B5dd677C7d614dFB89961f97401");
        Request base = new Request(1, 2, "cid", 3, "p");
        byte[] h = Eip712.digest(d, base);
        assertThat(Eip712.digest(d, new Request(2, 2, "cid", 3, "p"))).isNotEqualTo(h);
        assertThat(Eip712.digest(d, new Request(1, 3, "cid", 3, "p"))).isNotEqualTo(h);
        assertThat(Eip712.digest(d, new Request(1, 2, "cie", 3, "p"))).isNotEqualTo(h);
        assertThat(Eip712.digest(d, new Request(1, 2, "cid", 4, "p"))).isNotEqualTo(h);
        assertThat(Eip712.digest(d, new Request(1, 2, "cid", 3, "q"))).isNotEqualTo(h);
        assertThat(Eip712.digest(new Eip712Domain(105, d.verifyingContract()), base))
                .isNotEqualTo(h);
        // the address case does not matter
        assertThat(Eip712.digest(
                        new Eip712Domain(
                                104, d.verifyingContract().toUpperCase().replace("0X", "0x")),
                        base))
                .isEqualTo(h);
    }

    @Test
    void domainRejectsBadContractAddress() {
        assertThatThrownBy(() -> new Eip712Domain(1, "0x1234")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Eip712Domain(1, "0xzz00000000000000000000000000000000000000"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Eip712Domain(1, null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void separatorIsACopy() {
        Eip712Domain d = new Eip712Domain(1, "0x000000000000000000000000000000000000dead");
        d.separator()[0] ^= 1;
        assertThat(d.separator())
                .isEqualTo(new Eip712Domain(1, "0x000000000000000000000000000000000000dEaD").separator());
    }

    /** The digest as the spec composes it, from multi-part hashes (the implementation before the fast path). */
    private static byte[] referenceDigest(Eip712Domain d, Request r) {
        byte[] struct = Keccak256.hash(
                Keccak256.hash(Eip712.REQUEST_TYPE.getBytes(java.nio.charset.StandardCharsets.US_ASCII)),
                Eip712.uint256(r.slotId()),
                Eip712.uint256(r.deadline()),
                Keccak256.hash(r.snapshotCid().getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                Eip712.uint256(r.epochId()),
                Keccak256.hash(r.projectId().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(Eip712.hashStruct(r)).isEqualTo(struct);
        return Keccak256.hash(new byte[] {0x19, 0x01}, d.separator(), struct);
    }

    @Test
    void fastPathMatchesReferenceCompositionAndCacheKeepsDomainsApart() {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(712);
        Eip712Domain a = new Eip712Domain(104, "0x3B5A0FB70ef68B5dd677C7d614dFB89961f97401");
        Eip712Domain aCopy = new Eip712Domain(104, "0x3b5a0fb70ef68b5dd677c7d614dfb89961f97401");
        Eip712Domain b = new Eip712Domain(-1L, "0x3b5a0fb70ef68b5dd677c7d614dfb89961f97401");
        Eip712Domain c = new Eip712Domain(104, "0x000000000000000000000000000000000000dead");
        Eip712Domain[] domains = {a, b, aCopy, c, a, a, c, b};
        String alphabet = "abcXYZ019:_-é€\uD83D\uDE00\uD800";
        for (int i = 0; i < 500; i++) {
            StringBuilder cid = new StringBuilder();
            StringBuilder project = new StringBuilder();
            for (int k = rnd.nextInt(0, 300); k > 0; k--) {
                cid.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
            }
            for (int k = rnd.nextInt(0, 300); k > 0; k--) {
                project.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
            }
            Request r = new Request(rnd.nextLong(), rnd.nextLong(), cid.toString(), rnd.nextLong(), project.toString());
            Eip712Domain d = domains[i % domains.length];
            assertThat(Eip712.digest(d, r)).isEqualTo(referenceDigest(d, r));
        }
        assertThat(a.separator()).isEqualTo(aCopy.separator());
        assertThat(a.separator()).isNotEqualTo(b.separator());
        assertThat(a.separator()).isNotEqualTo(c.separator());
    }

    private static String typedDataJson(JsonNode v) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        ObjectNode types = root.putObject("types");
        ArrayNode dom = types.putArray("EIP712Domain");
        dom.addObject().put("name", "name").put("type", "string");
        dom.addObject().put("name", "version").put("type", "string");
        dom.addObject().put("name", "chainId").put("type", "uint256");
        dom.addObject().put("name", "verifyingContract").put("type", "address");
        ArrayNode req = types.putArray("EIPRequest");
        req.addObject().put("name", "slotId").put("type", "uint256");
        req.addObject().put("name", "deadline").put("type", "uint256");
        req.addObject().put("name", "snapshotCid").put("type", "string");
        req.addObject().put("name", "epochId").put("type", "uint256");
        req.addObject().put("name", "projectId").put("type", "string");
        root.put("primaryType", "EIPRequest");
        ObjectNode d = root.putObject("domain");
        d.put("name", "PowerloomProtocolContract");
        d.put("version", "0.1");
        d.put("chainId", new java.math.BigInteger(v.get("domain").get("chainId").asText()));
        d.put("verifyingContract", v.get("domain").get("verifyingContract").asText());
        ObjectNode msg = root.putObject("message");
        JsonNode r = v.get("request");
        msg.put("slotId", new java.math.BigInteger(r.get("slotId").asText()));
        msg.put("deadline", new java.math.BigInteger(r.get("deadline").asText()));
        msg.put("snapshotCid", r.get("snapshotCid").asText());
        msg.put("epochId", new java.math.BigInteger(r.get("epochId").asText()));
        msg.put("projectId", r.get("projectId").asText());
        return root.toString();
    }
}
