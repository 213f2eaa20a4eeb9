package io.powerloom.sequencer.infra.ipfs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.powerloom.sequencer.infra.TempDirs;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Helia node of {@code ipfs-server.mjs} through plain HTTP, as a Kubo client would talk to it: add, cat,
 * pins, identity, Kubo-style errors, and a restart over the same repository.
 */
class IpfsNodeITCase {

    @RegisterExtension
    static final IpfsExtension IPFS = new IpfsExtension();

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String BOUNDARY = "----test-boundary-7MA4YWxkTrZu0gW";

    @Test
    void addReturnsTheRawLeavesCidv1ComputedHereAndCatGivesTheBytesBack() throws Exception {
        for (int size : new int[] {0, 1, 5_000, 256 * 1024, 1024 * 1024}) {
            byte[] content = randomBytes(size, size);
            HttpResponse<String> added =
                    add(content, "cid-version=1&raw-leaves=true&pin=true&chunker=size-1048576&hash=sha2-256");
            assertThat(added.statusCode()).as("add of %d bytes", size).isEqualTo(200);
            String cid = rawLeavesCid(content);
            assertThat(added.body().trim())
                    .isEqualTo("{\"Name\":\"doc.json\",\"Hash\":\"" + cid + "\",\"Size\":\"" + size + "\"}");

            HttpResponse<byte[]> cat = post("cat?arg=" + cid);
            assertThat(cat.statusCode()).isEqualTo(200);
            assertThat(cat.body()).isEqualTo(content);
        }
    }

    @Test
    void contentLargerThanOneChunkBecomesADagPbRootWithTheSameBytes() throws Exception {
        byte[] content = randomBytes(300_000, 3);
        HttpResponse<String> added = add(content, "cid-version=1&raw-leaves=true&chunker=size-262144");
        assertThat(added.statusCode()).isEqualTo(200);
        String cid = field(added.body(), "Hash");
        assertThat(cid).startsWith("bafybei").isNotEqualTo(rawLeavesCid(content));
        assertThat(post("cat?arg=" + cid).body()).isEqualTo(content);
        assertThat(post("cat?arg=/ipfs/" + cid + "&offset=262140&length=8").body())
                .isEqualTo(java.util.Arrays.copyOfRange(content, 262140, 262148));
    }

    @Test
    void kuboDefaultsGiveCidv0() throws Exception {
        HttpResponse<String> added = add("hello".getBytes(UTF_8), "");
        // Kubo's well-known CIDv0 of "hello" (dag-pb, 256 KiB chunks, no raw leaves)
        assertThat(field(added.body(), "Hash")).isEqualTo("QmWfVY9y3xjsixTgbd9AorQxH7VtMpzfx2HaWtsoUYecaX");
    }

    @Test
    void pinsAreListedAndPinAddAnswersLikeKubo() throws Exception {
        byte[] content = "{\"pin\":\"me\"}".getBytes(UTF_8);
        String cid = field(add(content, "cid-version=1&pin=false").body(), "Hash");
        HttpResponse<byte[]> notPinned = post("pin/ls?arg=" + cid);
        assertThat(notPinned.statusCode()).isEqualTo(500);
        assertThat(new String(notPinned.body(), UTF_8)).contains("is not pinned");

        HttpResponse<byte[]> pinned = post("pin/add?arg=" + cid);
        assertThat(pinned.statusCode()).isEqualTo(200);
        assertThat(new String(pinned.body(), UTF_8).trim()).isEqualTo("{\"Pins\":[\"" + cid + "\"]}");
        assertThat(new String(post("pin/ls?arg=" + cid).body(), UTF_8).trim())
                .isEqualTo("{\"Keys\":{\"" + cid + "\":{\"Type\":\"recursive\"}}}");
        assertThat(new String(post("pin/ls").body(), UTF_8)).contains(cid);
    }

