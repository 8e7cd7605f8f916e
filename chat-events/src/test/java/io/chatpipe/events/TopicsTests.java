package io.chatpipe.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class TopicsTests {

    private final MessageAccepted accepted = MessageAccepted.of(MessageId.random(), UserId.of("Alice"),
            UserId.of("bob"), "<b>&amp;", Instant.parse("2026-11-21T10:15:30.123Z"), "c-1");

    @Test
    void messagesRoundTripThroughTheirTopic() {
        var topic = Topics.MESSAGES;
        byte[] key = topic.keys().serializer().serialize(topic.name(), accepted.conversationId());
        byte[] value = topic.values().serializer().serialize(topic.name(), accepted);

        assertThat(new String(key, StandardCharsets.UTF_8)).isEqualTo("alice:bob");
        assertThat(topic.values().deserializer().deserialize(topic.name(), value)).isEqualTo(accepted);
    }

    @Test
    void idsAndTimesAreWrittenAsPlainStrings() {
        String json = new String(Topics.MESSAGES.values().serializer().serialize("t", accepted),
                StandardCharsets.UTF_8);
        assertThat(json).contains("\"fromId\":\"alice\"", "\"conversationId\":\"alice:bob\"",
                "\"acceptedAt\":\"2026-11-21T10:15:30.123Z\"", "\"messageId\":\"" + accepted.messageId() + "\"",
                "\"schema\":1");
    }

    @Test
    void readersIgnoreFieldsTheyDoNotKnow() {
        String json = """
                {"schema":2,"messageId":"%s","conversationId":"alice:bob","fromId":"alice","toId":"bob",
                 "message":"hi","acceptedAt":"2026-11-21T10:15:30Z","addedLater":{"x":1}}"""
                .formatted(accepted.messageId());
        MessageAccepted read = Topics.MESSAGES.values().deserializer()
                .deserialize("t", json.getBytes(StandardCharsets.UTF_8));
        assertThat(read.message()).isEqualTo("hi");
        assertThat(read.schema()).isEqualTo(2);
    }

    @Test
    void unreadableRecordsFailAsSerializationErrors() {
        byte[] garbage = "{not json".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Topics.MESSAGES.values().deserializer().deserialize("t", garbage))
                .isInstanceOf(SerializationException.class);
    }

    @Test
    void sameClientMessageIdFromTheSameSenderIsTheSameMessage() {
        UserId alice = UserId.of("alice");
        assertThat(MessageId.forClientMessage(alice, "c-1")).isEqualTo(MessageId.forClientMessage(alice, "c-1"));
        assertThat(MessageId.forClientMessage(alice, "c-1"))
                .isNotEqualTo(MessageId.forClientMessage(UserId.of("bob"), "c-1"));
    }

    @Test
    void readHorizonsRoundTripThroughTheirTopicKeyedByConversation() {
        ReadHorizonMoved moved = ReadHorizonMoved.of(accepted.conversationId(), UserId.of("Bob"),
                accepted.messageId(), Instant.parse("2026-11-21T10:16:00Z"));
        var topic = Topics.READS;
        byte[] key = topic.keys().serializer().serialize(topic.name(), moved.conversationId());
        byte[] value = topic.values().serializer().serialize(topic.name(), moved);

        assertThat(topic.name()).isEqualTo("chat.reads");
        assertThat(new String(key, StandardCharsets.UTF_8)).isEqualTo("alice:bob");
        assertThat(new String(value, StandardCharsets.UTF_8)).contains("\"userId\":\"bob\"",
                "\"lastReadMessageId\":\"" + accepted.messageId() + "\"");
        assertThat(topic.values().deserializer().deserialize(topic.name(), value)).isEqualTo(moved);
    }

    @Test
    void accountsAreKeyedByUserAndNeverLogTheirHash() {
        AccountRegistered account = AccountRegistered.of(UserId.of("Alice"), "{bcrypt}$2a$10$abc",
                Instant.parse("2026-11-21T10:16:00Z"));
        var topic = Topics.ACCOUNTS;
        byte[] key = topic.keys().serializer().serialize(topic.name(), account.userId());
        byte[] value = topic.values().serializer().serialize(topic.name(), account);

        assertThat(topic.name()).isEqualTo("chat.accounts");
        assertThat(new String(key, StandardCharsets.UTF_8)).isEqualTo("alice");
        assertThat(topic.values().deserializer().deserialize(topic.name(), value)).isEqualTo(account);
        assertThat(account.toString()).doesNotContain("bcrypt");
    }

    @Test
    void contactChangesAndPresenceRoundTripKeyedByUser() {
        ContactChanged added = ContactChanged.added(UserId.of("alice"), UserId.of("Bob"), Instant.EPOCH);
        PresenceChanged online = PresenceChanged.of(UserId.of("bob"), "api-1", true, Instant.EPOCH);

        byte[] contact = Topics.CONTACTS.values().serializer().serialize("t", added);
        byte[] presence = Topics.PRESENCE.values().serializer().serialize("t", online);

        assertThat(new String(contact, StandardCharsets.UTF_8)).contains("\"owner\":\"alice\"",
                "\"contact\":\"bob\"", "\"change\":\"ADDED\"");
        assertThat(Topics.CONTACTS.values().deserializer().deserialize("t", contact)).isEqualTo(added);
        assertThat(Topics.PRESENCE.values().deserializer().deserialize("t", presence)).isEqualTo(online);
        assertThat(List.of(Topics.CONTACTS.name(), Topics.PRESENCE.name()))
                .containsExactly("chat.contacts", "chat.presence");
    }

    @Test
    void anErasureCoversTheUsersMessagesUpToItsTimeOnly() {
        UserErased erased = UserErased.of(UserId.of("alice"), accepted.acceptedAt(), "admin");
        var topic = Topics.ERASURES;
        byte[] value = topic.values().serializer().serialize(topic.name(), erased);

        assertThat(topic.values().deserializer().deserialize(topic.name(), value)).isEqualTo(erased);
        assertThat(erased.covers(accepted)).isTrue();
        assertThat(UserErased.of(UserId.of("bob"), accepted.acceptedAt(), "admin").covers(accepted)).isTrue();
        assertThat(UserErased.of(UserId.of("carol"), accepted.acceptedAt(), "admin").covers(accepted)).isFalse();
        assertThat(UserErased.of(UserId.of("alice"), accepted.acceptedAt().minusMillis(1), "admin").covers(accepted))
                .isFalse();
    }
}
