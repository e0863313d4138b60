package dev.orderly.server.http;

import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The address a request comes from, as rate limits key it: an IPv4 address whole, an IPv6 address
 * by its /64 prefix (one subscriber's network gets a /64, and any address in it is theirs to use).
 *
 * <p>By default the socket's peer address; behind proxies, the address {@link TrustedProxies} believes
 * from {@code X-Forwarded-For}.
 */
final class ClientAddress {

    private static final Pattern IP_LITERAL = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private ClientAddress() {
    }

    static String of(RoutingContext ctx, TrustedProxies proxies) {
        SocketAddress peer = ctx.request().remoteAddress();
        String forwarded = null;
        if (proxies.believesHeaders()) {
            // A header sent twice is one list (RFC 9110): a client's own line must not hide the proxy's.
            List<String> lines = ctx.request().headers().getAll("X-Forwarded-For");
            forwarded = lines.isEmpty() ? null : String.join(",", lines);
        }
        return key(proxies.client(peer == null ? null : peer.hostAddress(), forwarded));
    }

    /** The rate-limit key of an address literal; anything that is not one is keyed as given. */
    static String key(String address) {
        if (address.indexOf(':') < 0 || !IP_LITERAL.matcher(address).matches()) {
            return address;
        }
        try {
            // Only colons, dots and hex digits reach here, so this parses a literal and never asks DNS.
            byte[] bytes = InetAddress.getByName(address).getAddress();
            if (bytes.length != 16) {
                return address;
            }
            StringBuilder prefix = new StringBuilder();
            for (int i = 0; i < 8; i += 2) {
                prefix.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
            }
            return prefix.append(":/64").toString();
        } catch (UnknownHostException e) {
            return address;
        }
    }
}
