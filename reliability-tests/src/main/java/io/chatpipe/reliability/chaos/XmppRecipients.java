package io.chatpipe.reliability.chaos;

import io.chatpipe.supervisor.XmppServerControl;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.AbstractXMPPConnection;
import org.jivesoftware.smack.ConnectionConfiguration.SecurityMode;
import org.jivesoftware.smack.ConnectionListener;
import org.jivesoftware.smack.ReconnectionManager;
import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.jivesoftware.smackx.chat_markers.element.ChatMarkersElements;
import org.jivesoftware.smackx.hints.element.StoreHint;
import org.jivesoftware.smackx.iqregister.AccountManager;
import org.jivesoftware.smackx.mam.MamManager;
import org.jivesoftware.smackx.mam.element.MamElements;
import org.jivesoftware.smackx.receipts.DeliveryReceipt;
import org.jivesoftware.smackx.sid.element.OriginIdElement;
import org.jivesoftware.smackx.sid.element.StanzaIdElement;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Localpart;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recipients' XMPP clients (Smack over TCP), online through the whole run, behaving as real clients do:
 * each registers its account in-band (or finds it), logs in, reconnects by itself when the server goes away,
 * and keeps every chat message it receives, in arrival order. After a reconnect it catches up from its archive
 * (XEP-0313, after the last archive id it saw before the stream dropped: {@link CatchUpMark}), taking only
 * messages whose id it does not have: a message stored for it while the live session was cut off is in the
 * archive, and a client syncs it from there.
 * Every {@link ChaosSettings#replyEvery()}th message it answers, as a person's client would: a receipt, a
 * displayed marker and a reply to the sender, each conversation's replies in order.
 */
final class XmppRecipients implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(XmppRecipients.class);
    private static final int ARCHIVE_PAGE = 250;
    private static final long RECENT_MILLIS = 60_000;

    /** A reply as it went out, and when. */
    private record Sent(Message stanza, long at) {
    }

    private final ChaosSettings settings;
    private final List<Client> clients = new CopyOnWriteArrayList<>();
    private final List<ReceivedStanza> received = new CopyOnWriteArrayList<>();
    private final List<SentReply> replies = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();

    private XmppRecipients(ChaosSettings settings) {
        this.settings = settings;
    }

    static XmppRecipients connect(XmppServerControl server, ChaosSettings settings, List<String> localparts,
            String password) {
        var recipients = new XmppRecipients(settings);
        try (var pool = Executors.newFixedThreadPool(8)) {
            List<CompletableFuture<Void>> logins = new ArrayList<>();
            for (String localpart : localparts) {
                logins.add(CompletableFuture.runAsync(() -> recipients.open(server, localpart, password), pool));
            }
            CompletableFuture.allOf(logins.toArray(CompletableFuture[]::new)).join();
        } catch (RuntimeException e) {
            recipients.close();
            throw e;
        }
        log.info("{} recipients online", localparts.size());
        recipients.watchdog.scheduleWithFixedDelay(() -> recipients.clients.forEach(Client::watch), 5, 5,
                TimeUnit.SECONDS);
        return recipients;
    }

    private void open(XmppServerControl server, String localpart, String password) {
        try {
            var config = XMPPTCPConnectionConfiguration.builder()
                    .setXmppDomain(server.domain())
                    .setHost(server.host())
                    .setPort(server.clientPort())
                    .setSecurityMode(SecurityMode.disabled)   // loopback only
                    .setUsernameAndPassword(localpart, password)
                    .setResource("chaos")
                    .build();
            var connection = new XMPPTCPConnection(config);
            connection.setReplyTimeout(30_000);
            var client = new Client(localpart, connection, JidCreate.bareFrom(localpart + "@" + server.domain()));
            connection.addSyncStanzaListener(stanza -> client.take((Message) stanza, null, false),
                    StanzaTypeFilter.MESSAGE);
            connection.connect();
            var accounts = AccountManager.getInstance(connection);
            accounts.sensitiveOperationOverInsecureConnection(true);
            try {
                accounts.createAccount(Localpart.from(localpart), password);
            } catch (XMPPException.XMPPErrorException e) {
                if (e.getStanzaError().getCondition() != StanzaError.Condition.conflict) {
                    throw e;
                }
            }
            connection.login();
            connection.addConnectionListener(new ConnectionListener() {
                @Override
                public void connectionClosed() {
                    client.dropped();
                }

                @Override
                public void connectionClosedOnError(Exception e) {
                    client.dropped();
                }

                @Override
                public void authenticated(XMPPConnection c, boolean resumed) {
                    if (!resumed) {
                        client.synced = false;   // the answers wait until the archive is read
                        Thread.ofVirtual().start(client::catchUp);
                    }
                }
            });
            var reconnection = ReconnectionManager.getInstanceFor(connection);
            reconnection.setReconnectionPolicy(ReconnectionManager.ReconnectionPolicy.FIXED_DELAY);
            reconnection.setFixedDelay(1);
            reconnection.enableAutomaticReconnection();
            clients.add(client);
        } catch (Exception e) {
            throw new IllegalStateException("cannot log in as " + localpart + " at " + server.domain(), e);
        }
    }

    /** One recipient's client. Its answers and archive queries run on its own thread, in order. */
    private final class Client {

        private final String localpart;
        private final XMPPTCPConnection connection;
        private final BareJid self;
        private final ExecutorService tasks = Executors.newSingleThreadExecutor();
        private final Set<String> messageIds = new HashSet<>();
        private final Set<String> archiveIds = new HashSet<>();
        private final Map<Integer, Integer> repliesIn = new HashMap<>();
        private final CatchUpMark mark = new CatchUpMark();
        private long arrivals;
        private long firstCopies;
        private int strikes;
        /** Replies sent in the last minute before the latest one, with when: those a dropped stream may have lost. */
        private final Map<String, Sent> recent = new java.util.LinkedHashMap<>();
        private volatile boolean synced = true;
        private volatile boolean closed;

        Client(String localpart, XMPPTCPConnection connection, BareJid self) {
            this.localpart = localpart;
            this.connection = connection;
            this.self = self;
        }

        /** A chat message, live or from the archive; the archive's copy only when the live session missed it. */
        synchronized void take(Message message, String resultId, boolean fromArchive) {
            if (message.getBody() == null) {
                return;
            }
            String archiveId = resultId != null ? resultId : archiveIdOf(message);
            OriginIdElement origin = OriginIdElement.getOriginId(message);
            String messageId = origin != null ? origin.getId() : message.getStanzaId();
            if (fromArchive && (messageIds.contains(messageId) || (archiveId != null && archiveIds.contains(archiveId)))) {
                remember(archiveId);
                return;   // de-duplicated by id, as clients that sync from the archive do
            }
            remember(archiveId);
            if (message.getFrom() != null && self.equals(message.getFrom().asBareJid())) {
                return;   // the archive keeps the client's own replies too
            }
            String from = message.getFrom() == null ? null : message.getFrom().asBareJid().toString();
            received.add(new ReceivedStanza(localpart, message.getStanzaId(), origin == null ? null : origin.getId(),
                    from, message.getBody(), arrivals++, archiveId, fromArchive));
            if (messageIds.add(messageId) && from != null && settings.replyEvery() > 0) {
                int[] place = settings.parse(message.getBody());
                if (place != null && ++firstCopies % settings.replyEvery() == 0) {
                    int k = repliesIn.merge(place[0], 1, Integer::sum) - 1;
                    tasks.execute(() -> answer(from, messageId, place[0], k));
                }
            }
        }

        private void remember(String archiveId) {
            if (archiveId != null) {
                archiveIds.add(archiveId);
                mark.seen(archiveId);
            }
        }

        synchronized void dropped() {
            mark.dropped();
        }

        /** The stanza-id the recipient's own archive gave the message (XEP-0359, {@code by} the bare JID). */
        private String archiveIdOf(Message message) {
            for (StanzaIdElement id : message.getExtensions(StanzaIdElement.class)) {
                if (self.equals(id.getBy())) {
                    return id.getId();
                }
            }
            return null;
        }

        /** A receipt, a displayed marker and the reply, each sent again after a reconnect until it goes out. */
        private void answer(String to, String messageId, int conversation, int k) {
            try {
                var jid = JidCreate.entityBareFrom(to);
                send(StanzaBuilder.buildMessage().to(jid).ofType(Message.Type.chat)
                        .addExtension(new DeliveryReceipt(messageId)).addExtension(StoreHint.INSTANCE).build());
                send(StanzaBuilder.buildMessage().to(jid).ofType(Message.Type.chat)
                        .addExtension(new ChatMarkersElements.DisplayedExtension(messageId))
                        .addExtension(StoreHint.INSTANCE).build());
                String originId = settings.replyOriginId(conversation, k);
                String body = settings.replyBody(conversation, k);
                Message reply = StanzaBuilder.buildMessage(originId).to(jid).ofType(Message.Type.chat).setBody(body)
                        .addExtension(new OriginIdElement(originId)).build();
                if (send(reply)) {
                    replies.add(new SentReply(localpart, conversation, k, originId, body));
                    long now = System.currentTimeMillis();
                    synchronized (this) {
                        recent.values().removeIf(sent -> sent.at() < now - RECENT_MILLIS);
                        recent.put(originId, new Sent(reply, now));
                    }
                }
            } catch (Exception e) {
                log.warn("{} could not answer {}: {}", localpart, messageId, e.toString());
            }
        }

        private boolean send(Message stanza) throws InterruptedException {
            while (!closed) {
                if (connection.isAuthenticated() && synced) {
                    try {
                        connection.sendStanza(stanza);
                        return true;
                    } catch (SmackException.NotConnectedException e) {
                        // gone meanwhile
                    }
                }
                Thread.sleep(500);   // the reconnection manager (or the watchdog) brings the stream back
            }
            return false;
        }

        /**
         * Logs in again when the reconnection manager has not for 15 s: Smack's stops trying once a TCP
         * connection stands, even when the login on it failed (one client of 50 stayed logged out after
         * ejabberd's restart in a run), and a client left logged out would count as lost what its archive holds.
         */
        void watch() {
            if (closed || connection.isAuthenticated()) {
                strikes = 0;
                return;
            }
            if (++strikes < 3) {
                return;
            }
            strikes = 0;
            try {
                if (connection.isConnected()) {
                    connection.disconnect();
                }
                connection.connect().login();
                log.info("{} logged in again by itself", localpart);
            } catch (Exception e) {
                log.debug("{} could not log in again yet: {}", localpart, e.toString());
            }
        }

        /**
         * After a reconnect: everything the archive stored after the last archive id this client saw before the
         * stream dropped; then the replies of the last minute that its own archive does not hold, sent again in
         * order (same origin-id), before any new one: a stream that dies takes what was in flight on it, and a
         * client that keeps what it sent until the server has it sends that again, as Conversations does with its
         * unconfirmed messages.
         */
        void catchUp() {
            try {
                fetchMissed();
                sendAgainWhatTheArchiveLacks();
            } finally {
                synced = true;
            }
        }

        private void sendAgainWhatTheArchiveLacks() {
            List<Sent> candidates;
            synchronized (this) {
                candidates = List.copyOf(recent.values());
            }
            if (candidates.isEmpty()) {
                return;
            }
            try {
                var query = MamManager.getInstanceFor(connection).queryArchive(MamManager.MamQueryArgs.builder()
                        .limitResultsSince(new java.util.Date(candidates.getFirst().at() - 5_000))
                        .setResultPageSizeTo(ARCHIVE_PAGE).build());
                Set<String> archived = new HashSet<>(ownOriginIds(query.getMamResultExtensions()));
                while (!query.isComplete()) {
                    query.pageNext(ARCHIVE_PAGE);
                    archived.addAll(ownOriginIds(query.getMamResultExtensions()));
                }
                for (Sent sent : candidates) {
                    String originId = sent.stanza().getStanzaId();
                    if (!archived.contains(originId)) {
                        log.info("{} sends {} again: its archive does not hold it", localpart, originId);
                        connection.sendStanza(sent.stanza());
                    }
                }
            } catch (Exception e) {
                log.warn("{} could not check its replies against its archive: {}", localpart, e.toString());
            }
        }

        private List<String> ownOriginIds(List<MamElements.MamResultExtension> results) {
            List<String> ids = new ArrayList<>();
            for (MamElements.MamResultExtension result : results) {
                Message message = result.getForwarded().getForwardedStanza();
                OriginIdElement origin = OriginIdElement.getOriginId(message);
                if (origin != null && message.getFrom() != null && self.equals(message.getFrom().asBareJid())) {
                    ids.add(origin.getId());
                }
            }
            return ids;
        }

        private void fetchMissed() {
            CatchUpMark.Start start;
            synchronized (this) {
                start = mark.start();
            }
            String after = start.after();
            try {
                var mam = MamManager.getInstanceFor(connection);
                var args = MamManager.MamQueryArgs.builder().setResultPageSizeTo(ARCHIVE_PAGE);
                if (after != null) {
                    args.afterUid(after);   // else nothing was seen before the drop: the whole archive
                }
                var query = mam.queryArchive(args.build());
                int fetched = takeAll(query.getMamResultExtensions());
                while (!query.isComplete()) {
                    query.pageNext(ARCHIVE_PAGE);
                    fetched += takeAll(query.getMamResultExtensions());
                }
                synchronized (this) {
                    mark.caughtUp(start);
                }
                log.info("{} caught up from its archive after {}: {} messages", localpart, after, fetched);
            } catch (Exception e) {
                log.warn("{} could not catch up from its archive: {}", localpart, e.toString());
            }
        }

        private int takeAll(List<MamElements.MamResultExtension> results) {
            for (MamElements.MamResultExtension result : results) {
                take(result.getForwarded().getForwardedStanza(), result.getId(), true);
            }
            return results.size();
        }

        void close() {
            closed = true;
            ReconnectionManager.getInstanceFor(connection).disableAutomaticReconnection();
            connection.disconnect();
            tasks.shutdownNow();
        }
    }

    /** Everything received so far. */
    List<ReceivedStanza> received() {
        return List.copyOf(received);
    }

    /** Every reply sent so far. */
    List<SentReply> replies() {
        return List.copyOf(replies);
    }

    /** How many are connected and logged in now. */
    long online() {
        return clients.stream().filter(c -> c.connection.isAuthenticated()).count();
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
        clients.forEach(Client::close);
    }
}
