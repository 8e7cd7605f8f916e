package io.chatpipe.worker;

import io.chatpipe.events.ConversationId;
import io.chatpipe.events.DeliveryAttempted;
import io.chatpipe.events.MessageId;
import io.chatpipe.events.Topics;
import io.chatpipe.testsupport.KafkaBroker;
import io.chatpipe.testsupport.XmppServer;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jivesoftware.smack.ConnectionConfiguration.SecurityMode;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.jivesoftware.smackx.mam.MamManager;

/**
 * Plays capture for a worker test: reads a user's archive (XEP-0313, the rows capture would see) over and
 * over through a session that never says it is available (so nothing is routed to it), and writes STORED to
 * chat.deliveries for each of the given messages it finds there. Keeps going while the server is away.
 */
final class ArchiveWatcher implements AutoCloseable {

    private final XmppServer server;

    private final String localpart;

    private final String password;

    private final ConversationId conversation;

    private final Set<String> wanted;

    /** The ids found in the archive so far. */
    final Set<String> stored = ConcurrentHashMap.newKeySet();

    private final KafkaProducer<ConversationId, DeliveryAttempted> producer = new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
            Topics.DELIVERIES.keys().serializer(), Topics.DELIVERIES.values().serializer());

    private volatile boolean running = true;

    private final Thread thread;

    ArchiveWatcher(XmppServer server, String localpart, String password, ConversationId conversation, Set<String> wanted) {
        this.server = server;
        this.localpart = localpart;
        this.password = password;
        this.conversation = conversation;
        this.wanted = wanted;
        this.thread = Thread.ofPlatform().name("archive-watcher").start(this::run);
    }

    private void run() {
        while (running) {
            try {
                readArchive();
            } catch (Exception e) {
                // the server stopped or is starting: the next round tries again
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void readArchive() throws Exception {
        var config = XMPPTCPConnectionConfiguration.builder()
                .setXmppDomain(server.domain()).setHost(server.host()).setPort(server.clientPort())
                .setSecurityMode(SecurityMode.disabled)
                .setUsernameAndPassword(localpart, password)
                .setResource("archive-watcher")
                .setSendPresence(false)
                .build();
        var connection = new XMPPTCPConnection(config);
        connection.setReplyTimeout(10_000);
        try {
            connection.connect().login();
            var query = MamManager.getInstanceFor(connection)
                    .queryArchive(MamManager.MamQueryArgs.builder().setResultPageSizeTo(50).build());
            take(query.getMessages());
            while (!query.isComplete() && running) {
                take(query.pageNext(50));
            }
        } finally {
            connection.disconnect();
        }
    }

    private void take(java.util.List<Message> messages) {
        for (Message message : messages) {
            String id = message.getStanzaId();
            if (id != null && wanted.contains(id) && stored.add(id)) {
                producer.send(new ProducerRecord<>(Topics.DELIVERIES.name(), conversation, DeliveryAttempted.evidence(
                        MessageId.of(id), conversation, DeliveryAttempted.Outcome.STORED, Instant.now())));
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(15_000);
        producer.close();
    }
}
