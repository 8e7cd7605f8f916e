package io.chatpipe.api.message;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatpipe.api.web.FieldProblem;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link MessageRequest#problems()} (batch items and WebSocket frames) says what Bean Validation says of the
 * same request through its annotations ({@code @Valid} on a single REST message), problem for problem.
 */
class MessageRequestTests {

    private static ValidatorFactory factory;
    private static Validator validator;

    @BeforeAll
    static void start() {
        Locale.setDefault(Locale.ENGLISH);
        factory = Validation.buildDefaultValidatorFactory();
        validator = factory.getValidator();
    }

    @AfterAll
    static void stop() {
        factory.close();
    }

    static Stream<MessageRequest> requests() {
        String tooLong = "c".repeat(ClientMessageId.MAX_LENGTH + 1);
        return Stream.of(
                new MessageRequest("alice", "bob", "hello <b>world</b> \t\n\r", null),
                new MessageRequest("alice", "bob", "hello", "c-1"),
                new MessageRequest("Älice Müller", "bob@example.com", "ünïcode 😀", "ünï"),
                new MessageRequest(null, null, null, null),
                new MessageRequest("", " ", "\t", ""),
                new MessageRequest("alice", "bob", "bell \u0007", "c-1"),
                new MessageRequest("alice", "bob", "half a pair \uD83D", "c-1"),
                new MessageRequest("alice", "bob", "not a char \uFFFE", "c-1"),
                new MessageRequest("alice", "bob", "hello", tooLong),
                new MessageRequest("alice", "bob", "hello", "tab\tinside"),
                new MessageRequest("alice", "bob", "hello", "   "),
                new MessageRequest("a".repeat(2_000), "bob", "hello", null),
                new MessageRequest("nul\u0000", "\u0007bell", "", "\u0001"),
                new MessageRequest("/", "bob", "hello", null),
                new MessageRequest("bob", "a\uD800b", "hello", null));
    }

    @ParameterizedTest
    @MethodSource("requests")
    void findsWhatBeanValidationFinds(MessageRequest request) {
        List<FieldProblem> byAnnotations = validator.validate(request).stream()
                .map(violation -> new FieldProblem(violation.getPropertyPath().toString(), violation.getMessage()))
                .sorted(Comparator.comparing(FieldProblem::field).thenComparing(FieldProblem::detail))
                .toList();

        assertThat(request.problems()).isEqualTo(byAnnotations);
    }
}
