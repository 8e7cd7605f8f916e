package io.chatpipe.api.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.chatpipe.api.web.FieldProblem;
import io.chatpipe.events.ConversationId;
import io.chatpipe.events.MessageId;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * The answer to a batch: how many messages were accepted and rejected, and one result per message in the
 * order sent.
 */
record BatchResponse(int accepted, int rejected, List<Item> results) {

    static BatchResponse of(List<Item> results) {
        int accepted = (int) results.stream().filter(Item::wasAccepted).count();
        return new BatchResponse(accepted, results.size() - accepted, results);
    }

    /**
     * One message's result. Accepted ({@code status} 202): its {@code messageId} and {@code conversationId},
     * and {@code replayed} when an earlier request with its client message id had stored it already.
     * Rejected: the HTTP status it would have had alone, and the problem as RFC 9457 says it
     * ({@code title}, {@code detail}, {@code errors}), with {@code retryAfter} seconds for 503 and 429.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "BatchItemResult")
    record Item(
            int index,
            int status,
            MessageId messageId,
            ConversationId conversationId,
            Boolean replayed,
            String title,
            String detail,
            List<FieldProblem> errors,
            Long retryAfter) {

        static Item of(int index, Outcome outcome) {
            return switch (outcome) {
                case Outcome.Accepted accepted -> accepted(index, accepted.receipt(), accepted.replayed());
                case Outcome.Refused refused -> rejected(index, refused.problem());
            };
        }

        private static Item accepted(int index, MessageReceipt receipt, boolean replayed) {
            return new Item(index, HttpStatus.ACCEPTED.value(), receipt.messageId(), receipt.conversationId(),
                    replayed ? Boolean.TRUE : null, null, null, null, null);
        }

        private static Item rejected(int index, ErrorResponseException refusal) {
            ProblemDetail problem = refusal.getBody();
            String retryAfter = refusal.getHeaders().getFirst(HttpHeaders.RETRY_AFTER);
            return new Item(index, problem.getStatus(), null, null, null, problem.getTitle(), problem.getDetail(),
                    errors(problem), retryAfter == null ? null : Long.valueOf(retryAfter));
        }

        boolean wasAccepted() {
            return messageId != null;
        }

        boolean notStored() {
            return status == HttpStatus.SERVICE_UNAVAILABLE.value();
        }

        @SuppressWarnings("unchecked")
        private static List<FieldProblem> errors(ProblemDetail problem) {
            return problem.getProperties() == null ? null
                    : (List<FieldProblem>) problem.getProperties().get(FieldProblem.ERRORS);
        }
    }
}
