package io.powerloom.sequencer.libp2p;

import io.powerloom.sequencer.libp2p.internal.util.Varint;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A multiaddr (text and binary form) with the protocols this host uses: ip4, ip6, dns, dns4, dns6, tcp, p2p and
 * p2p-circuit. Immutable.
 */
public final class Multiaddr {
    /** One protocol component and its value (null for {@code p2p-circuit}). */
    public record Component(String protocol, String value) {}

    private static final int IP4 = 4, TCP = 6, IP6 = 41, DNS = 53, DNS4 = 54, DNS6 = 55, P2P = 421, CIRCUIT = 290;

    private final List<Component> components;

    private Multiaddr(List<Component> components) {
        this.components = List.copyOf(components);
    }

    /** Parses the text form, e.g. {@code /ip4/127.0.0.1/tcp/4001/p2p/12D3Koo…}. */
    public static Multiaddr parse(String text) {
        if (text == null || !text.startsWith("/")) {
            throw invalid(text, "must start with '/'");
        }
        String[] parts = text.substring(1).split("/", -1);
        List<Component> out = new ArrayList<>();
        int i = 0;
        while (i < parts.length) {
            String proto = parts[i++];
            if (proto.isEmpty() && i == parts.length) {
                break; // trailing slash
            }
            switch (proto) {
                case "p2p-circuit" -> out.add(new Component(proto, null));
                case "ip4", "ip6", "dns", "dns4", "dns6", "tcp", "p2p", "ipfs" -> {
                    if (i >= parts.length || parts[i].isEmpty()) {
                        throw invalid(text, "missing value for /" + proto);
                    }
                    String value = parts[i++];
                    validate(text, proto, value);
                    out.add(new Component(proto.equals("ipfs") ? "p2p" : proto, value));
                }
                default -> throw invalid(text, "unsupported protocol /" + proto);
            }
        }
        if (out.isEmpty()) {
            throw invalid(text, "no components");
        }
        return new Multiaddr(out);
    }

    private static void validate(String text, String proto, String value) {
        switch (proto) {
            case "tcp" -> {
                try {
                    int port = Integer.parseInt(value);
                    if (port < 0 || port > 65535) {
                        throw invalid(text, "tcp port out of range: " + value);
                    }
                } catch (NumberFormatException e) {
                    throw invalid(text, "tcp port is not a number: " + value);
                }
            }
            case "ip4" -> {
                if (!value.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
                    throw invalid(text, "bad ip4 address " + value);
                }
            }
            case "p2p", "ipfs" -> PeerId.fromString(value);
            default -> {}
        }
    }

    /** Decodes the binary form. */
    public static Multiaddr fromBytes(byte[] bytes) {
        List<Component> out = new ArrayList<>();
        int[] pos = {0};
        try {
            while (pos[0] < bytes.length) {
                int code = (int) Varint.read(bytes, pos);
                switch (code) {
                    case IP4 ->
                        out.add(new Component(
                                "ip4",
                                InetAddress.getByAddress(take(bytes, pos, 4)).getHostAddress()));
                    case IP6 ->
                        out.add(new Component(
                                "ip6",
                                InetAddress.getByAddress(take(bytes, pos, 16)).getHostAddress()));
                    case TCP -> {
                        byte[] p = take(bytes, pos, 2);
                        out.add(new Component("tcp", Integer.toString(((p[0] & 0xFF) << 8) | (p[1] & 0xFF))));
                    }
                    case DNS, DNS4, DNS6 -> {
                        int len = (int) Varint.read(bytes, pos);
                        out.add(new Component(
                                code == DNS ? "dns" : code == DNS4 ? "dns4" : "dns6",
                                new String(take(bytes, pos, len), StandardCharsets.UTF_8)));
                    }
                    case P2P -> {
                        int len = (int) Varint.read(bytes, pos);
                        out.add(new Component(
                                "p2p", PeerId.fromBytes(take(bytes, pos, len)).toString()));
                    }
                    case CIRCUIT -> out.add(new Component("p2p-circuit", null));
                    default ->
                        throw new Libp2pException(
                                Libp2pException.Kind.INVALID_INPUT, "unsupported multiaddr protocol code " + code);
                }
            }
        } catch (UnknownHostException e) {
            throw new Libp2pException(Libp2pException.Kind.INVALID_INPUT, "bad ip address in multiaddr", e);
        }
        return new Multiaddr(out);
    }

