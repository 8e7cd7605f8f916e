package io.chatpipe.api.message;

import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * {@code {"messages": [{"fromId", "toId", "message", "clientMessageId"?}, ...]}}. Each item is read and
 * checked on its own, so that one bad item is refused alone; hence JSON trees here, not requests.
 */
record BatchRequest(
        @ArraySchema(schema = @Schema(implementation = MessageRequest.class), minItems = 1, maxItems = 1000,
                arraySchema = @Schema(description = "The messages, at most chatpipe.api.limits.max-batch-items "
                        + "(1000 by default)", requiredMode = Schema.RequiredMode.REQUIRED))
        List<JsonNode> messages) {
}
