package io.powerloom.sequencer.libp2p.internal.yamux;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.powerloom.sequencer.libp2p.Libp2pException;
import io.powerloom.sequencer.libp2p.internal.transport.Link;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;

/**
 * A yamux session ({@code /yamux/1.0.0}) over a secured {@link Link}. Frames have a 12-byte header
 * (version 0, type, flags, stream id, length); data bodies are handed to streams as they arrive, without
 * waiting for (or copying) the whole frame. The dialer ("client") opens odd stream ids, the listener even ones.
 * All methods run on the link's event loop.
 */
public final class YamuxSession implements Link.Receiver {
    public static final String PROTOCOL_ID = "/yamux/1.0.0";
    /** Initial per-stream receive and send window. */
    public static final int INITIAL_WINDOW = 256 * 1024;
    /** Largest data frame we send. */
    static final int MAX_DATA_FRAME = 64 * 1024;

    static final int HEADER = 12;
    static final int TYPE_DATA = 0, TYPE_WINDOW_UPDATE = 1, TYPE_PING = 2, TYPE_GO_AWAY = 3;
    static final int FLAG_SYN = 1, FLAG_ACK = 2, FLAG_FIN = 4, FLAG_RST = 8;
    private static final int GO_AWAY_NORMAL = 0, GO_AWAY_PROTOCOL_ERROR = 1;

    /** Callbacks of a session. */
    public interface Listener {
        /** The remote opened {@code stream}; set its receiver before returning. */
        void onInboundStream(YamuxStream stream);

        /** A stream left the session (both sides closed, or reset). */
        void onStreamClosed(YamuxStream stream);

        /** The session ended; {@code cause} is null for an orderly end. */
        void onSessionClosed(Throwable cause);
    }

    private final Link lower;
    private final boolean client;
    private final int maxStreams;
    private final Listener listener;
    private final Map<Integer, YamuxStream> streams = new HashMap<>();
    private final ByteBuf header;
    private int nextId;
    private boolean closed;
    private boolean remoteGoAway;
    private boolean localGoAway;
    // parser state for a data body in progress
    private int bodyRemaining;
    private YamuxStream bodyStream;
    private boolean bodyFin;
    // keep-alive: one ping outstanding at a time
    private io.netty.util.concurrent.ScheduledFuture<?> keepAlive;
    private int pingId;
    private long pingSentNanos;
    private boolean pingOutstanding;
    private long lastRttNanos = -1;

    public YamuxSession(Link lower, boolean client, int maxStreams, Listener listener) {
        this.lower = lower;
        this.client = client;
        this.maxStreams = maxStreams;
        this.listener = listener;
        this.nextId = client ? 1 : 2;
        this.header = io.netty.buffer.Unpooled.buffer(HEADER, HEADER);
    }

    public EventLoop eventLoop() {
        return lower.eventLoop();
    }

    ByteBufAllocator alloc() {
        return lower.alloc();
    }

    /** The link below, e.g. for its remote address. */
    public Link link() {
        return lower;
    }

    public boolean isOpen() {
        return !closed;
    }

    /** Number of open streams. */
    public int streamCount() {
        return streams.size();
    }

    /**
     * Opens an outbound stream (sends a window update with SYN; data may follow before the ACK).
     *
     * @throws Libp2pException CLOSED after go-away or close, LIMIT when too many streams are open
     */
    public YamuxStream openStream() {
        if (closed || remoteGoAway || localGoAway) {
            throw new Libp2pException(Libp2pException.Kind.CLOSED, "yamux session is closed or going away");
        }
        if (streams.size() >= maxStreams) {
            throw new Libp2pException(Libp2pException.Kind.LIMIT, "at most " + maxStreams + " streams per connection");
        }
        int id = nextId;
        nextId += 2;
        YamuxStream s = new YamuxStream(this, id);
        streams.put(id, s);
        writeFrame(TYPE_WINDOW_UPDATE, FLAG_SYN, id, 0, null);
        return s;
    }