    @Test
    void errorsAreKuboShaped() throws Exception {
        String unknown = rawLeavesCid("never added".getBytes(UTF_8));
        HttpResponse<byte[]> missing = post("cat?arg=" + unknown);
        assertThat(missing.statusCode()).isEqualTo(500);
        assertThat(new String(missing.body(), UTF_8).trim())
                .isEqualTo("{\"Message\":\"block was not found locally (offline): ipld: could not find " + unknown
                        + "\",\"Code\":0,\"Type\":\"error\"}");

        HttpResponse<byte[]> pinMissing = post("pin/add?arg=" + unknown);
        assertThat(pinMissing.statusCode()).isEqualTo(500);
        assertThat(new String(pinMissing.body(), UTF_8))
                .contains("could not find " + unknown)
                .contains("\"Type\":\"error\"");

        HttpResponse<byte[]> invalid = post("cat?arg=not-a-cid");
        assertThat(invalid.statusCode()).isEqualTo(500);
        assertThat(new String(invalid.body(), UTF_8)).startsWith("{\"Message\":\"invalid path \\\"not-a-cid\\\"");

        HttpResponse<byte[]> noArg = post("cat");
        assertThat(noArg.statusCode()).isEqualTo(400);
        assertThat(new String(noArg.body(), UTF_8)).contains("\"Code\":1");

        HttpResponse<String> badChunker = add(new byte[10], "cid-version=1&chunker=rabin-1-2-3");
        assertThat(badChunker.statusCode()).isEqualTo(500);
        assertThat(badChunker.body()).contains("chunker").contains("\"Type\":\"error\"");

        HttpResponse<String> badHash = add(new byte[10], "cid-version=1&hash=sha3-256");
        assertThat(badHash.statusCode()).isEqualTo(500);
        assertThat(badHash.body()).contains("sha3-256");

        HttpResponse<String> notMultipart = HTTP.send(
                HttpRequest.newBuilder(api("add"))
                        .POST(HttpRequest.BodyPublishers.ofString("plain"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(notMultipart.statusCode()).isEqualTo(400);
        assertThat(notMultipart.body()).contains("multipart");

        HttpResponse<String> get =
                HTTP.send(HttpRequest.newBuilder(api("id")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(post("no/such/command").statusCode()).isEqualTo(404);
    }

    @Test
    void idAndVersionAnswer() throws Exception {
        String id = new String(post("id").body(), UTF_8);
        assertThat(field(id, "ID")).isEqualTo(IPFS.node().peerId()).startsWith("12D3KooW");
        assertThat(field(new String(post("version").body(), UTF_8), "Version")).isNotBlank();
    }

    @Test
    void restartOverTheSameRepositoryKeepsPinsAndIdentityAndStopEndsTheProcess() throws Exception {
        Path repo = TempDirs.create("ipfs-restart-");
        try (IpfsNode node = new IpfsNode(repo, 0, Duration.ofSeconds(60))) {
            long t0 = System.nanoTime();
            node.start();
            System.out.printf("IpfsNode cold start: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            // several chunks: after the restart the DAG comes from disk, not from the node's recent-blocks memory
            byte[] content = randomBytes(600 * 1024, 50);
            String cid = field(
                    sendAdd(node.apiUri(), content, "cid-version=1&raw-leaves=true&pin=true")
                            .body(),
                    "Hash");
            assertThat(cid).startsWith("bafybei"); // a dag-pb root over raw leaves
            String peerId = node.peerId();
            long firstPid = node.pid();

            node.stop();
            assertThat(node.isRunning()).isFalse();
            assertThat(ProcessHandle.of(firstPid).map(ProcessHandle::isAlive).orElse(false))
                    .isFalse();

            long t1 = System.nanoTime();
            node.start();
            System.out.printf("IpfsNode restart: %d ms%n", (System.nanoTime() - t1) / 1_000_000);
            assertThat(node.peerId()).isEqualTo(peerId);
            assertThat(sendPost(node.apiUri(), "cat?arg=" + cid).body()).isEqualTo(content);
            assertThat(new String(sendPost(node.apiUri(), "pin/ls?arg=" + cid).body(), UTF_8))
                    .contains("recursive");
        } finally {
            TempDirs.deleteRecursively(repo);
        }
    }

    @Test
    void aBusyRequestedPortFailsWithTheReasonAndATakenPreviousPortIsReplaced() throws Exception {
        Path repo = TempDirs.create("ipfs-ports-");
        try (java.net.ServerSocket busy = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            IpfsNode onBusyPort = new IpfsNode(repo, busy.getLocalPort(), Duration.ofSeconds(60));
            assertThatThrownBy(onBusyPort::start)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("exited with code 1")
                    .hasMessageContaining("EADDRINUSE");
            assertThat(onBusyPort.isRunning()).isFalse();
        }
        try (IpfsNode node = new IpfsNode(repo, 0, Duration.ofSeconds(60))) {
            assertThatThrownBy(node::apiUri)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("never started");
            node.start();
            int first = node.port();
            node.stop();
            try (java.net.ServerSocket taken =
                    new java.net.ServerSocket(first, 1, java.net.InetAddress.getLoopbackAddress())) {
                node.start(); // its old port is taken now: it moves to a free one
                assertThat(node.port()).isNotEqualTo(first);
                assertThat(new String(sendPost(node.apiUri(), "id").body(), UTF_8))
                        .contains(node.peerId());
            }
        } finally {
            TempDirs.deleteRecursively(repo);
        }
    }

    @Test
    void startingTwiceIsRefused() {
        assertThatThrownBy(() -> IPFS.node().start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already running");
    }

    // ------------------------------------------------------------------ helpers

    private static URI api(String command) {
        return IPFS.apiUri().resolve("/api/v0/" + command);
    }

    private static HttpResponse<byte[]> post(String commandAndQuery) throws Exception {
        return sendPost(IPFS.apiUri(), commandAndQuery);
    }

    private static HttpResponse<byte[]> sendPost(URI root, String commandAndQuery) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(root.resolve("/api/v0/" + commandAndQuery))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpResponse<String> add(byte[] content, String query) throws Exception {
        return sendAdd(IPFS.apiUri(), content, query);
    }

    private static HttpResponse<String> sendAdd(URI root, byte[] content, String query) throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"doc.json\"\r\n"
                        + "Content-Type: application/octet-stream\r\n\r\n")
                .getBytes(UTF_8));
        body.write(content);
        body.write(("\r\n--" + BOUNDARY + "--\r\n").getBytes(UTF_8));
        return HTTP.send(
                HttpRequest.newBuilder(root.resolve("/api/v0/add" + (query.isEmpty() ? "" : "?" + query)))
                        .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String field(String json, String name) {
        var m = java.util.regex.Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]*)\"")
                .matcher(json);
        assertThat(m.find()).as("field %s in %s", name, json).isTrue();
        return m.group(1);
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** CIDv1, raw codec, sha2-256, base32: computed here independently of the node. */
    private static String rawLeavesCid(byte[] content) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(content);
        byte[] cid = new byte[4 + digest.length];
        cid[0] = 0x01;
        cid[1] = 0x55;
        cid[2] = 0x12;
        cid[3] = 0x20;
        System.arraycopy(digest, 0, cid, 4, digest.length);
        String alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        StringBuilder sb = new StringBuilder("b");
        int buffer = 0;
        int bits = 0;
        for (byte value : cid) {
            buffer = (buffer << 8) | (value & 0xff);
            bits += 8;
            while (bits >= 5) {
                sb.append(alphabet.charAt((buffer >> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        if (bits > 0) {
            sb.append(alphabet.charAt((buffer << (5 - bits)) & 31));
        }
        return sb.toString();
    }
}
