package io.chatpipe.api.web;

import io.chatpipe.api.config.ApiProperties;
import io.chatpipe.events.ChatJson;
import io.chatpipe.events.UserId;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.springframework.stereotype.Component;
import org.springframework.web.util.UriUtils;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Reads a conversation's latest messages from history-service's query API
 * ({@code GET /api/v1/conversations/{a}/{b}/messages}), for a logged-in user's own conversations only: the
 * browser asks over its WebSocket, so it needs no access to history-service and no CORS.
 */
@Component
public class HistoryClient {

    private final HttpClient http;
    private final URI base;
    private final Duration timeout;
    private final int messages;
    private final String authorization;

    HistoryClient(ApiProperties properties) {
        ApiProperties.History history = properties.history();
        this.timeout = history.timeout();
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
        String url = history.url().toString();
        this.base = URI.create(url.endsWith("/") ? url : url + "/");
        this.messages = history.messages();
        this.authorization = history.apiKey() == null || history.apiKey().isBlank() ? null
                : "Bearer " + history.apiKey().strip();
    }

    /**
     * The conversation's newest messages, oldest first: history-service's message objects (messageId,
     * fromId, toId, message, acceptedAt, status, ...).
     *
     * @throws HistoryUnavailableException when history-service does not answer, or not with a page
     */
    public JsonNode conversation(UserId a, UserId b) {
        URI uri = base.resolve("api/v1/conversations/" + segment(a) + "/" + segment(b) + "/messages?limit="
                + messages);
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Accept", "application/json").GET();
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        HttpRequest request = builder.build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new HistoryUnavailableException("history-service cannot be reached");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HistoryUnavailableException("interrupted");
        }
        if (response.statusCode() == 401 || response.statusCode() == 403) {
            // chatpipe.api.history.api-key is not one of history-service's chatpipe.history.auth.keys
            throw new HistoryUnavailableException("history-service refused this service's credentials");
        }
        if (response.statusCode() != 200) {
            throw new HistoryUnavailableException("history-service answered " + response.statusCode());
        }
        try {
            JsonNode page = ChatJson.MAPPER.readTree(response.body()).path("messages");
            if (!page.isArray()) {
                throw new HistoryUnavailableException("history-service answered without messages");
            }
            return page;
        } catch (JacksonException e) {
            throw new HistoryUnavailableException("history-service answered something unreadable");
        }
    }

    private static String segment(UserId user) {
        return UriUtils.encodePathSegment(user.value(), StandardCharsets.UTF_8);
    }

    /** History could not be had right now; the message says why, for the user. */
    public static final class HistoryUnavailableException extends RuntimeException {

        HistoryUnavailableException(String message) {
            super(message);
        }
    }
}
