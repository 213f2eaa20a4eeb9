package io.powerloom.sequencer.anchor.ipfs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.powerloom.sequencer.protocol.cid.Cid;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client's own logic without an IPFS node: address handling, serialization, argument checks, and its reaction
 * to a misbehaving server (a wrong CID, corrupt bytes, slow or refused connections) that a correct node cannot
 * produce. Requests as they arrive on the wire are recorded and checked. The real node is in
 * {@link KuboRpcClientITCase}.
 */
class KuboRpcClientTest {

    private HttpServer server;
    private final AtomicReference<Recorded> last = new AtomicReference<>();
    private volatile int status = 200;
    private volatile byte[] answer = new byte[0];
    private volatile long delayMs;

    record Recorded(String method, String path, String query, String contentType, byte[] body) {}

    @BeforeEach
    void startServer() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            last.set(new Recorded(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().getPath(),
                    exchange.getRequestURI().getRawQuery(),
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    body));
            try {
                Thread.sleep(delayMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] out = answer;
            exchange.sendResponseHeaders(status, out.length == 0 ? -1 : out.length);
            exchange.getResponseBody().write(out);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private KuboRpcClient client(Duration timeout) {
        return new KuboRpcClient(
                URI.create("http://127.0.0.1:" + server.getAddress().getPort()), timeout);
    }

    private void answer(int status, String body) {
        this.status = status;
        this.answer = body.getBytes(UTF_8);
    }

    private static IpfsException failure(CompletableFuture<?> f) {
        try {
            f.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(IpfsException.class);
            return (IpfsException) e.getCause();
        } catch (Exception e) {
            throw new AssertionError("unexpected " + e, e);
        }
        throw new AssertionError("expected the future to fail");
    }

    @Test
    void apiBaseIsNormalisedToTheRpcPrefix() {
        assertThat(new KuboRpcClient(URI.create("http://127.0.0.1:5001"), Duration.ofSeconds(1)).apiBase())
                .isEqualTo(URI.create("http://127.0.0.1:5001/api/v0/"));
        assertThat(new KuboRpcClient(URI.create("http://127.0.0.1:5001/"), Duration.ofSeconds(1)).apiBase())
                .isEqualTo(URI.create("http://127.0.0.1:5001/api/v0/"));
        assertThat(new KuboRpcClient(URI.create("https://ipfs.example:443/api/v0/"), Duration.ofSeconds(1)).apiBase())
                .isEqualTo(URI.create("https://ipfs.example:443/api/v0/"));
        assertThat(new KuboRpcClient(URI.create("http://proxy/ipfs"), Duration.ofSeconds(1)).apiBase())
                .isEqualTo(URI.create("http://proxy/ipfs/api/v0/"));
    }

    @Test
    void rejectsUnusableAddressesAndTimeouts() {
        assertThatThrownBy(() -> new KuboRpcClient(URI.create("ftp://x:1"), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("http(s)");
        assertThatThrownBy(() -> new KuboRpcClient(URI.create("/api/v0"), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new KuboRpcClient(URI.create("http://x:1/?a=b"), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("query");
        assertThatThrownBy(() -> new KuboRpcClient(URI.create("http://x:1"), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timeout");
    }

    @Test
    void survivesJavaSerializationAsFlinkShipsIt() throws Exception {
        KuboRpcClient original = client(Duration.ofSeconds(5));
        answer(200, "{\"ID\":\"12D3KooWbefore\"}");
        assertThat(original.id().get(10, TimeUnit.SECONDS)).isEqualTo("12D3KooWbefore"); // HttpClient now created

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(original);
        }
        KuboRpcClient copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (KuboRpcClient) in.readObject();
        }
        assertThat(copy.apiBase()).isEqualTo(original.apiBase());
        assertThat(copy.timeout()).isEqualTo(Duration.ofSeconds(5));
        answer(200, "{\"ID\":\"12D3KooWafter\"}");
        assertThat(copy.id().get(10, TimeUnit.SECONDS)).isEqualTo("12D3KooWafter");
    }

    @Test
    void addSendsKubosMultipartRequest() throws Exception {
        byte[] content = "{\"batch\":1}".getBytes(UTF_8);
        answer(200, "{\"Name\":\"batch\",\"Hash\":\"bafkreisomething\",\"Size\":\"11\"}\n");
        assertThat(client(Duration.ofSeconds(5))
                        .add(content, AddOptions.rawLeavesV1())
                        .get(10, TimeUnit.SECONDS))
                .isEqualTo("bafkreisomething");

        Recorded r = last.get();
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.path()).isEqualTo("/api/v0/add");
        assertThat(r.query()).isEqualTo("cid-version=1&raw-leaves=true&pin=true&chunker=size-1048576&hash=sha2-256");
        assertThat(r.contentType()).startsWith("multipart/form-data; boundary=");
        String boundary = r.contentType().substring("multipart/form-data; boundary=".length());
        assertThat(r.body())
                .isEqualTo(MultipartBody.ofFile("batch", content, boundary).bytes());
    }

    @Test
    void aNodeReturningAnotherCidFailsVerificationWithoutRetry() {
        byte[] content = "{\"batch\":2}".getBytes(UTF_8);
        String wrong = Cid.rawLeavesV1("something else".getBytes(UTF_8));
        answer(200, "{\"Name\":\"batch\",\"Hash\":\"" + wrong + "\",\"Size\":\"11\"}");
        IpfsException e = failure(client(Duration.ofSeconds(5)).addAndPinVerified(content));
        assertThat(e.kind()).isEqualTo(IpfsException.Kind.CID_MISMATCH);
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains(wrong).contains(Cid.rawLeavesV1(content));
        assertThat(last.get().path()).isEqualTo("/api/v0/add"); // no pin was attempted
    }

    @Test
    void catChecksRawBlocksAgainstTheirCid() throws Exception {
        String cid = Cid.rawLeavesV1("right".getBytes(UTF_8));
        answer(200, "right");
        assertThat(client(Duration.ofSeconds(5)).cat(cid).get(10, TimeUnit.SECONDS))
                .isEqualTo("right".getBytes(UTF_8));
        assertThat(last.get().query()).isEqualTo("arg=" + cid);

        answer(200, "wrong");
        IpfsException e = failure(client(Duration.ofSeconds(5)).cat(cid));
        assertThat(e.kind()).isEqualTo(IpfsException.Kind.CID_MISMATCH);
    }

    @Test
    void pinMustBeConfirmedForTheSameCid() throws Exception {
        String cid = Cid.rawLeavesV1("x".getBytes(UTF_8));
        answer(200, "{\"Pins\":[\"" + cid + "\"]}");
        client(Duration.ofSeconds(5)).pin(cid).get(10, TimeUnit.SECONDS);
        assertThat(last.get().path()).isEqualTo("/api/v0/pin/add");

        answer(200, "{\"Pins\":[]}");
        assertThat(failure(client(Duration.ofSeconds(5)).pin(cid)).kind()).isEqualTo(IpfsException.Kind.BAD_RESPONSE);
    }

    @Test
    void argumentsAreCheckedBeforeAnythingIsSent() {
        last.set(null);
        IpfsException tooLarge =
                failure(client(Duration.ofSeconds(5)).addAndPinVerified(new byte[KuboRpcClient.MAX_VERIFIED_SIZE + 1]));
        assertThat(tooLarge.kind()).isEqualTo(IpfsException.Kind.CONTENT_TOO_LARGE);
        assertThat(tooLarge.retryable()).isFalse();
        assertThat(tooLarge.getMessage()).contains("1048577 bytes").contains("1048576");

        IpfsException notACid = failure(client(Duration.ofSeconds(5)).cat("../../etc/passwd"));
        assertThat(notACid.kind()).isEqualTo(IpfsException.Kind.INVALID_ARGUMENT);
        assertThat(failure(client(Duration.ofSeconds(5)).pin("")).kind())
                .isEqualTo(IpfsException.Kind.INVALID_ARGUMENT);
        assertThat(last.get()).isNull();
    }

    @Test
    void nodeErrorsCarryStatusAndKuboMessage() {
        answer(500, "{\"Message\":\"failed to get block: context canceled\",\"Code\":0,\"Type\":\"error\"}");
        IpfsException e = failure(client(Duration.ofSeconds(5)).id());
        assertThat(e.kind()).isEqualTo(IpfsException.Kind.NODE_ERROR);
        assertThat(e.httpStatus()).isEqualTo(500);
        assertThat(e.kuboMessage()).isEqualTo("failed to get block: context canceled");
        assertThat(e.retryable()).isTrue();
    }

    @Test
    void slowAnswersTimeOutAsRetryableTransportErrors() {
        delayMs = 1_500;
        answer(200, "{\"ID\":\"late\"}");
        long t0 = System.nanoTime();
        IpfsException e = failure(client(Duration.ofMillis(300)).id());
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(1_400));
        assertThat(e.kind()).isEqualTo(IpfsException.Kind.TRANSPORT);
        assertThat(e.retryable()).isTrue();
        assertThat(e.getMessage()).contains("no complete answer within");
    }

    @Test
    void refusedConnectionsAreRetryableTransportErrors() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        KuboRpcClient c = new KuboRpcClient(URI.create("http://127.0.0.1:" + closedPort), Duration.ofSeconds(2));
        IpfsException e = failure(c.id());
        assertThat(e.kind()).isEqualTo(IpfsException.Kind.TRANSPORT);
        assertThat(e.retryable()).isTrue();
        assertThat(e.httpStatus()).isEqualTo(IpfsException.NO_STATUS);
    }
}