    /**
     * Pings the remote every {@code interval}; closes the session when an answer takes longer than
     * {@code timeout} (a relay or peer that vanished without closing TCP). Call on the event loop.
     */
    public void startKeepAlive(java.time.Duration interval, java.time.Duration timeout) {
        long intervalMs = interval.toMillis();
        long timeoutNs = timeout.toNanos();
        long intervalNs = interval.toNanos();
        keepAlive = eventLoop()
                .scheduleAtFixedRate(
                        () -> {
                            if (closed) {
                                keepAlive.cancel(false);
                                return;
                            }
                            if (pingOutstanding) {
                                if (System.nanoTime() - pingSentNanos > timeoutNs) {
                                    keepAlive.cancel(false);
                                    timeoutClose("no answer to yamux ping within " + timeout.toMillis() + " ms");
                                }
                                return;
                            }
                            long now = System.nanoTime();
                            if (pingSentNanos != 0 && now - pingSentNanos < intervalNs) {
                                return;
                            }
                            pingOutstanding = true;
                            pingSentNanos = now;
                            writeFrame(TYPE_PING, FLAG_SYN, 0, ++pingId, null);
                        },
                        intervalMs,
                        Math.max(1, Math.min(intervalMs, timeout.toMillis() / 2)),
                        java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** Round-trip time of the last answered keep-alive ping in nanoseconds, or -1. */
    public long lastRttNanos() {
        return lastRttNanos;
    }

    private void timeoutClose(String why) {
        lower.close();
        shutdown(new Libp2pException(Libp2pException.Kind.TIMEOUT, why));
    }

    /** Sends go-away and closes the link; streams see a reset. */
    public void close() {
        if (closed) {
            return;
        }
        if (!localGoAway) {
            localGoAway = true;
            writeFrame(TYPE_GO_AWAY, 0, 0, GO_AWAY_NORMAL, null);
        }
        lower.close();
    }

    void writeFrame(int type, int flags, int streamId, int length, ByteBuf body) {
        if (closed) {
            if (body != null) {
                body.release();
            }
            return;
        }
        ByteBuf h = lower.alloc().buffer(HEADER, HEADER);
        h.writeByte(0).writeByte(type).writeShort(flags).writeInt(streamId).writeInt(length);
        lower.write(h);
        if (body != null) {
            lower.write(body);
        }
        lower.flush(); // the secure layer coalesces: one encryption and socket flush per event-loop turn
    }

    void remove(YamuxStream s) {
        if (streams.remove(s.id(), s)) {
            listener.onStreamClosed(s);
        }
    }

    @Override
    public void onData(ByteBuf in) {
        while (!closed && in.isReadable()) {
            if (bodyRemaining > 0) {
                int n = Math.min(bodyRemaining, in.readableBytes());
                ByteBuf slice = in.readSlice(n);
                bodyRemaining -= n;
                YamuxStream s = bodyStream;
                if (s != null) {
                    s.onRemoteData(slice);
                }
                if (bodyRemaining == 0) {
                    bodyStream = null;
                    if (bodyFin && s != null) {
                        s.onRemoteFin();
                    }
                }
                continue;
            }
            int need = HEADER - header.readableBytes();
            if (header.readableBytes() == 0 && in.readableBytes() >= HEADER) {
                handleHeader(in);
            } else {
                in.readBytes(header, Math.min(need, in.readableBytes()));
                if (header.readableBytes() == HEADER) {
                    handleHeader(header);
                    if (!closed) {
                        header.clear();
                    }
                }
            }
        }
    }

    private void handleHeader(ByteBuf h) {
        int version = h.readUnsignedByte();
        int type = h.readUnsignedByte();
        int flags = h.readUnsignedShort();
        int id = h.readInt();
        long length = h.readUnsignedInt();
        if (version != 0) {
            protocolError("unsupported yamux version " + version);
            return;
        }
        switch (type) {
            case TYPE_DATA, TYPE_WINDOW_UPDATE -> onStreamFrame(type, flags, id, length);
            case TYPE_PING -> {
                if ((flags & FLAG_SYN) != 0) {
                    writeFrame(TYPE_PING, FLAG_ACK, 0, (int) length, null);
                } else if ((flags & FLAG_ACK) != 0 && pingOutstanding && length == (pingId & 0xFFFFFFFFL)) {
                    pingOutstanding = false;
                    lastRttNanos = System.nanoTime() - pingSentNanos;
                }
            }
            case TYPE_GO_AWAY -> remoteGoAway = true;
            default -> protocolError("unknown yamux frame type " + type);
        }
    }

    private void onStreamFrame(int type, int flags, int id, long length) {
        YamuxStream s = streams.get(id);
        if ((flags & FLAG_SYN) != 0) {
            if (s != null || id == 0 || (id & 1) == (client ? 1 : 0)) {
                protocolError("bad SYN for stream " + id);
                return;
            }
            if (localGoAway || streams.size() >= maxStreams) {
                writeFrame(TYPE_WINDOW_UPDATE, FLAG_RST, id, 0, null);
                s = null;
            } else {
                s = new YamuxStream(this, id);
                streams.put(id, s);
                writeFrame(TYPE_WINDOW_UPDATE, FLAG_ACK, id, 0, null);
                listener.onInboundStream(s);
                if (!streams.containsKey(id)) {
                    s = null; // refused or reset by the listener
                }
            }
        }
        if (type == TYPE_DATA) {
            if (length > INITIAL_WINDOW * 64L) {
                protocolError("yamux data frame of " + length + " bytes");
                return;
            }
            bodyRemaining = (int) length;
            bodyStream = s;
            bodyFin = (flags & FLAG_FIN) != 0;
            if (s != null && !s.acceptIncoming((int) length)) {
                bodyStream = null; // window violated: stream was reset, discard the body
            }
        } else if (s != null) {
            s.onWindowUpdate(length);
        }
        if (s != null) {
            if ((flags & FLAG_RST) != 0) {
                s.onRemoteReset();
                if (bodyStream == s) {
                    bodyStream = null;
                }
            } else if ((flags & FLAG_FIN) != 0 && (type != TYPE_DATA || length == 0)) {
                s.onRemoteFin();
            }
        }
    }

    private void protocolError(String why) {
        Libp2pException e = new Libp2pException(Libp2pException.Kind.PROTOCOL, why);
        if (!localGoAway) {
            localGoAway = true;
            writeFrame(TYPE_GO_AWAY, 0, 0, GO_AWAY_PROTOCOL_ERROR, null);
        }
        lower.close();
        shutdown(e);
    }

    @Override
    public void onClose(Throwable cause) {
        shutdown(cause);
    }

    private void shutdown(Throwable cause) {
        if (closed) {
            return;
        }
        closed = true;
        if (keepAlive != null) {
            keepAlive.cancel(false);
        }
        for (YamuxStream s : new ArrayList<>(streams.values())) {
            s.onSessionClosed();
        }
        streams.clear();
        listener.onSessionClosed(cause);
    }
}
