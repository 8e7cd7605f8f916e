package io.chatpipe.api;

import io.chatpipe.events.ConversationId;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserId;
import io.chatpipe.testsupport.TopicRecords;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads {@code chat.messages} from its beginning to its end as of now, as any consumer would. The API
 * answers only after Kafka acknowledged a record, so whatever it wrote before this call is in here.
 */
public final class ChatMessagesTopic {

    private ChatMessagesTopic() {
    }

    /** Every record of a message to or from any of the users, in the topic's order per partition. */
    public static List<ConsumerRecord<ConversationId, MessageAccepted>> recordsInvolving(String bootstrapServers,
            UserId... users) {
        // a record's key names both users: only the records of the users' conversations are parsed (the topic
        // holds every test's messages)
        Set<String> localparts = Stream.of(users).map(UserId::localpart).collect(Collectors.toSet());
        List<UserId> involved = List.of(users);
        return TopicRecords.readAll(bootstrapServers, Topics.MESSAGES.name(), Duration.ofSeconds(60)).stream()
                .filter(record -> Stream.of(new String(record.key(), StandardCharsets.UTF_8).split(":"))
                        .anyMatch(localparts::contains))
                .map(record -> TopicRecords.read(Topics.MESSAGES, record))
                .filter(record -> involved.contains(record.value().fromId())
                        || involved.contains(record.value().toId()))
                .toList();
    }
}
