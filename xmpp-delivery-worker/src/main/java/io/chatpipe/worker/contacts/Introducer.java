package io.chatpipe.worker.contacts;

import io.chatpipe.events.ConversationId;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.UserId;
import io.chatpipe.worker.config.WorkerProperties;
import io.chatpipe.worker.dispatch.DeliveryException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Makes the two users of every conversation the worker delivers in contacts of each other, with
 * presence subscriptions both ways, before their first message goes: several XMPP clients send
 * receipts and chat markers only to subscribed contacts, and those are how a message's recipient says
 * it arrived and was read.
 *
 * <p>Once per pair, remembered (bounded, least recently used forgotten first; a restart forgets all);
 * doing it again changes nothing on the server. A transient failure fails the delivery, which is tried
 * again with it; any other (an account chatpipe cannot log into on the smack path, say) is logged and
 * the message goes anyway: a roster helps the conversation, it does not hold it up.
 */
@Component
public class Introducer {

    private static final Logger log = LoggerFactory.getLogger(Introducer.class);

    private final XmppRosters rosters;

    private final Set<ConversationId> introduced;

    Introducer(XmppRosters rosters, WorkerProperties properties) {
        this.rosters = rosters;
        int capacity = properties.users().cacheSize();
        this.introduced = Collections.newSetFromMap(Collections.synchronizedMap(
                new LinkedHashMap<ConversationId, Boolean>(16, 0.75f, true) {
                    @Override
                    protected boolean removeEldestEntry(Map.Entry<ConversationId, Boolean> eldest) {
                        return size() > capacity;
                    }
                }));
    }

    /**
     * The message's two users' accounts exist. Returns once each has the other on their roster, subscribed
     * both ways.
     */
    public void introduce(MessageAccepted message) throws DeliveryException.Transient {
        ConversationId pair = message.conversationId();
        UserId from = message.fromId();
        UserId to = message.toId();
        if (introduced.contains(pair) || from.equals(to)) {
            return;
        }
        try {
            rosters.add(from, to);
        } catch (DeliveryException.Transient e) {
            throw e;
        } catch (DeliveryException e) {
            log.warn("{} and {} are not made contacts on the XMPP server (their messages go all the same): {}",
                    from, to, e.getMessage());
        }
        introduced.add(pair);
    }
}
