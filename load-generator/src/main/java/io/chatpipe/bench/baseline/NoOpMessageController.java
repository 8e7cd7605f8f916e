package io.chatpipe.bench.baseline;

import io.chatpipe.api.auth.ApiClient;
import io.chatpipe.api.message.MessageReceipt;
import io.chatpipe.api.message.MessageRequest;
import java.time.Clock;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/v1/messages/no-op}: all that the api-service's {@code POST /api/v1/messages} does before it writes
 * to Kafka (the API key and rate limit, as the path is under {@code /api/v1/messages/**}; the body's checks and
 * reading; {@link MessageRequest#acceptSingle}'s rules, ids and size), answered 202 with the receipt, as the service
 * answers, without writing anything.
 */
@RestController
class NoOpMessageController {

    static final String PATH = "/api/v1/messages/no-op";

    private final Clock clock = Clock.systemUTC();

    @PostMapping(path = PATH, consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<MessageReceipt> accept(@RequestBody MessageRequest request,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
            @RequestAttribute(ApiClient.ATTRIBUTE) ApiClient client) {
        return ResponseEntity.accepted().body(MessageReceipt.of(request.acceptSingle(idempotencyKey, client,
                clock.instant())));
    }
}
