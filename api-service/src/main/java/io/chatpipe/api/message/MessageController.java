package io.chatpipe.api.message;

import io.chatpipe.events.MessageAccepted;
import jakarta.validation.Valid;
import java.time.Clock;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/v1/message} (seed 000's endpoint) and {@code POST /api/v1/messages}: one message in,
 * 202 with its ids once Kafka has it.
 */
@RestController
@RequestMapping(path = "/api/v1", consumes = MediaType.APPLICATION_JSON_VALUE)
class MessageController {

    private final MessagePublisher publisher;
    private final Clock clock;

    MessageController(MessagePublisher publisher) {
        this.publisher = publisher;
        this.clock = Clock.systemUTC();
    }

    @PostMapping({"/message", "/messages"})
    ResponseEntity<MessageReceipt> accept(@Valid @RequestBody MessageRequest request) {
        MessageAccepted message = request.accept(clock.instant());
        publisher.publish(message);
        return ResponseEntity.accepted().body(MessageReceipt.of(message));
    }
}
