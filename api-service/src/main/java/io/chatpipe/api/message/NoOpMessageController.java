package io.chatpipe.api.message;

import io.chatpipe.api.auth.ApiClient;
import io.swagger.v3.oas.annotations.Hidden;
import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/v1/messages/no-op}, mapped only with {@code chatpipe.api.bench.no-op-endpoint=true}: the
 * benchmark's baseline for the single-message endpoint. It goes through the same API key check and rate limit
 * (the interceptor guards {@code /api/v1/messages/**}), the same body checks, reading and validation and the
 * same preparation of the message, and answers 202 with its receipt, but writes nothing to Kafka.
 */
@RestController
@Hidden
@ConditionalOnBooleanProperty("chatpipe.api.bench.no-op-endpoint")
class NoOpMessageController {

    static final String PATH = "/api/v1/messages/no-op";

    private final Clock clock = Clock.systemUTC();

    @PostMapping(path = PATH, consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<MessageReceipt> accept(@RequestBody MessageRequest request,
            @RequestHeader(name = MessageController.IDEMPOTENCY_KEY, required = false) String idempotencyKey,
            @RequestAttribute(ApiClient.ATTRIBUTE) ApiClient client) {
        return ResponseEntity.accepted().body(MessageReceipt.of(
                request.acceptSingle(idempotencyKey, client, clock.instant())));
    }
}
