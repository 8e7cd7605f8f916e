package io.chatpipe.reliability.chaos;

import io.chatpipe.events.ChatJson;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** A conversation's whole history from history-service's query API, paging back from the newest. */
final class HistoryReader {

    /** One message as history lists it. */
    record Entry(String messageId, String fromId, String toId, String message) {
    }

    private static final int PAGE = 200;

    private final String baseUrl;
    private final String authorization;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3)).build();

    /** @param authorization the {@code Authorization} header's value, or null where history needs none */
    HistoryReader(String baseUrl, String authorization) {
        this.baseUrl = baseUrl;
        this.authorization = authorization;
    }

    /** Oldest first. 503s (stores moving, starting) are waited out, up to a minute per page. */
    List<Entry> conversation(String userA, String userB) throws InterruptedException {
        List<List<Entry>> pages = new ArrayList<>();
        String cursor = null;
        do {
            String uri = baseUrl + "/api/v1/conversations/" + encode(userA) + "/" + encode(userB)
                    + "/messages?limit=" + PAGE + (cursor == null ? "" : "&before=" + encode(cursor));
            JsonNode page = get(uri);
            List<Entry> entries = new ArrayList<>();
            for (JsonNode m : page.path("messages")) {
                entries.add(new Entry(m.path("messageId").asString(), m.path("fromId").asString(),
                        m.path("toId").asString(), m.path("message").asString()));
            }
            pages.addFirst(entries);
            JsonNode next = page.get("nextCursor");
            cursor = next == null || next.isNull() ? null : next.asString();
        } while (cursor != null);
        return pages.stream().flatMap(List::stream).toList();
    }

    private JsonNode get(String uri) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            try {
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(15));
                if (authorization != null) {
                    request.header("Authorization", authorization);
                }
                HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return ChatJson.MAPPER.readTree(response.body());
                }
                last = response.statusCode() + " " + response.body();
                if (response.statusCode() != 503) {
                    throw new IllegalStateException("GET " + uri + ": " + last);
                }
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(1000);
        }
        throw new IllegalStateException("GET " + uri + " did not succeed within a minute: " + last);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
