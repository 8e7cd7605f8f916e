package io.chatpipe.api.message;

import org.springframework.web.ErrorResponseException;

/** What became of one message: accepted (Kafka has it), or refused with a problem for the client. */
public sealed interface Outcome {

    /** @param replayed whether an earlier request with the same client message id had already stored it */
    record Accepted(MessageReceipt receipt, boolean replayed) implements Outcome {
    }

    record Refused(ErrorResponseException problem) implements Outcome {
    }
}
