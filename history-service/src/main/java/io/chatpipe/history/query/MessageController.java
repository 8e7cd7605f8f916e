package io.chatpipe.history.query;

import io.chatpipe.events.InvalidIdException;
import io.chatpipe.events.MessageId;
import io.chatpipe.history.auth.Reader;
import io.chatpipe.history.topology.ConversationStore;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.kafka.streams.state.HostInfo;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * One message by its id. A message id does not name its conversation, so no key says which instance holds
 * it: this instance looks in its own partitions and then asks each other instance to look in theirs.
 */
@RestController
class MessageController {

    private final LocalStores stores;
    private final HistoryLocator locator;

    MessageController(LocalStores stores, HistoryLocator locator) {
        this.stores = stores;
        this.locator = locator;
    }

    @GetMapping("/api/v1/messages/{id}")
    ResponseEntity<?> message(@PathVariable String id, HttpServletRequest request) {
        MessageId messageId;
        try {
            messageId = MessageId.of(id);
        } catch (InvalidIdException e) {
            throw new BadQueryException("id", e.getMessage());
        }
        ConversationStore here = stores.conversationsOnThisInstance();
        var found = here.find(messageId);
        if (found.isPresent()) {
            Reader.of(request).requireConversation(found.get().message().conversationId());
            return ResponseEntity.ok(HistoryMessage.of(found.get(), here.status(found.get())));
        }
        if (!HistoryLocator.wasForwarded(request)) {
            for (HostInfo other : locator.otherInstances()) {
                ResponseEntity<byte[]> answer = locator.forward(other, request, null);
                if (answer.getStatusCode().value() != HttpStatus.NOT_FOUND.value()) {
                    return answer; // the message, or a 503 from an instance that cannot tell yet
                }
            }
        }
        throw new NotFoundException("no message " + messageId);
    }
}
