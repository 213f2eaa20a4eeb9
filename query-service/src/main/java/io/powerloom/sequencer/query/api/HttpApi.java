package io.powerloom.sequencer.query.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.EventExecutorGroup;
import io.powerloom.sequencer.query.QueryMetrics;
import io.powerloom.sequencer.query.api.Endpoints.Audience;
import io.powerloom.sequencer.query.api.Endpoints.Endpoint;
import io.powerloom.sequencer.query.api.Endpoints.Param;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server (Netty: a few event loops read and write every connection, keep-alive, with TCP_NODELAY; requests
 * run on {@code http.threads} handler threads, so a read forwarded to another instance blocks no connection but its
 * own): production's endpoints and the views from {@link Endpoints}, {@code /openapi.json},
 * the explorer ({@code /explorer/}), {@code /health}, {@code /metrics} and the instances' {@code /internal/ask}.
 * Every request is validated against the endpoint's parameters; errors answer a message, never a stack trace.
 */
public final class HttpApi implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
    private static final Pattern ADDRESS = Pattern.compile("^0x[0-9a-fA-F]{40}$");

    /** What the server needs from the rest of the service. */
    public record Wiring(
            Queries queries,
            LocalQueries local,
            QueryMetrics metrics,
            Supplier<String> streamsState,
            String readToken,
            String operatorToken,
            int maxBodyBytes,
            int maxPastDays,
            String instance) {}

    /** Largest body Netty collects before the service looks at it (larger ones answer 413 at once). */
    private static final int MAX_AGGREGATED = 1 << 20;

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final EventExecutorGroup handlers;
    private final Channel server;
    /** Open connections, closed before the event loops stop (their pipelines are torn down on both executors). */
    private final io.netty.channel.group.ChannelGroup connections =
            new io.netty.channel.group.DefaultChannelGroup(io.netty.util.concurrent.GlobalEventExecutor.INSTANCE);

    private final ObjectMapper json;
    private volatile Wiring w;
    private final byte[] openApi;

    /** Open connections now, counted against {@code maxConnections}. */
    private final java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();

    private final java.util.concurrent.atomic.LongAdder refused = new java.util.concurrent.atomic.LongAdder();

    /**
     * Binds the port; nothing is served before {@link #start}.
     *
     * @param maxConnections connections served at once; one more is closed at once
     * @param idleTimeout    a connection with no request for this long is closed (a slow client cannot hold one)
     */
    public HttpApi(
            InetSocketAddress listen,
            int threads,
            ObjectMapper json,
            int maxConnections,
            java.time.Duration idleTimeout)
            throws IOException {
        this.json = json;
        this.openApi = json.writerWithDefaultPrettyPrinter().writeValueAsBytes(Endpoints.openApi(json));
        boss = new NioEventLoopGroup(1, daemons("query-http-accept"));
        workers = new NioEventLoopGroup(
                Math.min(2, Runtime.getRuntime().availableProcessors()), daemons("query-http-io"));
        handlers = new DefaultEventExecutorGroup(threads, daemons("query-http"));
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 256)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (open.incrementAndGet() > maxConnections) {
                            open.decrementAndGet();
                            refused.increment();
                            ch.close();
                            return;
                        }
                        ch.closeFuture().addListener(f -> open.decrementAndGet());
                        connections.add(ch);
                        ch.pipeline()
                                .addLast(
                                        new io.netty.handler.timeout.IdleStateHandler(
                                                0, 0, idleTimeout.toMillis(), TimeUnit.MILLISECONDS) {
                                            @Override
                                            protected void channelIdle(
                                                    ChannelHandlerContext ctx,
                                                    io.netty.handler.timeout.IdleStateEvent evt) {
                                                ctx.close();
                                            }
                                        });
                        ch.pipeline()
                                .addLast(
                                        new HttpServerCodec(),
                                        new HttpServerKeepAliveHandler(),
                                        new HttpObjectAggregator(MAX_AGGREGATED));
                        // kept answers are written from the I/O thread; everything that reads a store, or may ask
                        // another instance, runs on a handler thread. Answers leave in the order of the requests
                        // (pipelining): the I/O thread answers only while no request of the connection is with a
                        // handler thread, counted until its answer has been handed to the I/O thread.
                        java.util.concurrent.atomic.AtomicInteger handed =
                                new java.util.concurrent.atomic.AtomicInteger();
                        ch.pipeline().addLast(new SimpleChannelInboundHandler<FullHttpRequest>(false) {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                                if (handed.get() == 0 && kept(new Exchange(ctx, req))) {
                                    req.release();
                                } else {
                                    handed.incrementAndGet();
                                    ctx.fireChannelRead(req);
                                }
                            }
                        });
                        ch.pipeline().addLast(handlers, new SimpleChannelInboundHandler<FullHttpRequest>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                                try {
                                    handle(new Exchange(ctx, req));
                                } finally {
                                    // queued behind the answer's write on the I/O thread
                                    ctx.channel().eventLoop().execute(handed::decrementAndGet);
                                }
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                LOG.debug("connection failed", cause);
                                ctx.close();
                            }
                        });
                    }
                });
        try {
            server = b.bind(listen.getHostString(), listen.getPort()).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IOException("interrupted while binding " + listen, e);
        } catch (RuntimeException e) {
            close();
            throw new IOException("cannot bind " + listen + ": " + e.getMessage(), e);
        }
    }

    private static java.util.concurrent.ThreadFactory daemons(String name) {
        return new io.netty.util.concurrent.DefaultThreadFactory(name, true);
    }

    public void start(Wiring wiring) {
        this.w = wiring;
    }

    /** The port actually bound. */
    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public void close() {
        if (server != null) {
            server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        // close the connections while their event loops and handler threads still run (a connection's teardown
        // passes through both), then stop the loops and, last, the handler threads
        connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        handlers.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }

    /** One request and its answer (the answer is written once, by {@link #send}). */
    private static final class Exchange {
        final ChannelHandlerContext ctx;
        final FullHttpRequest req;
        final io.netty.handler.codec.http.HttpHeaders out = new io.netty.handler.codec.http.DefaultHttpHeaders();
        private URI uri;

        Exchange(ChannelHandlerContext ctx, FullHttpRequest req) {
            this.ctx = ctx;
            this.req = req;
        }

        String method() {
            return req.method().name();
        }

        URI uri() {
            if (uri == null) {
                try {
                    uri = new URI(req.uri());
                } catch (URISyntaxException e) {
                    throw new ApiException(400, "malformed request target");
                }
            }
            return uri;
        }

        String header(String name) {
            return req.headers().get(name);
        }

        boolean fromLoopback() {
            return ctx.channel().remoteAddress() instanceof InetSocketAddress a
                    && a.getAddress() != null
                    && a.getAddress().isLoopbackAddress();
        }

        void send(int status, String type, byte[] body) {
            FullHttpResponse r = new DefaultFullHttpResponse(
                    HttpVersion.HTTP_1_1,
                    HttpResponseStatus.valueOf(status),
                    body.length == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
            r.headers().set(out);
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
            r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
            HttpUtil.setContentLength(r, body.length);
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            HttpUtil.setKeepAlive(r, keepAlive);
            if (keepAlive) {
                ctx.writeAndFlush(r);
            } else {
                ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
            }
        }
    }

    /** Connections open now and connections refused for being over the limit. */
    public long[] connectionStats() {
        return new long[] {open.get(), refused.sum()};
    }

    /**
     * Answers a GET of a view whose serialized answer is kept and current, on the calling (I/O) thread: no store read,
     * nothing that blocks. Anything else (including every request that would answer an error) returns false and is
     * handled by {@link #handle} on a handler thread.
     */
    private boolean kept(Exchange ex) {
        Wiring wiring = w;
        if (wiring == null
                || !"GET".equals(ex.method())
                || !ex.req.decoderResult().isSuccess()) {
            return false;
        }
        long start = System.nanoTime();
        try {
            String path = ex.uri().getPath();
            if (!"/api/slot".equals(path) && !"/api/epoch".equals(path)) {
                return false;
            }
            Endpoint e = Endpoints.find(path);
            ObjectNode raw = queryString(ex);
            authorize(ex, e, raw);
            byte[] body = wiring.queries().kept(path, validate(e, raw));
            if (body == null) {
                return false;
            }
            send(ex, 200, "application/json", body);
            wiring.metrics().request(path, 200, System.nanoTime() - start);
            return true;
        } catch (RuntimeException a) {
            return false; // the handler thread answers it, with the same error
        }
    }

    private void handle(Exchange ex) {
        if (w == null) {
            ex.send(503, "application/json", "{\"error\":\"starting\"}".getBytes(StandardCharsets.UTF_8));
            return;
        }
        long start = System.nanoTime();
        String path = "?";
        String label = "other";
        int status = 500;
        try {
            path = ex.uri().getPath();
            if (path == null) {
                throw new ApiException(400, "malformed request target");
            }
            Endpoint e = Endpoints.find(path);
            if (e != null) {
                label = path;
                status = endpoint(ex, e);
            } else if (path.equals("/") || path.equals("/explorer")) {
                label = "explorer";
                ex.out.set("Location", "/explorer/");
                status = send(ex, 302, "text/plain", new byte[0]);
            } else if (path.startsWith("/explorer/")) {
                label = "explorer";
                status = staticFile(ex, path.substring("/explorer/".length()));
            } else if (path.equals("/openapi.json")) {
                label = path;
                status = send(ex, 200, "application/json", openApi);
            } else if (path.equals("/health")) {
                label = path;
                String state = w.streamsState().get();
                boolean up = "RUNNING".equals(state) || "REBALANCING".equals(state);
                ObjectNode h = json.createObjectNode()
                        .put("status", up ? "UP" : "DOWN")
                        .put("streams", state)
                        .put("instance", w.instance());
                status = send(ex, up ? 200 : 503, "application/json", json.writeValueAsBytes(h));
            } else if (path.equals("/metrics")) {
                label = path;
                status = send(
                        ex,
                        200,
                        "text/plain; version=0.0.4",
                        w.metrics().prometheus().getBytes(StandardCharsets.UTF_8));
            } else if (path.equals("/internal/ask")) {
                label = path;
                status = internal(ex);
            } else {
                label = "unknown";
                status = error(ex, null, 404, "no such path: " + path);
            }
        } catch (ApiException a) {
            status = error(ex, null, a.status(), a.getMessage());
        } catch (RuntimeException | IOException t) {
            LOG.warn("request {} failed", path, t);
            try {
                status = error(ex, null, 500, "internal error");
            } catch (RuntimeException ignored) {
                // the client is gone
            }
        } finally {
            w.metrics().request(label, status, System.nanoTime() - start);
        }
    }

    private int endpoint(Exchange ex, Endpoint e) throws IOException {
        if (!e.method().equals(ex.method())) {
            ex.out.set("Allow", e.method());
            return error(ex, e, 405, e.path() + " takes " + e.method());
        }
        try {
            ObjectNode raw = "GET".equals(e.method()) ? queryString(ex) : body(ex);
            authorize(ex, e, raw);
            ObjectNode params = validate(e, raw);
            if ("POST".equals(e.method())) {
                JsonNode answer = w.queries().answer(e.path(), params);
                ObjectNode env = json.createObjectNode();
                env.putObject("info").put("success", true).set("response", answer);
                env.put("requestID", UUID.randomUUID().toString());
                return send(ex, 200, "application/json", json.writeValueAsBytes(env));
            }
            return send(ex, 200, "application/json", w.queries().answerBytes(e.path(), params));
        } catch (ApiException a) {
            return error(ex, e, a.status(), a.getMessage());
        }
    }

    private void authorize(Exchange ex, Endpoint e, ObjectNode raw) {
        if (e.audience() == Audience.PUBLIC) {
            return;
        }
        String token = raw.path("token").asText("");
        String header = ex.header("Authorization");
        if (header != null && header.startsWith("Bearer ")) {
            token = header.substring(7).trim();
        }
        if (e.audience() == Audience.OPERATOR) {
            if (w.operatorToken().isEmpty()) {
                throw new ApiException(403, "operator endpoints are disabled: auth.operator.token is not set");
            }
            if (!same(token, w.operatorToken())) {
                throw new ApiException(401, token.isEmpty() ? "operator token required" : "wrong token");
            }
        } else if (!w.readToken().isEmpty()
                && !same(token, w.readToken())
                && !(!w.operatorToken().isEmpty() && same(token, w.operatorToken()))) {
            throw new ApiException(401, token.isEmpty() ? "read token required" : "wrong token");
        }
    }

    private static boolean same(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    /** Checks every declared parameter; numbers become JSON numbers, addresses lower case. Unknown keys are ignored. */
    private ObjectNode validate(Endpoint e, ObjectNode raw) {
        ObjectNode p = json.createObjectNode();
        for (Param d : e.params()) {
            JsonNode v = raw.get(d.name());
            if (v == null || v.isNull() || (v.isTextual() && v.asText().isEmpty())) {
                if (d.required()) {
                    throw new ApiException(400, d.name() + " is required");
                }
                continue;
            }
            switch (d.type()) {
                case UINT -> {
                    long n;
                    if (v.isIntegralNumber() && v.canConvertToLong()) {
                        n = v.asLong();
                    } else if (v.isTextual() && v.asText().matches("[0-9]{1,18}")) {
                        n = Long.parseLong(v.asText());
                    } else {
                        throw new ApiException(400, d.name() + " must be a non-negative integer, got " + v);
                    }
                    if (n < 0) {
                        throw new ApiException(400, d.name() + " must be a non-negative integer, got " + n);
                    }
                    p.put(d.name(), n);
                }
                case ADDRESS -> {
                    if (!v.isTextual() || !ADDRESS.matcher(v.asText()).matches()) {
                        throw new ApiException(400, d.name() + " must be a 0x address of 40 hex digits, got " + v);
                    }
                    p.put(d.name(), v.asText().toLowerCase(Locale.ROOT));
                }
                default -> throw new IllegalStateException();
            }
        }
        if (p.has("pastDays")
                && (p.path("pastDays").asLong() < 1 || p.path("pastDays").asLong() > w.maxPastDays())) {
            throw new ApiException(400, "pastDays must be between 1 and " + w.maxPastDays());
        }
        if (p.has("page") && p.path("page").asLong() < 1) {
            throw new ApiException(400, "page starts at 1");
        }
        if (p.has("limit") && (p.path("limit").asLong() < 1 || p.path("limit").asLong() > 200)) {
            throw new ApiException(400, "limit must be between 1 and 200");
        }
        if (p.has("epochID") && p.path("epochID").asLong() == 0 && !"/api/slot".equals(e.path())) {
            throw new ApiException(400, "epochID must be at least 1 (epoch 0 marks simulations)");
        }
        return p;
    }

    private ObjectNode body(Exchange ex) throws IOException {
        ByteBuf content = ex.req.content();
        if (content.readableBytes() > w.maxBodyBytes()) {
            throw new ApiException(413, "request body larger than " + w.maxBodyBytes() + " bytes");
        }
        byte[] b = new byte[content.readableBytes()];
        content.getBytes(content.readerIndex(), b);
        if (b.length == 0) {
            return json.createObjectNode();
        }
        JsonNode n;
        try {
            n = json.readTree(b);
        } catch (IOException e) {
            throw new ApiException(400, "body is not JSON");
        }
        if (n == null || !n.isObject()) {
            throw new ApiException(400, "body must be a JSON object");
        }
        return (ObjectNode) n;
    }

    private ObjectNode queryString(Exchange ex) {
        ObjectNode n = json.createObjectNode();
        String q = ex.uri().getRawQuery();
        if (q == null) {
            return n;
        }
        for (String pair : q.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                try {
                    n.put(
                            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    throw new ApiException(400, "malformed query string");
                }
            }
        }
        return n;
    }

    private int internal(Exchange ex) throws IOException {
        if (w.operatorToken().isEmpty()) {
            // without a token, only instances on this machine may ask (operator data must not leak through here)
            if (!ex.fromLoopback()) {
                return error(ex, null, 403, "internal requests from other machines need auth.operator.token");
            }
        } else if (!same(String.valueOf(ex.header(Cluster.INTERNAL_HEADER)), w.operatorToken())) {
            return error(ex, null, 401, "internal requests carry the operator token");
        }
        try {
            ObjectNode req = body(ex);
            JsonNode params = req.path("params");
            JsonNode result = w.local()
                    .run(
                            req.path("op").asText(),
                            req.hasNonNull("pk") ? req.path("pk").asText() : null,
                            params.isObject() ? (ObjectNode) params : json.createObjectNode());
            ObjectNode out = json.createObjectNode();
            out.set("result", result);
            return send(ex, 200, "application/json", json.writeValueAsBytes(out));
        } catch (ApiException a) {
            return error(ex, null, a.status(), a.getMessage());
        } catch (IllegalArgumentException a) {
            return error(ex, null, 400, a.getMessage());
        }
    }

    private int staticFile(Exchange ex, String name) throws IOException {
        if (name.isEmpty()) {
            name = "index.html";
        }
        if (!name.matches("[a-z0-9_-]+\\.(html|js|css|svg)")) {
            return error(ex, null, 404, "no such file");
        }
        try (InputStream in = HttpApi.class.getResourceAsStream("/explorer/" + name)) {
            if (in == null) {
                return error(ex, null, 404, "no such file");
            }
            String type = name.endsWith(".html")
                    ? "text/html; charset=utf-8"
                    : name.endsWith(".js")
                            ? "text/javascript; charset=utf-8"
                            : name.endsWith(".css") ? "text/css; charset=utf-8" : "image/svg+xml";
            return send(ex, 200, type, in.readAllBytes());
        }
    }

    private int error(Exchange ex, Endpoint e, int status, String message) {
        ObjectNode n = json.createObjectNode();
        if (e != null && "POST".equals(e.method())) {
            n.putObject("info").put("success", false).put("response", message);
            n.put("requestID", UUID.randomUUID().toString());
        } else {
            n.put("error", message);
        }
        try {
            return send(ex, status, "application/json", json.writeValueAsBytes(n));
        } catch (IOException io) {
            throw new java.io.UncheckedIOException(io);
        }
    }

    private static int send(Exchange ex, int status, String type, byte[] body) {
        ex.send(status, type, body);
        return status;
    }
}