    private static byte[] take(byte[] bytes, int[] pos, int n) {
        if (n < 0 || pos[0] + n > bytes.length) {
            throw new Libp2pException(Libp2pException.Kind.INVALID_INPUT, "truncated binary multiaddr");
        }
        byte[] out = new byte[n];
        System.arraycopy(bytes, pos[0], out, 0, n);
        pos[0] += n;
        return out;
    }

    /** The binary form. */
    public byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Component c : components) {
            switch (c.protocol()) {
                case "ip4", "ip6" -> {
                    out.writeBytes(Varint.encode(c.protocol().equals("ip4") ? IP4 : IP6));
                    try {
                        out.writeBytes(InetAddress.getByName(c.value()).getAddress());
                    } catch (UnknownHostException e) {
                        throw new Libp2pException(Libp2pException.Kind.INVALID_INPUT, "bad ip " + c.value(), e);
                    }
                }
                case "tcp" -> {
                    int port = Integer.parseInt(c.value());
                    out.writeBytes(Varint.encode(TCP));
                    out.write(port >> 8);
                    out.write(port & 0xFF);
                }
                case "dns", "dns4", "dns6" -> {
                    out.writeBytes(Varint.encode(
                            c.protocol().equals("dns") ? DNS : c.protocol().equals("dns4") ? DNS4 : DNS6));
                    byte[] v = c.value().getBytes(StandardCharsets.UTF_8);
                    out.writeBytes(Varint.encode(v.length));
                    out.writeBytes(v);
                }
                case "p2p" -> {
                    out.writeBytes(Varint.encode(P2P));
                    byte[] id = PeerId.fromString(c.value()).bytes();
                    out.writeBytes(Varint.encode(id.length));
                    out.writeBytes(id);
                }
                case "p2p-circuit" -> out.writeBytes(Varint.encode(CIRCUIT));
                default -> throw new IllegalStateException(c.protocol());
            }
        }
        return out.toByteArray();
    }

    public List<Component> components() {
        return Collections.unmodifiableList(components);
    }

    /** The value of the first component with {@code protocol}, or null. */
    public String valueOf(String protocol) {
        for (Component c : components) {
            if (c.protocol().equals(protocol)) {
                return c.value();
            }
        }
        return null;
    }

    /** Whether the address contains {@code /p2p-circuit}. */
    public boolean isCircuit() {
        for (Component c : components) {
            if (c.protocol().equals("p2p-circuit")) {
                return true;
            }
        }
        return false;
    }

    /** The last {@code /p2p/<id>} component's peer, or null. */
    public PeerId peerId() {
        String id = null;
        for (Component c : components) {
            if (c.protocol().equals("p2p")) {
                id = c.value();
            }
        }
        return id == null ? null : PeerId.fromString(id);
    }

    /** The part before {@code /p2p-circuit} (the relay's address), or this address when it is not a circuit. */
    public Multiaddr relayPart() {
        List<Component> out = new ArrayList<>();
        for (Component c : components) {
            if (c.protocol().equals("p2p-circuit")) {
                break;
            }
            out.add(c);
        }
        return new Multiaddr(out);
    }

    /** This address without its trailing {@code /p2p/<id>}. */
    public Multiaddr withoutPeerId() {
        List<Component> out = new ArrayList<>(components);
        if (!out.isEmpty() && out.get(out.size() - 1).protocol().equals("p2p")) {
            out.remove(out.size() - 1);
        }
        return new Multiaddr(out);
    }

    /** Host (ip or dns name) of the transport part, or null. */
    public String host() {
        for (Component c : components) {
            switch (c.protocol()) {
                case "ip4", "ip6", "dns", "dns4", "dns6" -> {
                    return c.value();
                }
                default -> {}
            }
        }
        return null;
    }

    /** TCP port of the transport part, or -1. */
    public int tcpPort() {
        String p = valueOf("tcp");
        return p == null ? -1 : Integer.parseInt(p);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Component c : components) {
            sb.append('/').append(c.protocol());
            if (c.value() != null) {
                sb.append('/').append(c.value());
            }
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Multiaddr m && m.components.equals(components);
    }

    @Override
    public int hashCode() {
        return components.hashCode();
    }

    private static Libp2pException invalid(String text, String why) {
        return new Libp2pException(Libp2pException.Kind.INVALID_INPUT, "invalid multiaddr '" + text + "': " + why);
    }
}
