package io.chatpipe.api.chat;

import io.chatpipe.api.account.Accounts;
import io.chatpipe.api.account.SessionTokens;
import io.chatpipe.api.config.ApiProperties;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;

/**
 * The chat WebSocket's endpoints: {@code /ws/chat?token=...} always, and seed 003's
 * {@code /chat/{username}/{password}} when {@code chatpipe.api.websocket.legacy-password-path} is on (a plain
 * GET of {@code /chat/{from}/{to}} is still the chat page: only a WebSocket upgrade reaches the socket).
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
class ChatSocketConfiguration implements WebSocketConfigurer {

    static final String ENDPOINT = "/ws/chat";
    static final String LEGACY_ENDPOINT = "/chat/*/*";

    private final ApiProperties.WebSocket settings;
    private final ChatSocketHandler handler;
    private final SessionTokens tokens;
    private final Accounts accounts;

    ChatSocketConfiguration(ApiProperties properties, ChatSocketHandler handler, SessionTokens tokens,
            Accounts accounts) {
        this.settings = properties.websocket();
        this.handler = handler;
        this.tokens = tokens;
        this.accounts = accounts;
    }

    @Override
    public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
        // Spring's own origin check allows only the same origin; ours (first) applies the configured list
        registry.addHandler(handler, ENDPOINT)
                .addInterceptors(new Handshakes.OriginCheck(settings), new Handshakes.TokenLogin(tokens))
                .setAllowedOriginPatterns("*");
        if (settings.legacyPasswordPath()) {
            registry.addHandler(handler, LEGACY_ENDPOINT)
                    .addInterceptors(new Handshakes.OriginCheck(settings), new Handshakes.PasswordPathLogin(accounts))
                    .setAllowedOriginPatterns("*");
        }
    }
}
