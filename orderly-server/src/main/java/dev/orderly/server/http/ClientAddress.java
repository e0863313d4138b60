package dev.orderly.server.http;

import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * The address a request comes from, as rate limits key it: an IPv4 address whole, an IPv6 address
 * by its /64 prefix (one subscriber's network gets a /64, and any address in it is theirs to use).
 *
 * <p>By default the socket's peer address. Behind one trusted reverse proxy that appends the
 * client to {@code X-Forwarded-For} ({@code ORDERLY_TRUST_FORWARDED_FOR=true}) it is that header's
 * last entry: earlier entries are whatever the client chose to send. Never set that without such a
 * proxy, or every client picks its own address.
 */
final class ClientAddress {

    private static final Pattern IP_LITERAL = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private ClientAddress() {
    }

    static String of(RoutingContext ctx, boolean trustForwardedFor) {
        String raw = null;
        if (trustForwardedFor) {
            String forwarded = ctx.request().getHeader("X-Forwarded-For");
            if (forwarded != null) {
                raw = forwarded.substring(forwarded.lastIndexOf(',') + 1).strip();
            }
        }
        if (raw == null || raw.isEmpty()) {
            SocketAddress peer = ctx.request().remoteAddress();
            raw = peer == null ? "unknown" : peer.hostAddress();
        }
        return key(raw);
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
