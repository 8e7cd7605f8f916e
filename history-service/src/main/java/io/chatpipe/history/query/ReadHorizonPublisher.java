package io.chatpipe.history.query;

import io.chatpipe.events.ConversationId;
import io.chatpipe.events.ReadHorizonMoved;
import io.chatpipe.events.Topics;
import io.chatpipe.history.config.DurableProducers;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/** Writes read horizons to chat.reads, keyed by conversation, durably (acks=all, idempotent). */
@Component
class ReadHorizonPublisher {

    private final KafkaTemplate<ConversationId, ReadHorizonMoved> kafka;

    ReadHorizonPublisher(DurableProducers producers) {
        this.kafka = producers.template(Topics.READS);
    }

    void publish(ReadHorizonMoved moved) {
        try {
            kafka.send(Topics.READS.name(), moved.conversationId(), moved).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HistoryUnavailableException("interrupted while writing to " + Topics.READS.name(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new HistoryUnavailableException("Kafka did not take the read horizon: " + e.getMessage(), e);
        }
    }
}
