package io.powerloom.sequencer.anchor.ipfs;

import io.powerloom.sequencer.protocol.cid.Cid;
import io.powerloom.sequencer.protocol.cid.CidFormatException;
import java.io.IOException;
import java.io.Serializable;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * A non-blocking client of the Kubo RPC API ({@code POST /api/v0/...}) for the calls the sequencer makes: add,
 * pin, cat and id. It talks to a Kubo node, an IPFS Cluster proxy, or the local Helia node of {@code local-infra}.
 *
 * <p>Every call returns a {@link CompletableFuture} at once; it fails with an {@link IpfsException} (possibly
 * wrapped in a {@link CompletionException}) that says whether a retry may help. Each request is bounded by the
 * time-out given here.
 *
 * <p>The client is {@link Serializable} so a Flink function may hold it: only the address and time-out travel; the
 * {@link HttpClient} is created on first use in the JVM where it runs.
 *
 * <pre>{@code
 * KuboRpcClient ipfs = new KuboRpcClient(URI.create("http://127.0.0.1:5001"), Duration.ofSeconds(10));
 * ipfs.addAndPinVerified(document).thenAccept(cid -> ...);   // bafkrei…, pinned, checked against Cid.rawLeavesV1
 * }</pre>
 */
public final class KuboRpcClient implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The largest document {@link #addAndPinVerified(byte[])} uploads: one 1 MiB block. */
    public static final int MAX_VERIFIED_SIZE = AddOptions.MAX_CHUNK_SIZE;

    private final URI apiBase;
    private final Duration timeout;
    private transient volatile HttpClient http;

    /**
     * A client of the node at {@code apiBase}: its root ({@code http://127.0.0.1:5001}) or the RPC prefix itself
     * ({@code http://127.0.0.1:5001/api/v0}).
     *
     * @param timeout bound of each request, from sending to the last byte of the answer
     * @throws IllegalArgumentException for a URI that is not absolute http(s) with a host, or a non-positive time-out
     */
    public KuboRpcClient(URI apiBase, Duration timeout) {
        this.apiBase = normalize(Objects.requireNonNull(apiBase, "apiBase"));
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
    }

