package io.chatpipe.webhooks.delivery;

import io.chatpipe.events.EndpointGuard;
import io.chatpipe.events.RefusedEndpointException;
import io.chatpipe.events.WebhookDelivery;
import io.chatpipe.events.WebhookEndpoint;
import io.chatpipe.events.WebhookSignature;
import io.chatpipe.webhooks.config.DispatcherProperties;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/**
 * One signed POST of an event to an endpoint. The endpoint's address is checked again first (what a name
 * resolves to can change after registration); redirects are not followed; the answer must come within the read
 * timeout. Its body is read and thrown away up to {@value #MAX_ANSWER_BYTES} bytes, so that the connection stays
 * open for the endpoint's next event (hanging up on every answer unread cost a new connection per event); a longer
 * answer, or one whose body is still coming when the read timeout is up, has its connection dropped, so a gigabyte
 * answer costs nothing.
 */
@Component
class WebhookPost {

    static final String EVENT_ID = "Chatpipe-Event-Id";
    static final String ATTEMPT = "Chatpipe-Attempt";
    static final int MAX_ANSWER_BYTES = 64 * 1024;

    private final HttpClient client;
    private final EndpointGuard guard;
    private final Duration connectTimeout;
    private final Duration readTimeout;

    WebhookPost(DispatcherProperties properties) {
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(properties.http().connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.guard = new EndpointGuard(properties.allowPrivateEndpoints());
        this.connectTimeout = properties.http().connectTimeout();
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
        AtomicInteger status = new AtomicInteger(-1);   // set once the answer's status line and headers are in
        CompletableFuture<HttpResponse<Void>> exchange = client.sendAsync(request, answer -> {
            status.set(answer.statusCode());
            return new AnswerDrain();
        });
        try {
            return failure(exchange.get(connectTimeout.plus(readTimeout).toMillis(), TimeUnit.MILLISECONDS).statusCode());
        } catch (TimeoutException e) {
            exchange.cancel(true);   // drops the connection
            return status.get() < 0 ? noAnswer() : failure(status.get());
        } catch (ExecutionException e) {
            if (status.get() >= 0) {
                return failure(status.get());   // answered; the connection went while its body came
            }
            return switch (e.getCause()) {
                case HttpConnectTimeoutException timeout -> "connect timed out";
                case HttpTimeoutException timeout -> noAnswer();
                case ConnectException refused -> "connection refused";
                case Throwable other -> "connection failed (" + other.getClass().getSimpleName() + ")";
            };
        } catch (InterruptedException e) {
            exchange.cancel(true);
            throw e;
        }
    }

    private String noAnswer() {
        return "no answer within " + readTimeout.toSeconds() + " s";
    }

    private static String failure(int status) {
        if (status >= 200 && status < 300) {
            return null;
        }
        return status >= 300 && status < 400 ? "HTTP " + status + " (redirects are not followed)" : "HTTP " + status;
    }

    /** Takes an answer's body and keeps none of it; past {@value #MAX_ANSWER_BYTES} bytes it hangs up. */
    private static final class AnswerDrain implements HttpResponse.BodySubscriber<Void> {

        private final CompletableFuture<Void> body = new CompletableFuture<>();
        private Flow.Subscription subscription;
        private long left = MAX_ANSWER_BYTES;

        @Override
        public CompletionStage<Void> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                left -= buffer.remaining();
            }
            if (left < 0 && !body.isDone()) {
                subscription.cancel();   // the connection is closed rather than read to its end
                body.complete(null);
            }
        }

        @Override
        public void onError(Throwable failure) {
            body.completeExceptionally(failure);
        }

        @Override
        public void onComplete() {
            body.complete(null);
        }
    }
}
