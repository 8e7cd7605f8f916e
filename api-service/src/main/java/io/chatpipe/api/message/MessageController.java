package io.chatpipe.api.message;

import io.chatpipe.api.auth.ApiClient;
import io.chatpipe.api.config.ApiProperties;
import io.chatpipe.api.web.FieldProblem;
import io.chatpipe.events.MessageAccepted;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /api/v1/message} (seed 000's endpoint) and {@code POST /api/v1/messages}: one message in,
 * 202 with its ids once Kafka has it. {@code POST /api/v1/messages/batch}: up to 1,000 messages, answered
 * one by one.
 */
@RestController
@RequestMapping(path = "/api/v1", consumes = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "messages", description = "Chat messages into Kafka, acknowledged by Kafka before they are accepted")
@SecurityRequirement(name = ApiDocs.API_KEY)
class MessageController {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    static final String REPLAYED = "Idempotent-Replayed";

    private static final Logger log = LoggerFactory.getLogger(MessageController.class);

    private final MessageIntake intake;
    private final BatchItemReader items;
    private final int maxBatchItems;
    private final Clock clock;

    MessageController(MessageIntake intake, BatchItemReader items, ApiProperties properties) {
        this.intake = intake;
        this.items = items;
        this.maxBatchItems = properties.limits().maxBatchItems();
        this.clock = Clock.systemUTC();
    }

    @PostMapping(path = {"/message", "/messages"}, produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Send one message",
            description = "202 once Kafka has acknowledged the message. A retry with the same clientMessageId (or "
                    + "Idempotency-Key) gets the same messageId and stores nothing new; the same id with another "
                    + "message is 409. 503 with Retry-After when Kafka cannot take it in time.")
    @ApiResponse(responseCode = "202", description = "Stored in Kafka")
    @ApiResponse(responseCode = "400", description = "Not valid", content = @Content(
            mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE, schema = @Schema(implementation = ApiDocs.Problem.class)))
    @ApiResponse(responseCode = "401", description = "No valid API key", content = @Content(
            mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE, schema = @Schema(implementation = ApiDocs.Problem.class)))
    @ApiResponse(responseCode = "403", description = "The API key may not send as fromId", content = @Content(
            mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE, schema = @Schema(implementation = ApiDocs.Problem.class)))
    @ApiResponse(responseCode = "409", description = "The client message id was used for another message",
            content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
                    schema = @Schema(implementation = ApiDocs.Problem.class)))
    @ApiResponse(responseCode = "413", description = "Message over 64 KiB, or body too large", content = @Content(
            mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE, schema = @Schema(implementation = ApiDocs.Problem.class)))
    @ApiResponse(responseCode = "429", description = "Rate limit of the API key reached", content = @Content(
            mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE, schema = @Schema(implementation = ApiDocs.Problem.class)))
    @ApiResponse(responseCode = "503", description = "Kafka did not acknowledge in time; see Retry-After",
            content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
                    schema = @Schema(implementation = ApiDocs.Problem.class)))
    ResponseEntity<MessageReceipt> accept(
            @RequestBody MessageRequest request,
            @Parameter(description = "The client message id, as a header; if the body has one too, they must be "
                    + "equal") @RequestHeader(name = IDEMPOTENCY_KEY, required = false) String idempotencyKey,
            @Parameter(hidden = true) @RequestAttribute(ApiClient.ATTRIBUTE) ApiClient client) {
        MessageAccepted message = request.acceptSingle(idempotencyKey, client, clock.instant());
        return switch (intake.accept(message)) {
            case Outcome.Accepted accepted -> {
                var response = ResponseEntity.accepted();
                if (accepted.replayed()) {
                    response.header(REPLAYED, "true");
                }
                yield response.body(accepted.receipt());
            }
            case Outcome.Refused refused -> throw refused.problem();
        };
    }

    @PostMapping(path = "/messages/batch", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Send up to 1,000 messages",
            description = "Each message is checked, rate-limited and stored on its own, as if sent alone, and "
                    + "answered in `results` in the order sent: status 202 with its ids, or the status and problem "
                    + "it would have had alone (400, 403, 409, 413, 429, 503). The batch is answered 200 whenever "
                    + "it could be read; 503 with Retry-After (and the same results) when none was accepted "
                    + "because Kafka could not take them.")
    @ApiResponse(responseCode = "200", description = "One result per message", content = @Content(
            mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = BatchResponse.class)))
    @ApiResponse(responseCode = "400", description = "The batch cannot be read, or has no messages", content = @Content(
            mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE, schema = @Schema(implementation = ApiDocs.Problem.class)))
    @ApiResponse(responseCode = "413", description = "More messages than the limit, or body too large",
            content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
                    schema = @Schema(implementation = ApiDocs.Problem.class)))
    @ApiResponse(responseCode = "503", description = "Kafka took none of the messages; see Retry-After and results",
            content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
                    schema = @Schema(implementation = ApiDocs.BatchProblem.class)))
    ResponseEntity<?> acceptBatch(@RequestBody BatchRequest batch,
            @Parameter(hidden = true) @RequestAttribute(ApiClient.ATTRIBUTE) ApiClient client,
            HttpServletResponse servletResponse) {
        List<JsonNode> sent = checkSize(batch.messages());
        long allowed = 1 + client.takeMore(sent.size() - 1, servletResponse);

        // one outcome per item in the order sent: refused here, or settled by the intake
        List<CompletableFuture<Outcome>> outcomes = new ArrayList<>(sent.size());
        List<PendingMessage> pending = new ArrayList<>();
        for (int i = 0; i < sent.size(); i++) {
            try {
                if (i >= allowed) {
                    throw client.rateLimited();
                }
                MessageAccepted message = items.read(sent.get(i)).accept(clock.instant());
                client.checkSender(message.fromId());
                var item = new PendingMessage(message);
                pending.add(item);
                outcomes.add(item.result());
            } catch (ErrorResponseException refusal) {
                outcomes.add(CompletableFuture.completedFuture(new Outcome.Refused(refusal)));
            }
        }
        intake.accept(pending);
        List<BatchResponse.Item> results = new ArrayList<>(outcomes.size());
        for (CompletableFuture<Outcome> outcome : outcomes) {
            results.add(BatchResponse.Item.of(results.size(), outcome.resultNow()));
        }
        return answer(BatchResponse.of(results));
    }

    private ResponseEntity<?> answer(BatchResponse response) {
        long notStored = response.results().stream().filter(BatchResponse.Item::notStored).count();
        if (notStored == 0) {
            return ResponseEntity.ok(response);
        }
        BatchResponse.Item first = response.results().stream().filter(BatchResponse.Item::notStored).findFirst()
                .orElseThrow();
        log.warn("Kafka did not take {} of the {} messages of a batch: {}", notStored, response.results().size(),
                first.detail());
        if (response.accepted() > 0) {
            return ResponseEntity.ok(response);
        }
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                "Kafka did not acknowledge the messages in time, so none was accepted. Retry later; give each a "
                        + "clientMessageId so that a retry cannot make a second copy.");
        problem.setProperty("accepted", response.accepted());
        problem.setProperty("rejected", response.rejected());
        problem.setProperty("results", response.results());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, String.valueOf(first.retryAfter()))
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }

    private List<JsonNode> checkSize(List<JsonNode> messages) {
        if (messages == null || messages.isEmpty()) {
            throw new ErrorResponseException(HttpStatus.BAD_REQUEST, FieldProblem.problem(HttpStatus.BAD_REQUEST,
                    "The batch has no messages.", List.of(new FieldProblem("messages", "must not be empty"))), null);
        }
        if (messages.size() > maxBatchItems) {
            throw new ErrorResponseException(HttpStatus.CONTENT_TOO_LARGE, FieldProblem.problem(
                    HttpStatus.CONTENT_TOO_LARGE, "The batch has too many messages; nothing was stored. Split it.",
                    List.of(new FieldProblem("messages", "has " + messages.size() + " items; at most "
                            + maxBatchItems + " are allowed"))), null);
        }
        return messages;
    }
}
