package io.powerloom.sequencer.libp2p.internal.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;

/**
 * A {@link Link} over a Netty TCP channel; install it as the channel's only handler. Bytes that arrive before a
 * receiver is set (the peer may speak first, before our upgrade starts) are held and delivered, in order, once
 * one is.
 */
public final class TcpLink extends ChannelInboundHandlerAdapter implements Link {
    private final Channel channel;
    private final ArrayDeque<ByteBuf> early = new ArrayDeque<>();
    private Receiver receiver;
    private boolean closed;
    private boolean inactive;

    private final Runnable onReadPause;

    public TcpLink(Channel channel) {
        this(channel, () -> {});
    }

    /** @param onReadPause told each time reading stops because the send queue is full */
    public TcpLink(Channel channel, Runnable onReadPause) {
        this.channel = channel;
        this.onReadPause = onReadPause;
    }

    public Channel channel() {
        return channel;
    }

    @Override
    public EventLoop eventLoop() {
        return channel.eventLoop();
    }

    @Override
    public ByteBufAllocator alloc() {
        return channel.alloc();
    }

    @Override
    public void receiver(Receiver receiver) {
        this.receiver = receiver;
        if (!early.isEmpty() || inactive) {
            channel.eventLoop().execute(this::drainEarly);
        }
    }

    private void drainEarly() {
        ByteBuf b;
        while (receiver != null && !closed && (b = early.poll()) != null) {
            try {
                receiver.onData(b);
            } catch (RuntimeException e) {
                fail(e);
            } finally {
                b.release();
            }
        }
        if (inactive) {
            releaseEarly();
            notifyClose(null);
        }
    }

    private void releaseEarly() {
        ByteBuf b;
        while ((b = early.poll()) != null) {
            b.release();
        }
    }

    @Override
    public void write(ByteBuf data) {
        channel.write(data, channel.voidPromise());
    }

    @Override
    public void flush() {
        channel.flush();
    }

    @Override
    public void close() {
        channel.flush();
        channel.close();
    }

    @Override
    public String remoteAddress() {
        return toMultiaddr((InetSocketAddress) channel.remoteAddress());
    }

    /** {@code /ip4/<ip>/tcp/<port>} (or ip6) for a socket address. */
    public static String toMultiaddr(InetSocketAddress a) {
        if (a == null) {
            return "/ip4/0.0.0.0/tcp/0";
        }
        String proto = a.getAddress() instanceof Inet6Address ? "ip6" : "ip4";
        return "/" + proto + "/" + a.getAddress().getHostAddress() + "/tcp/" + a.getPort();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        if (!closed && (receiver == null || !early.isEmpty())) {
            early.add(buf);
            return;
        }
        try {
            if (receiver != null && !closed) {
                receiver.onData(buf);
            }
        } catch (RuntimeException e) {
            fail(e);
        } finally {
            buf.release();
        }
    }

    /**
     * After a read, once what it caused is written (the secure layer flushes in a task queued during the read):
     * a full send queue stops reading, so a peer that does not read what we answer cannot make us queue more.
     */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        channel.eventLoop().execute(this::pauseIfUnwritable);
    }

    private void pauseIfUnwritable() {
        if (!channel.isWritable() && channel.isActive() && channel.config().isAutoRead()) {
            channel.config().setAutoRead(false);
            onReadPause.run();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (channel.isWritable() && !channel.config().isAutoRead()) {
            channel.config().setAutoRead(true);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        inactive = true;
        if (receiver != null && !early.isEmpty()) {
            drainEarly();
            return;
        }
        if (receiver != null) {
            notifyClose(null);
        }
        // without a receiver the close is reported when one is set
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(cause);
    }

    private void fail(Throwable cause) {
        notifyClose(cause);
        channel.close();
    }

    private void notifyClose(Throwable cause) {
        if (!closed) {
            closed = true;
            releaseEarly();
            if (receiver != null) {
                receiver.onClose(cause);
            }
        }
    }
}
