package io.chatpipe.history.auth;

import io.chatpipe.events.UserId;
import io.chatpipe.events.auth.ApiKeyRing;
import io.chatpipe.history.config.HistoryProperties;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Finds the {@link Reader} of every request to the history API ({@code /api/v1/**}; health and metrics stay
 * open): an API key as {@code Authorization: Bearer <key>}, or a chat account as HTTP Basic. Each controller
 * then checks what the reader may see. A request one instance forwards to another carries the same
 * {@code Authorization} header and is checked again by the owner: no instance trusts another's word.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication   // a run-once redelivery has no web server, so nothing to say about credentials
class HistoryAuthentication implements WebMvcConfigurer, HandlerInterceptor {

    private static final Logger log = LoggerFactory.getLogger(HistoryAuthentication.class);

    private final boolean required;
    private final ApiKeyRing<Reader> keys = new ApiKeyRing<>();
    private final AccountPasswords accounts;

    HistoryAuthentication(HistoryProperties properties, AccountPasswords accounts) {
        this.required = properties.auth().required();
        this.accounts = accounts;
        for (HistoryProperties.ApiKey key : properties.auth().keys()) {
            var senders = key.senders().stream().map(UserId::of).collect(Collectors.toSet());
            try {
                keys.add(key.secretSha256(), Reader.apiKey(key.name(), senders, key.roles()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("chatpipe.history.auth.keys: '" + key.name() + "': "
                        + e.getMessage(), e);
            }
        }
        if (required) {
            log.info("History requires credentials: chat accounts, and {} API keys: {}", keys.holders().size(),
                    keys.holders().stream().map(Reader::name).toList());
        } else {
            log.warn("History answers every request without credentials (chatpipe.history.auth.required=false)");
        }
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(this).addPathPatterns("/api/v1/**");
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        request.setAttribute(Reader.ATTRIBUTE, required ? authenticate(request.getHeader(HttpHeaders.AUTHORIZATION),
                request.getRemoteAddr()) : Reader.anyone());
        return true;
    }

    private Reader authenticate(String authorization, String address) {
        var bearer = ApiKeyRing.bearerToken(authorization);
        if (bearer.isPresent()) {
            return keys.find(bearer.get()).orElseThrow(NotAuthenticatedException::invalidKey);
        }
        var basic = ApiKeyRing.basicCredentials(authorization);
        if (basic.isPresent()) {
            return accounts.verify(basic.get(), address).map(Reader::user)
                    .orElseThrow(NotAuthenticatedException::invalidAccount);
        }
        throw NotAuthenticatedException.missing();
    }
}
