package io.chatpipe.history.audit;

import io.chatpipe.events.InvalidIdException;
import io.chatpipe.events.UserId;
import io.chatpipe.history.auth.Reader;
import io.chatpipe.history.config.HistoryProperties.Role;
import io.chatpipe.history.query.BadQueryException;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/** Every message accepted in a time range, streamed as NDJSON straight from chat.messages. */
@RestController
class AuditController {

    private static final Logger log = LoggerFactory.getLogger(AuditController.class);

    static final MediaType NDJSON = MediaType.parseMediaType("application/x-ndjson");

    private final AuditReader reader;

    AuditController(AuditReader reader) {
        this.reader = reader;
    }

    /**
     * @param from first instant of the range (ISO-8601, inclusive), by each message's acceptedAt
     * @param to   end of the range (exclusive)
     * @param user only messages from or to this user
     */
    @GetMapping("/api/v1/audit/messages")
    ResponseEntity<StreamingResponseBody> messages(@RequestParam(required = false) String from,
            @RequestParam(required = false) String to, @RequestParam(required = false) String user,
            HttpServletRequest request) {
        Reader.of(request).requireRole(Role.AUDIT);
        Instant start = instant("from", from);
        Instant end = instant("to", to);
        if (!start.isBefore(end)) {
            throw new BadQueryException("to", "must be after from");
        }
        UserId only = user == null ? null : userId(user);
        StreamingResponseBody body = out -> {
            long written = reader.write(start, end, only, out);
            log.info("Audit of [{}, {}){} wrote {} messages", start, end, only == null ? "" : " for " + only, written);
        };
        return ResponseEntity.ok().contentType(NDJSON).body(body);
    }

    private static Instant instant(String field, String raw) {
        if (raw == null || raw.isBlank()) {
            throw new BadQueryException(field, "is required: an ISO-8601 instant such as 2026-01-02T03:04:05Z");
        }
        try {
            return Instant.parse(raw.strip());
        } catch (DateTimeParseException e) {
            throw new BadQueryException(field, "must be an ISO-8601 instant such as 2026-01-02T03:04:05Z");
        }
    }

    private static UserId userId(String raw) {
        try {
            return UserId.of(raw);
        } catch (InvalidIdException e) {
            throw new BadQueryException("user", e.getMessage());
        }
    }
}
