package dev.orderly.server.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Whose {@code X-Forwarded-For} Orderly believes, and so which address a request's rate limits key.
 *
 * <p>Three shapes: {@link #none()} (the default: the TCP peer is the client, the header is ignored);
 * {@link #from(String)}, a list of proxy networks ({@code ORDERLY_TRUSTED_PROXIES}): the header is read
 * only when the TCP peer is one of them, from its right end, skipping every hop that is itself a trusted
 * proxy, and the first hop that is not is the client (what nginx calls {@code real_ip_recursive}); and
 * {@link #anyPeer()}, the older {@code ORDERLY_TRUST_FORWARDED_FOR=true}: the header's last entry from
 * whoever sends it, which any client reaching the node directly can forge.
 *
 * <p>A header entry that is not an address literal ends the walk: what a trusted hop appended is always
 * an address, so anything else was written by the client, and the hop nearest to it stands for it.
 */
public final class TrustedProxies {

    private static final Pattern IP_LITERAL = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
    private static final TrustedProxies NONE = new TrustedProxies(false, List.of());
    private static final TrustedProxies ANY_PEER = new TrustedProxies(true, List.of());

    private final boolean anyPeer;
    private final List<Network> networks;

    private TrustedProxies(boolean anyPeer, List<Network> networks) {
        this.anyPeer = anyPeer;
        this.networks = networks;
    }

    /** Believes no header: the TCP peer is the client. */
    public static TrustedProxies none() {
        return NONE;
    }

    /** Believes the last {@code X-Forwarded-For} entry from any peer (the deprecated {@code ORDERLY_TRUST_FORWARDED_FOR=true}). */
    public static TrustedProxies anyPeer() {
        return ANY_PEER;
    }

    /**
     * The proxies in {@code list}: comma-separated networks in CIDR notation ({@code 10.0.0.0/8},
     * {@code fd00::/8}) or single addresses ({@code 127.0.0.1} is {@code 127.0.0.1/32}).
     *
     * @throws IllegalArgumentException naming the entry that is not a network
     */
    public static TrustedProxies from(String list) {
        List<Network> networks = new ArrayList<>();
        for (String entry : list.split(",", -1)) {
            networks.add(Network.parse(entry.strip()));
        }
        return new TrustedProxies(false, List.copyOf(networks));
    }

    /** Whether any header is believed at all. */
    public boolean believesHeaders() {
        return anyPeer || !networks.isEmpty();
    }

    /**
     * The client's address literal: the peer's, or, when the peer is trusted, the one the header gives.
     *
     * @param peer      the TCP peer's address literal, or {@code null} when unknown
     * @param forwarded the {@code X-Forwarded-For} header (all its values joined by commas), or {@code null}
     */
    public String client(String peer, String forwarded) {
        String fromPeer = peer == null ? "unknown" : peer;
        if (forwarded == null || forwarded.isBlank() || !believesHeaders()) {
            return fromPeer;
        }
        String[] hops = forwarded.split(",");
        if (anyPeer) {
            String last = hops[hops.length - 1].strip();
            return last.isEmpty() ? fromPeer : last;
        }
        if (!isTrusted(fromPeer)) {
            return fromPeer;
        }
        String nearest = fromPeer;
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].strip();
            Optional<byte[]> address = literal(hop);
            if (address.isEmpty()) {
                return nearest;
            }
            if (!contains(address.get())) {
                return hop;
            }
            nearest = hop;
        }
        return nearest;
    }

    private boolean isTrusted(String address) {
        return literal(address).map(this::contains).orElse(false);
    }

    private boolean contains(byte[] address) {
        for (Network n : networks) {
            if (n.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** The bytes of an address literal; never asks DNS (only hex digits, dots and colons get that far). */
    private static Optional<byte[]> literal(String text) {
        if (!IP_LITERAL.matcher(text).matches() || (text.indexOf(':') < 0 && text.chars().filter(c -> c == '.').count() != 3)) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(text).getAddress());
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        if (anyPeer) {
            return "any peer (ORDERLY_TRUST_FORWARDED_FOR)";
        }
        return networks.isEmpty() ? "none" : networks.toString();
    }

    /** One network: its first address's bytes and how many leading bits are fixed. */
    private record Network(byte[] base, int bits, String text) {

        static Network parse(String entry) {
            int slash = entry.indexOf('/');
            String addressPart = slash < 0 ? entry : entry.substring(0, slash);
            byte[] base = literal(addressPart).orElseThrow(() -> new IllegalArgumentException(
                    "'" + entry + "' is not a network such as 10.0.0.0/8 or 127.0.0.1"));
            int max = base.length * 8;
            int bits = max;
            if (slash >= 0) {
                try {
                    bits = Integer.parseInt(entry.substring(slash + 1));
                } catch (NumberFormatException e) {
                    bits = -1;
                }
                if (bits < 0 || bits > max) {
                    throw new IllegalArgumentException("'" + entry + "' has a prefix length outside 0.." + max);
                }
            }
            for (int bit = bits; bit < max; bit++) {
                if ((base[bit / 8] & (0x80 >>> (bit % 8))) != 0) {
                    throw new IllegalArgumentException("'" + entry + "' has bits set past its /" + bits
                            + " prefix: write the network's first address");
                }
            }
            return new Network(base, bits, entry);
        }

        boolean contains(byte[] address) {
            if (address.length != base.length) {
                return false;
            }
            for (int bit = 0; bit < bits; bit++) {
                int mask = 0x80 >>> (bit % 8);
                if ((address[bit / 8] & mask) != (base[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public String toString() {
            return text;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Network n && n.text.equals(text);
        }

        @Override
        public int hashCode() {
            return text.hashCode();
        }
    }
}
