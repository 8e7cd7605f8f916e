package io.chatpipe.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ConversationIdTests {

    private final UserId alice = UserId.of("alice");
    private final UserId bob = UserId.of("bob");

    @Test
    void isTheSameWhicheverUserSends() {
        assertThat(ConversationId.between(alice, bob)).isEqualTo(ConversationId.between(bob, alice));
        assertThat(ConversationId.between(bob, alice).value()).isEqualTo("alice:bob");
    }

    @Test
    void caseOfTheIdsDoesNotMakeANewConversation() {
        assertThat(ConversationId.between(UserId.of("BOB"), UserId.of("Alice")))
                .isEqualTo(ConversationId.between(alice, bob));
    }

    @Test
    void colonsInIdsCannotForgeAnotherConversation() {
        ConversationId tricky = ConversationId.between(UserId.of("a:b"), UserId.of("c"));
        ConversationId plain = ConversationId.between(UserId.of("a"), UserId.of("b:c"));
        assertThat(tricky).isNotEqualTo(plain);
        assertThat(tricky.first()).isEqualTo(UserId.of("a:b"));
        assertThat(tricky.second()).isEqualTo(UserId.of("c"));
    }

    @Test
    void knowsItsParticipants() {
        ConversationId id = ConversationId.between(bob, alice);
        assertThat(id.involves(alice)).isTrue();
        assertThat(id.involves(UserId.of("mallory"))).isFalse();
    }

    @Test
    void refusesMalformedIds() {
        assertThatThrownBy(() -> ConversationId.of("bob:alice")).isInstanceOf(InvalidIdException.class);
        assertThatThrownBy(() -> ConversationId.of("alice")).isInstanceOf(InvalidIdException.class);
        assertThatThrownBy(() -> ConversationId.of("a:b:c")).isInstanceOf(InvalidIdException.class);
        assertThatThrownBy(() -> ConversationId.of(":bob")).isInstanceOf(InvalidIdException.class);
        assertThatThrownBy(() -> ConversationId.of("a/b:c")).isInstanceOf(InvalidIdException.class);
        assertThatThrownBy(() -> ConversationId.of("Alice:bob")).isInstanceOf(InvalidIdException.class);
        assertThatThrownBy(() -> ConversationId.of("a".repeat(UserId.MAX_LENGTH + 1) + ":b"))
                .isInstanceOf(InvalidIdException.class);
    }

    @Test
    void readsBackWhatItWrote() {
        for (ConversationId id : new ConversationId[] {ConversationId.between(UserId.of("alice"), UserId.of("bob")),
                ConversationId.between(UserId.of("Ann O'Neil"), UserId.of("bob@example")),
                ConversationId.between(UserId.of("a".repeat(UserId.MAX_LENGTH)), UserId.of("zoë"))}) {
            assertThat(ConversationId.of(id.value())).isEqualTo(id);
        }
    }
}
