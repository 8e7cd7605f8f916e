package io.chatpipe.api.auth;

import io.github.bucket4j.ConsumptionProbe;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Locale;
import org.springframework.http.HttpHeaders;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Lets a request to the message API through only with a configured API key ({@code Authorization:
 * Bearer <key>}, else 401) and within the key's rate limit (else 429), before its body is read. Every
 * request takes one token of the key's bucket; a batch takes one per further message when it is read.
 */
class ApiKeyInterceptor implements HandlerInterceptor {

    private static final String BEARER = "bearer ";

    private final ApiKeys keys;

    ApiKeyInterceptor(ApiKeys keys) {
        this.keys = keys;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (!keys.required()) {
            request.setAttribute(ApiClient.ATTRIBUTE, ApiClient.anonymous());
            return true;
        }
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization == null || authorization.isBlank()) {
            throw ApiKeyRequiredException.missing();
        }
        if (!authorization.toLowerCase(Locale.ROOT).startsWith(BEARER)) {
            throw ApiKeyRequiredException.missing();
        }
        ApiClient client = keys.find(authorization.substring(BEARER.length()).strip())
                .orElseThrow(ApiKeyRequiredException::invalid);
        RateLimit limit = client.rateLimit();
        ConsumptionProbe probe = limit.takeOne();
        if (!probe.isConsumed()) {
            RateLimitedException refused = new RateLimitedException(client.name(),
                    Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999) / 1_000_000_000));
            limit.writeHeaders(refused.getHeaders(), probe);
            throw refused;
        }
        limit.writeHeaders(response);
        request.setAttribute(ApiClient.ATTRIBUTE, client);
        return true;
    }
}
