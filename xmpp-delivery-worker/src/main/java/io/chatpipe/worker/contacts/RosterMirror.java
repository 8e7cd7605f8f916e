package io.chatpipe.worker.contacts;

import io.chatpipe.events.ContactChanged;
import io.chatpipe.events.Topics;
import io.chatpipe.worker.config.WorkerProperties;
import io.chatpipe.worker.dispatch.DeliveryException;
import io.chatpipe.worker.dispatch.KeyRecords;
import io.chatpipe.worker.dispatch.RecordHandler;
import io.chatpipe.worker.provisioning.UserProvisioner;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Mirrors {@code chat.contacts} (the api-service's ADD_CONTACT and UNSUBSCRIBE) into XMPP rosters, so
 * that XMPP clients show the same contacts as chatpipe's own. Both users are provisioned first. An
 * owner's changes are applied in order; transient failures are retried with backoff for as long as
 * it takes. A change the server refuses for good is logged and skipped: a roster is a view of the
 * contacts, which stay in {@code chat.contacts} whatever happens here.
 */
@Component
class RosterMirror implements RecordHandler {

    private static final Logger log = LoggerFactory.getLogger(RosterMirror.class);

    private final UserProvisioner provisioner;

    private final XmppRosters rosters;

    private final WorkerProperties.Retry retry;

    RosterMirror(UserProvisioner provisioner, XmppRosters rosters, WorkerProperties properties) {
        this.provisioner = provisioner;
        this.rosters = rosters;
        this.retry = properties.retry();
    }

    /** One change at a time, in order. */
    @Override
    public void handle(KeyRecords records) throws InterruptedException {
        for (ConsumerRecord<byte[], byte[]> record : records.records()) {
            if (!mirror(record, records)) {
                return;
            }
            records.done(record);
        }
    }

    /** True once the change is applied or skipped, false when it was taken away first. */
    private boolean mirror(ConsumerRecord<byte[], byte[]> record, KeyRecords records) throws InterruptedException {
        ContactChanged change;
        try {
            change = Topics.CONTACTS.values().deserializer().deserialize(record.topic(), record.value());
        } catch (RuntimeException e) {
            log.error("Skipping unreadable {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                    DeliveryException.reason(e));
            return true;
        }
        if (change == null || change.owner() == null || change.contact() == null || change.owner().equals(change.contact())) {
            return true;
        }
        for (int attempt = 1; !records.abandoned(); attempt++) {
            try {
                apply(change);
                log.info("Roster of {}: {} {}", change.owner(), change.change(), change.contact());
                return true;
            } catch (DeliveryException.Permanent e) {
                log.error("Roster of {} not changed ({} {}): {}", change.owner(), change.change(), change.contact(),
                        e.getMessage());
                return true;
            } catch (DeliveryException e) {
                log.warn("Roster of {} ({} {}) failed (attempt {}), retrying: {}", change.owner(), change.change(),
                        change.contact(), attempt, e.getMessage());
            }
            if (!records.pause(retry.backoff(attempt))) {
                return false;
            }
        }
        return false;
    }

    private void apply(ContactChanged change) throws DeliveryException {
        provisioner.provision(change.owner());
        provisioner.provision(change.contact());
        switch (change.change()) {
            case ADDED -> rosters.add(change.owner(), change.contact());
            case REMOVED -> rosters.remove(change.owner(), change.contact());
        }
    }
}
