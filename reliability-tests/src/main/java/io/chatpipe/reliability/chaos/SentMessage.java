package io.chatpipe.reliability.chaos;

/**
 * A message the driver sent, and what became of it.
 *
 * @param conversation the conversation's number
 * @param seq          the message's place in its conversation, from 0
 * @param messageId    the id the api-service gave it, or would give it: {@code MessageId.forClientMessage}
 * @param status       the last HTTP status, or 0 when the last attempt got no answer
 * @param attempts     how many requests it took (retries keep the clientMessageId)
 */
public record SentMessage(int conversation, int seq, String fromId, String toId, String clientMessageId,
        String messageId, Outcome outcome, int status, int attempts, String lastError) {

    public enum Outcome {
        /** A 2xx: the service promised the message is stored. */
        ACCEPTED,
        /** A 4xx other than 429: the service said no, for good. */
        REFUSED,
        /** No 2xx before the driver gave up (errors, 5xx, 429, no answer). */
        NOT_ACCEPTED
    }

    public boolean accepted() {
        return outcome == Outcome.ACCEPTED;
    }
}
