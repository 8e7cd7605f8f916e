package io.chatpipe.history.privacy;

import io.chatpipe.events.InvalidIdException;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserErased;
import io.chatpipe.events.UserId;
import io.chatpipe.history.auth.Reader;
import io.chatpipe.history.config.DurableProducers;
import io.chatpipe.history.config.HistoryProperties.Role;
import io.chatpipe.history.query.BadQueryException;
import io.chatpipe.history.query.HistoryUnavailableException;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.PartitionInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * Erases a user's messages, as an event: a {@link UserErased} in chat.erasures, written to every partition so
 * that the history task of each partition of chat.messages erases its part. Accepted (202) once Kafka has it
 * everywhere; the messages vanish from every answer as history applies it, a moment later.
 */
@RestController
class ErasureController {

    private static final Logger log = LoggerFactory.getLogger(ErasureController.class);

    private final KafkaTemplate<UserId, UserErased> kafka;

    ErasureController(DurableProducers producers) {
        this.kafka = producers.template(Topics.ERASURES);
    }

    /** Needs an API key with the admin role. */
    @DeleteMapping("/api/v1/users/{userId}/messages")
    ResponseEntity<UserErased> erase(@PathVariable String userId, HttpServletRequest request) {
        Reader reader = Reader.of(request);
        reader.requireRole(Role.ADMIN);
        UserId user;
        try {
            user = UserId.of(userId);
        } catch (InvalidIdException e) {
            throw new BadQueryException("userId", e.getMessage());
        }
        UserErased erased = UserErased.of(user, Instant.now(), reader.name());
        List<CompletableFuture<?>> sent = new ArrayList<>();
        for (PartitionInfo partition : kafka.partitionsFor(Topics.ERASURES.name())) {
            sent.add(kafka.send(Topics.ERASURES.name(), partition.partition(), user, erased));
        }
        try {
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HistoryUnavailableException("interrupted while writing to " + Topics.ERASURES.name(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new HistoryUnavailableException("Kafka did not take the erasure: " + e.getMessage(), e);
        }
        log.info("{} erased the messages of {} up to {}", reader.name(), user, erased.erasedAt());
        return ResponseEntity.accepted().body(erased);
    }
}
