package io.chatpipe.api.auth;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** API keys guard the message API only; other endpoints (health, metrics, API docs) stay open. */
@Configuration(proxyBeanMethods = false)
class AuthConfiguration implements WebMvcConfigurer {

    /** The endpoints that take messages from applications, and their webhook subscriptions. */
    static final String[] MESSAGE_API = {"/api/v1/message", "/api/v1/messages", "/api/v1/messages/**",
            "/api/v1/webhooks", "/api/v1/webhooks/**"};

    private final ApiKeys keys;

    AuthConfiguration(ApiKeys keys) {
        this.keys = keys;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new ApiKeyInterceptor(keys)).addPathPatterns(MESSAGE_API);
    }
}
