package io.chatpipe.webhooks.delivery;

import io.chatpipe.events.EndpointGuard;
import io.chatpipe.events.RefusedEndpointException;
import io.chatpipe.events.WebhookDelivery;
import io.chatpipe.events.WebhookEndpoint;
import io.chatpipe.events.WebhookSignature;
import io.chatpipe.webhooks.config.DispatcherProperties;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * One signed POST of an event to an endpoint. The endpoint's address is checked again first (what a name
 * resolves to can change after registration); redirects are not followed; the answer must begin within the read
 * timeout; its body is never read (closing it drops the connection, so a gigabyte answer costs nothing).
 */
@Component
class WebhookPost {

    static final String EVENT_ID = "Chatpipe-Event-Id";
    static final String ATTEMPT = "Chatpipe-Attempt";

    private final HttpClient client;
    private final EndpointGuard guard;
    private final Duration readTimeout;

    WebhookPost(DispatcherProperties properties) {
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(properties.http().connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.guard = new EndpointGuard(properties.allowPrivateEndpoints());
        this.readTimeout = properties.http().readTimeout();
    }

    /**
     * Sends the event; interruptible.
     *
     * @return null when the endpoint answered 2xx, else why not (never with the secret or the body in it)
     */
    String send(WebhookEndpoint endpoint, WebhookDelivery delivery, int attempt) throws InterruptedException {
        try {
            guard.check(endpoint.url());
        } catch (RefusedEndpointException e) {
            return "refused: the URL " + e.getMessage();
        }
        long now = System.currentTimeMillis() / 1000;
        HttpRequest request = HttpRequest.newBuilder(endpoint.url())
                .timeout(readTimeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "chatpipe-webhooks")
                .header(EVENT_ID, delivery.eventId())
                .header(ATTEMPT, Integer.toString(attempt))
                .header(WebhookSignature.HEADER, WebhookSignature.sign(endpoint.secret(), now, delivery.body()))
                .POST(HttpRequest.BodyPublishers.ofString(delivery.body()))
                .build();
        try {
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            response.body().close();
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                return null;
            }
            return status >= 300 && status < 400 ? "HTTP " + status + " (redirects are not followed)" : "HTTP " + status;
        } catch (HttpConnectTimeoutException e) {
            return "connect timed out";
        } catch (HttpTimeoutException e) {
            return "no answer within " + readTimeout.toSeconds() + " s";
        } catch (ConnectException e) {
            return "connection refused";
        } catch (IOException e) {
            return "connection failed (" + e.getClass().getSimpleName() + ")";
        }
    }
}