    private static URI normalize(URI uri) {
        String scheme = uri.getScheme();
        if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme) || uri.getHost() == null) {
            throw new IllegalArgumentException(
                    "IPFS API must be an http(s) URL with a host, e.g. http://127.0.0.1:5001, got " + uri);
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("IPFS API URL must not have a query or fragment: " + uri);
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (!path.endsWith("/api/v0")) {
            path = path + "/api/v0";
        }
        return URI.create(scheme.toLowerCase() + "://" + uri.getRawAuthority() + path + "/");
    }

    /** The RPC prefix all calls go below, e.g. {@code http://127.0.0.1:5001/api/v0/}. */
    public URI apiBase() {
        return apiBase;
    }

    /** The bound of each request. */
    public Duration timeout() {
        return timeout;
    }

    /**
     * Adds {@code content} as one file ({@code POST add}, multipart) and completes with the CID the node reports.
     * Nothing is checked against a local CID here: see {@link #addAndPinVerified(byte[])}.
     */
    public CompletableFuture<String> add(byte[] content, AddOptions options) {
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(options, "options");
        MultipartBody body = MultipartBody.ofFile("batch", content);
        HttpRequest request = request("add?" + options.toQuery())
                .header("Content-Type", body.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.bytesUnsafe()))
                .build();
        return send("add", request, KuboResponses::addedHash);
    }

    /**
     * Pins {@code cid} recursively ({@code POST pin/add}); completes when the node reports it pinned.
     *
     * @return a future that fails with {@link IpfsException.Kind#INVALID_ARGUMENT} for a string that is not a CID,
     *         and with {@link IpfsException.Kind#BAD_RESPONSE} when the node's answer does not list the CID
     */
    public CompletableFuture<Void> pin(String cid) {
        Cid parsed;
        try {
            parsed = parseCid(cid);
        } catch (IpfsException e) {
            return CompletableFuture.failedFuture(e);
        }
        return send(
                "pin/add",
                request("pin/add?arg=" + encode(cid))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                body -> {
                    List<String> pins = KuboResponses.pins(body);
                    if (pins.stream().noneMatch(p -> sameCid(p, parsed))) {
                        throw new IpfsException(
                                IpfsException.Kind.BAD_RESPONSE,
                                "IPFS pin/add of " + cid + " answered with other pins: " + pins,
                                true);
                    }
                    return null;
                });
    }

    /**
     * Whether {@code cid} is pinned recursively ({@code POST pin/ls?arg=…&type=recursive}). Kubo answers an
     * unpinned CID with an error whose message says "is not pinned": that completes with {@code false}.
     */
    public CompletableFuture<Boolean> isPinned(String cid) {
        Cid parsed;
        try {
            parsed = parseCid(cid);
        } catch (IpfsException e) {
            return CompletableFuture.failedFuture(e);
        }
        HttpRequest request = request("pin/ls?arg=" + encode(cid) + "&type=recursive")
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
        return send(
                "pin/ls",
                request,
                body -> KuboResponses.pinnedKeys(body).stream().anyMatch(k -> sameCid(k, parsed)),
                nodeError -> {
                    if (nodeError.kuboMessage() != null
                            && nodeError.kuboMessage().contains("is not pinned")) {
                        return false;
                    }
                    throw nodeError;
                });
    }

    /**
     * The bytes of {@code cid} ({@code POST cat}). For a raw sha2-256 CID ({@code bafkrei…}) the bytes are checked
     * against it, and a mismatch fails with {@link IpfsException.Kind#CID_MISMATCH}.
     */
    public CompletableFuture<byte[]> cat(String cid) {
        Cid parsed;
        try {
            parsed = parseCid(cid);
        } catch (IpfsException e) {
            return CompletableFuture.failedFuture(e);
        }
        return send(
                "cat",
                request("cat?arg=" + encode(cid))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                body -> {
                    if (parsed.codec() == Cid.RAW
                            && parsed.multihashCode() == Cid.SHA2_256
                            && !Arrays.equals(sha256(body), parsed.digest())) {
                        throw new IpfsException(
                                IpfsException.Kind.CID_MISMATCH,
                                "IPFS cat of " + cid + " returned " + body.length + " bytes that do not hash to it",
                                true);
                    }
                    return body;
                });
    }

    /** The node's peer ID ({@code POST id}); also a cheap liveness check. */
    public CompletableFuture<String> id() {
        return send(
                "id", request("id").POST(HttpRequest.BodyPublishers.noBody()).build(), KuboResponses::peerId);
    }

    /**
     * Uploads a document of at most {@value #MAX_VERIFIED_SIZE} bytes as one raw block (CIDv1, raw leaves, sha2-256,
     * {@code chunker=size-1048576}), pinned, and completes with its CID once the node has reported both the add and
     * the pin, after checking that the node's CID equals {@link Cid#rawLeavesV1(byte[])} of the same bytes.
     *
     * @return a future failing with {@link IpfsException.Kind#CONTENT_TOO_LARGE} (nothing sent) for larger content,
     *         with {@link IpfsException.Kind#CID_MISMATCH} when the node's CID differs, or as {@link #add} and
     *         {@link #pin} fail
     */
    public CompletableFuture<String> addAndPinVerified(byte[] content) {
        Objects.requireNonNull(content, "content");
        return addAndPinVerified(content, content.length > MAX_VERIFIED_SIZE ? null : Cid.rawLeavesV1(content));
    }

    /**
     * As {@link #addAndPinVerified(byte[])}, with the content's {@link Cid#rawLeavesV1(byte[])} already computed by the
     * caller (the batcher has it): spares hashing the document again on the caller's thread.
     */
    public CompletableFuture<String> addAndPinVerified(byte[] content, String expected) {
        Objects.requireNonNull(content, "content");
        if (content.length > MAX_VERIFIED_SIZE) {
            return CompletableFuture.failedFuture(new IpfsException(
                    IpfsException.Kind.CONTENT_TOO_LARGE,
                    "document of " + content.length + " bytes is larger than one IPFS block (" + MAX_VERIFIED_SIZE
                            + " bytes): the batcher must keep batch documents below that",
                    false));
        }
        Objects.requireNonNull(expected, "expected");
        return add(content, AddOptions.rawLeavesV1()).thenCompose(actual -> {
            if (!expected.equals(actual)) {
                throw new IpfsException(
                        IpfsException.Kind.CID_MISMATCH,
                        "IPFS node returned CID " + actual
                                + " for " + content.length + " bytes whose CIDv1 (raw leaves, sha2-256) is " + expected
                                + ": the node does not add with the requested options",
                        false);
            }
            return pin(actual).thenApply(ignored -> actual);
        });
    }

    // ------------------------------------------------------------------ plumbing

    private HttpRequest.Builder request(String commandAndQuery) {
        return HttpRequest.newBuilder(apiBase.resolve(commandAndQuery)).timeout(timeout);
    }

    private <T> CompletableFuture<T> send(String command, HttpRequest request, Function<byte[], T> onSuccess) {
        return send(command, request, onSuccess, nodeError -> {
            throw nodeError;
        });
    }

    /** Sends {@code request}; a non-200 answer goes to {@code onNodeError}, which may turn it into a result. */
    private <T> CompletableFuture<T> send(
            String command,
            HttpRequest request,
            Function<byte[], T> onSuccess,
            Function<IpfsException, T> onNodeError) {
        CompletableFuture<HttpResponse<byte[]>> sent;
        try {
            sent = http().sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(new IpfsException(
                    IpfsException.Kind.TRANSPORT,
                    "IPFS " + command + " could not be sent to " + apiBase + ": " + e.getMessage(),
                    IpfsException.NO_STATUS,
                    null,
                    false,
                    e));
        }
        return sent.handle((response, error) -> {
            if (error != null) {
                throw transportError(command, error);
            }
            if (response.statusCode() != 200) {
                return onNodeError.apply(KuboResponses.error(command, response.statusCode(), response.body()));
            }
            return onSuccess.apply(response.body());
        });
    }

    private IpfsException transportError(String command, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        String what;
        if (cause instanceof HttpConnectTimeoutException) {
            what = "connect timed out";
        } else if (cause instanceof HttpTimeoutException) {
            what = "no complete answer within " + timeout;
        } else if (cause instanceof ConnectException) {
            what = "connection refused";
        } else if (cause instanceof IOException) {
            what = "I/O error: " + cause.getMessage();
        } else {
            what = cause.toString();
        }
        boolean retryable = cause instanceof IOException;
        return new IpfsException(
                IpfsException.Kind.TRANSPORT,
                "IPFS " + command + " at " + apiBase + ": " + what,
                IpfsException.NO_STATUS,
                null,
                retryable,
                cause);
    }

    private HttpClient http() {
        HttpClient c = http;
        if (c == null) {
            synchronized (this) {
                c = http;
                if (c == null) {
                    c = HttpClient.newBuilder()
                            .version(HttpClient.Version.HTTP_1_1)
                            .connectTimeout(timeout)
                            .followRedirects(HttpClient.Redirect.NEVER)
                            .build();
                    http = c;
                }
            }
        }
        return c;
    }

    private static Cid parseCid(String cid) {
        try {
            return Cid.parse(cid);
        } catch (CidFormatException e) {
            throw new IpfsException(IpfsException.Kind.INVALID_ARGUMENT, "not a CID: " + e.getMessage(), false);
        }
    }

    private static boolean sameCid(String reported, Cid expected) {
        try {
            Cid c = Cid.parse(reported);
            return c.codec() == expected.codec()
                    && c.multihashCode() == expected.multihashCode()
                    && Arrays.equals(c.digest(), expected.digest());
        } catch (CidFormatException e) {
            return false;
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    @Override
    public String toString() {
        return "KuboRpcClient[" + apiBase + ", timeout " + timeout + "]";
    }
}
