package io.chatpipe.api.message;

import io.chatpipe.api.web.FieldProblem;
import java.util.List;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponseException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads one item of a batch as a {@link MessageRequest}, by the same rules as a single message (the
 * service's strict JSON mapper, {@link MessageRequest#problems()}), so that a bad item is refused with the 400 it
 * would have had alone.
 */
@Component
class BatchItemReader {

    private static final String NOT_VALID = "The message is not valid.";

    private final JsonMapper json;

    BatchItemReader(JsonMapper json) {
        this.json = json;
    }

    /** @throws ErrorResponseException 400 naming the fields at fault */
    MessageRequest read(JsonNode item) {
        if (item == null || !item.isObject()) {
            throw invalid(List.of(new FieldProblem(FieldProblem.BODY, "must be a JSON object")));
        }
        MessageRequest request;
        try {
            request = json.treeToValue(item, MessageRequest.class);
        } catch (MismatchedInputException e) {
            throw invalid(List.of(FieldProblem.of(e)));
        } catch (JacksonException e) {
            throw invalid(List.of(new FieldProblem(FieldProblem.BODY, "cannot be read")));
        }
        return request.checked(NOT_VALID);
    }

    private static ErrorResponseException invalid(List<FieldProblem> errors) {
        return MessageRequest.invalid(NOT_VALID, errors);
    }
}
