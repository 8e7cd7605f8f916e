package io.chatpipe.events;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** The one JSON mapping of chatpipe's events: ISO-8601 times, unknown fields ignored. */
public final class ChatJson {

    /** Immutable and thread-safe, as every Jackson 3 mapper is. */
    public static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private ChatJson() {
    }
}
