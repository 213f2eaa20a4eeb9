package io.powerloom.sequencer.libp2p.internal.multistream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.powerloom.sequencer.libp2p.Libp2pException;
import io.powerloom.sequencer.libp2p.internal.transport.Cumulation;
import io.powerloom.sequencer.libp2p.internal.util.Varint;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * multistream-select 1.0 ({@code /multistream/1.0.0}) for one negotiation, as initiator (proposes protocols in
 * order, accepts the echo, moves on after {@code na}) or responder (echoes a supported protocol, answers
 * {@code na} otherwise). Messages are varint-length-prefixed UTF-8 lines ending in {@code \n}.
 *
 * <p>Feed it the bytes that arrive with {@link #feed}; once it returns true, {@link #protocol()} is the agreed
 * protocol and {@link #takeLeftover()} the bytes that followed the negotiation (already the next layer's).
 */
public final class MultistreamNegotiator {
    public static final String HEADER = "/multistream/1.0.0";
    /** Longest line accepted (the spec allows up to 64 KiB; protocol ids are short). */
    public static final int MAX_LINE = 1024;

    private static final int MAX_ATTEMPTS = 32;

    private final boolean initiator;
    private final List<String> proposals;
    private final Predicate<String> supported;
    private final Consumer<ByteBuf> out;
    private final ByteBufAllocator alloc;
    private final Cumulation cumulation;
    private boolean headerSeen;
    private int proposalIndex;
    private int attempts;
    private String protocol;

    private MultistreamNegotiator(
            boolean initiator,
            List<String> proposals,
            Predicate<String> supported,
            Consumer<ByteBuf> out,
            ByteBufAllocator alloc) {
        this.initiator = initiator;
        this.proposals = proposals;
        this.supported = supported;
        this.out = out;
        this.alloc = alloc;
        this.cumulation = new Cumulation(alloc);
    }

    /** A negotiator that proposes {@code protocols} in order; {@code out} receives the bytes to send. */
    public static MultistreamNegotiator initiator(
            List<String> protocols, Consumer<ByteBuf> out, ByteBufAllocator alloc) {
        if (protocols.isEmpty()) {
            throw new IllegalArgumentException("no protocols to propose");
        }
        return new MultistreamNegotiator(true, List.copyOf(protocols), null, out, alloc);
    }

    /** A negotiator that accepts the first proposed protocol for which {@code supported} is true. */
    public static MultistreamNegotiator responder(
            Predicate<String> supported, Consumer<ByteBuf> out, ByteBufAllocator alloc) {
        return new MultistreamNegotiator(false, List.of(), supported, out, alloc);
    }

    /** Sends the opening messages: our header, and for the initiator the first proposal. */
    public void start() {
        ByteBuf b = alloc.buffer(64);
        writeLine(b, HEADER);
        if (initiator) {
            writeLine(b, proposals.get(0));
        }
        out.accept(b);
    }

    /**
     * Consumes bytes (borrowed). Returns true once negotiation is complete.
     *
     * @throws Libp2pException PROTOCOL for malformed messages, NEGOTIATION when no protocol could be agreed
     */
    public boolean feed(ByteBuf in) {
        if (protocol != null) {
            throw new IllegalStateException("negotiation already complete");
        }
        ByteBuf buf = cumulation.begin(in);
        try {
            if (!headerSeen) {
                rejectEarlyIfNotHeader(buf);
            }
            String line;
            while (protocol == null && (line = readLine(buf)) != null) {
                handle(line);
            }
        } catch (RuntimeException e) {
            cumulation.end(buf);
            cumulation.release(); // a failed negotiation keeps nothing
            throw e;
        }
        cumulation.end(buf);
        return protocol != null;
    }

    /** The first message must be the header: fail at once (not at the handshake timeout) on anything else. */
    private static void rejectEarlyIfNotHeader(ByteBuf buf) {
        int start = buf.readerIndex();
        long len = Varint.read(buf);
        buf.readerIndex(start);
        if (len != Varint.INCOMPLETE && len != HEADER.length() + 1) {
            throw new Libp2pException(
                    Libp2pException.Kind.NEGOTIATION,
                    "expected " + HEADER + ", peer's first message is " + len + " bytes long");
        }
    }

    private void handle(String line) {
        if (!headerSeen) {
            if (!HEADER.equals(line)) {
                throw new Libp2pException(
                        Libp2pException.Kind.NEGOTIATION,
                        "expected " + HEADER + ", peer sent '" + printable(line) + "'");
            }
            headerSeen = true;
            return;
        }
        if (++attempts > MAX_ATTEMPTS) {
            throw new Libp2pException(Libp2pException.Kind.NEGOTIATION, "too many multistream proposals");
        }
        if (initiator) {
            String proposed = proposals.get(proposalIndex);
            if (line.equals(proposed)) {
                protocol = proposed;
            } else if (line.equals("na")) {
                if (++proposalIndex >= proposals.size()) {
                    throw new Libp2pException(Libp2pException.Kind.NEGOTIATION, "peer supports none of " + proposals);
                }
                ByteBuf b = alloc.buffer(64);
                writeLine(b, proposals.get(proposalIndex));
                out.accept(b);
            } else {
                throw new Libp2pException(
                        Libp2pException.Kind.NEGOTIATION,
                        "peer answered '" + printable(line) + "' to proposal " + proposed);
            }
            return;
        }
        ByteBuf b = alloc.buffer(64);
        if (!line.equals("ls") && supported.test(line)) {
            writeLine(b, line);
            protocol = line;
        } else {
            writeLine(b, "na");
        }
        out.accept(b);
    }

    /** The agreed protocol, or null while negotiating. */
    public String protocol() {
        return protocol;
    }

    /** The bytes received after the negotiation (caller releases); empty if none. */
    public ByteBuf takeLeftover() {
        return cumulation.takePending();
    }

    /** Frees buffered bytes (when abandoning the negotiation). */
    public void release() {
        cumulation.release();
    }

    /** Appends one length-prefixed line ({@code text} plus {@code \n}). */
    public static void writeLine(ByteBuf out, String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        Varint.write(out, b.length + 1L);
        out.writeBytes(b);
        out.writeByte('\n');
    }

    /** Reads one line without its {@code \n}, or returns null (reader index unchanged) when incomplete. */
    public static String readLine(ByteBuf in) {
        int start = in.readerIndex();
        long len = Varint.read(in);
        if (len == Varint.INCOMPLETE) {
            return null;
        }
        if (len < 1 || len > MAX_LINE) {
            throw new Libp2pException(
                    Libp2pException.Kind.PROTOCOL, "multistream message length " + len + " outside 1.." + MAX_LINE);
        }
        if (in.readableBytes() < len) {
            in.readerIndex(start);
            return null;
        }
        if (in.getByte(in.readerIndex() + (int) len - 1) != '\n') {
            throw new Libp2pException(Libp2pException.Kind.PROTOCOL, "multistream message does not end in newline");
        }
        String line = in.toString(in.readerIndex(), (int) len - 1, StandardCharsets.UTF_8);
        in.skipBytes((int) len);
        return line;
    }

    private static String printable(String s) {
        String t = s.length() > 64 ? s.substring(0, 64) + "…" : s;
        return t.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
