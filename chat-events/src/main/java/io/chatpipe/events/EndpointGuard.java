package io.chatpipe.events;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;

/**
 * Which webhook URLs chatpipe may call: http or https, a host name, no credentials in the URL, and a host that
 * resolves only to public addresses (not loopback, link-local, private, shared, multicast or unspecified), unless
 * private endpoints are allowed (the local stack and the tests allow them). The api-service asks when an endpoint
 * is registered; the dispatcher asks again before each request, because what a name resolves to can change.
 */
public final class EndpointGuard {

    /** The longest URL accepted. */
    public static final int MAX_URL_LENGTH = 2048;

    private final boolean allowPrivate;

    public EndpointGuard(boolean allowPrivate) {
        this.allowPrivate = allowPrivate;
    }

    /** The URL, if it is one chatpipe may call as far as its text goes; else why not. */
    public static URI parse(String raw) throws RefusedEndpointException {
        if (raw == null || raw.isBlank()) {
            throw new RefusedEndpointException("must not be blank");
        }
        if (raw.length() > MAX_URL_LENGTH) {
            throw new RefusedEndpointException("must be at most " + MAX_URL_LENGTH + " characters");
        }
        URI url;
        try {
            url = new URI(raw);
        } catch (URISyntaxException e) {
            throw new RefusedEndpointException("is not a URL: " + e.getReason());
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new RefusedEndpointException("must be an http or https URL");
        }
        if (url.getHost() == null || url.getHost().isBlank()) {
            throw new RefusedEndpointException("must name a host");
        }
        if (url.getRawUserInfo() != null) {
            throw new RefusedEndpointException("must not hold credentials (they would sit in logs): sign with the secret");
        }
        if (url.getRawFragment() != null) {
            throw new RefusedEndpointException("must not have a fragment");
        }
        return url;
    }

    /**
     * Resolves the URL's host and checks every address it has.
     *
     * @throws RefusedEndpointException when the host does not resolve or an address is not public (and private
     *                                  ones are not allowed)
     */
    public void check(URI url) throws RefusedEndpointException {
        String host = url.getHost();
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new RefusedEndpointException("host " + host + " does not resolve");
        }
        if (allowPrivate) {
            return;
        }
        for (InetAddress address : addresses) {
            Optional<String> kind = privacy(address);
            if (kind.isPresent()) {
                throw new RefusedEndpointException("host " + host + " resolves to a " + kind.get() + " address ("
                        + address.getHostAddress() + "), and private endpoints are not allowed");
            }
        }
    }

    /** What kind of non-public address this is, or empty for a public one. */
    static Optional<String> privacy(InetAddress address) {
        if (address.isLoopbackAddress()) {
            return Optional.of("loopback");
        }
        if (address.isAnyLocalAddress()) {
            return Optional.of("unspecified");
        }
        if (address.isLinkLocalAddress()) {
            return Optional.of("link-local");
        }
        if (address.isSiteLocalAddress()) {
            return Optional.of("private");
        }
        if (address.isMulticastAddress()) {
            return Optional.of("multicast");
        }
        byte[] bytes = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = bytes[0] & 0xff;
            int second = bytes[1] & 0xff;
            if (first == 0) {
                return Optional.of("unspecified");
            }
            if (first == 100 && second >= 64 && second < 128) {
                return Optional.of("shared (carrier-grade NAT)");
            }
            if (first == 169 && second == 254) {
                return Optional.of("link-local");
            }
            if (first >= 240) {
                return Optional.of("reserved");
            }
        }
        if (address instanceof Inet6Address && (bytes[0] & 0xfe) == 0xfc) {
            return Optional.of("private (unique local)");
        }
        return Optional.empty();
    }
}
