package io.chatpipe.api.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.chatpipe.api.web.FieldProblem;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link MessageRequest#problems()}, the one set of rules of single REST messages, batch items and WebSocket
 * frames: every field at fault, in the order of the fields' names, each with what is wrong with it.
 */
class MessageRequestTests {

    static Stream<Arguments> requests() {
        String tooLong = "c".repeat(MessageRequest.MAX_CLIENT_MESSAGE_ID + 1);
        return Stream.of(
                arguments(new MessageRequest("alice", "bob", "hello <b>world</b> \t\n\r", null), problems()),
                arguments(new MessageRequest("alice", "bob", "hello", "c-1"), problems()),
                arguments(new MessageRequest("Älice Müller", "bob@example.com", "ünïcode 😀", "ünï"), problems()),
                arguments(new MessageRequest("/", "bob", "hello", null), problems()),
                arguments(new MessageRequest(null, null, null, null),
                        problems("fromId", "must not be blank", "message", "must not be blank",
                                "toId", "must not be blank")),
                arguments(new MessageRequest("", " ", "\t", ""),
                        problems("clientMessageId", "must not be blank when given", "fromId", "must not be blank",
                                "message", "must not be blank", "toId", "must not be blank")),
                arguments(new MessageRequest("alice", "bob", "bell \u0007", "c-1"),
                        problems("message", "must not contain U+0007")),
                arguments(new MessageRequest("alice", "bob", "half a pair \uD83D", "c-1"),
                        problems("message", "must not contain U+D83D")),
                arguments(new MessageRequest("alice", "bob", "not a char \uFFFE", "c-1"),
                        problems("message", "must not contain U+FFFE")),
                // blank, and holding a character XMPP cannot carry: both are said
                arguments(new MessageRequest("alice", "bob", " \u000C\u001F", null),
                        problems("message", "must not be blank", "message", "must not contain U+000C")),
                arguments(new MessageRequest("alice", "bob", "hello", tooLong),
                        problems("clientMessageId", "must be at most 128 characters")),
                arguments(new MessageRequest("alice", "bob", "hello", "tab\tinside"),
                        problems("clientMessageId", "must not contain U+0009")),
                arguments(new MessageRequest("alice", "bob", "hello", "   "),
                        problems("clientMessageId", "must not be blank when given")),
                arguments(new MessageRequest("a".repeat(2_000), "bob", "hello", null),
                        problems("fromId", "must be at most 255 characters")),
                arguments(new MessageRequest("nul\u0000", "\u0007bell", "", "\u0001"),
                        problems("clientMessageId", "must not contain U+0001", "fromId", "must not contain U+0000",
                                "message", "must not be blank", "toId", "must not contain U+0007")),
                arguments(new MessageRequest("bob", "a\uD800b", "hello", null),
                        problems("toId", "must not contain U+D800")));
    }

    @ParameterizedTest
    @MethodSource("requests")
    void namesEveryFieldAtFaultInTheOrderOfTheirNames(MessageRequest request, List<FieldProblem> expected) {
        assertThat(request.problems()).isEqualTo(expected);
    }

    /** Field, detail, field, detail, ... */
    private static List<FieldProblem> problems(String... fieldsAndDetails) {
        return IntStream.range(0, fieldsAndDetails.length / 2)
                .mapToObj(i -> new FieldProblem(fieldsAndDetails[2 * i], fieldsAndDetails[2 * i + 1]))
                .toList();
    }
}
