package io.chatpipe.api.auth;

import io.chatpipe.events.UserId;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Set;
import org.springframework.web.ErrorResponseException;

/**
 * The application behind a request to the message API: the holder of its API key, what it may send as,
 * and its rate limit. When keys are not required every request is {@link #anonymous()}: any sender, no
 * limit. The request carries it as the attribute {@link #ATTRIBUTE}.
 */
public final class ApiClient {

    public static final String ATTRIBUTE = "io.chatpipe.api.auth.ApiClient";

    private static final ApiClient ANONYMOUS = new ApiClient("anonymous", Set.of(), null);

    private final String name;
    private final Set<UserId> senders;
    private final RateLimit rateLimit;

    ApiClient(String name, Set<UserId> senders, RateLimit rateLimit) {
        this.name = name;
        this.senders = Set.copyOf(senders);
        this.rateLimit = rateLimit;
    }

    public static ApiClient anonymous() {
        return ANONYMOUS;
    }

    /** The key's configured name (never its secret). */
    public String name() {
        return name;
    }

    /** The users this key may send as; empty when it may send as anyone. */
    public Set<UserId> senders() {
        return senders;
    }

    /** @throws SenderNotAllowedException (403) when this key may not send as the user */
    public void checkSender(UserId sender) {
        if (!senders.isEmpty() && !senders.contains(sender)) {
            throw new SenderNotAllowedException(name, sender);
        }
    }

    /**
     * Takes tokens for {@code more} messages beyond the one the request itself took, as many as there are,
     * and brings the rate-limit headers of the answer up to date.
     *
     * @return how many of them may go ahead; the rest get {@link #rateLimited()}
     */
    public long takeMore(long more, HttpServletResponse response) {
        if (rateLimit == null) {
            return more;
        }
        long granted = rateLimit.takeUpTo(more);
        rateLimit.writeHeaders(response);
        return granted;
    }

    /** The refusal (429) of a message beyond what the rate limit allows now. */
    public ErrorResponseException rateLimited() {
        return new RateLimitedException(name, rateLimit == null ? 1 : rateLimit.secondsUntilNextToken());
    }

    RateLimit rateLimit() {
        return rateLimit;
    }

    @Override
    public String toString() {
        return "ApiClient[" + name + "]";
    }
}
