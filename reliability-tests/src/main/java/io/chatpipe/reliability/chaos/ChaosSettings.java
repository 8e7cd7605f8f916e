package io.chatpipe.reliability.chaos;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The size and shape of a chaos run, and how its users and messages are named.
 *
 * @param messages      how many messages in all
 * @param conversations over how many conversations; conversation {@code c} is from its own sender to recipient
 *                      {@code c % recipients}, so each recipient's XMPP client takes several conversations
 * @param recipients    how many recipients (one online XMPP client each)
 * @param rate          messages per second the driver starts, steadily
 * @param giveUpAfter   how long the driver retries one message (same clientMessageId) before it stops trying
 * @param settleTimeout at the end, the checker waits for history and the XMPP clients to have every accepted
 *                      message until nothing new has arrived for this long
 * @param faults        injected in this order, spread evenly over the stream
 * @param xmppOutage    how long STOP_XMPP keeps the XMPP server down
 * @param replyEvery    each recipient's client answers every this many messages it receives (a receipt, a
 *                      displayed marker and a reply to the message's sender); 0: it never answers
 * @param runId         tells this run's users and messages from any other's
 */
public record ChaosSettings(int messages, int conversations, int recipients, double rate, Duration giveUpAfter,
        Duration settleTimeout, List<Fault> faults, Duration xmppOutage, int replyEvery, String runId) {

    private static final Pattern BODY = Pattern.compile("chaos (\\w+) c(\\d+) n(\\d+)");
    private static final Pattern REPLY = Pattern.compile("chaos-reply (\\w+) c(\\d+) k(\\d+)");

    public ChaosSettings {
        faults = List.copyOf(faults);
        if (messages < 1 || conversations < 1 || recipients < 1 || rate <= 0 || replyEvery < 0) {
            throw new IllegalArgumentException("messages, conversations, recipients and rate must be positive, "
                    + "reply-every not negative");
        }
        if (!runId.matches("[a-z0-9]+")) {
            throw new IllegalArgumentException("the run id must be lower-case letters and digits");
        }
        recipients = Math.min(recipients, conversations);
    }

    public String sender(int conversation) {
        return "chaos" + runId + "-s" + conversation;
    }

    public String recipient(int conversation) {
        return recipientNumber(conversation % recipients);
    }

    public String recipientNumber(int recipient) {
        return "chaos" + runId + "-r" + recipient;
    }

    public String body(int conversation, int seq) {
        return "chaos " + runId + " c" + conversation + " n" + seq;
    }

    public String clientMessageId(int conversation, int seq) {
        return runId + "-" + conversation + "-" + seq;
    }

    /** How many messages conversation {@code c} sends: message {@code t} of the stream goes to {@code t % conversations}. */
    public int messagesOf(int conversation) {
        return messages / conversations + (conversation < messages % conversations ? 1 : 0);
    }

    /** The conversation and place of a body of this run, or null for anything else. */
    public int[] parse(String body) {
        return parse(BODY, body);
    }

    /** The {@code k}th reply (from 0) a recipient's client sends in conversation {@code c}. */
    public String replyBody(int conversation, int k) {
        return "chaos-reply " + runId + " c" + conversation + " k" + k;
    }

    /** The XEP-0359 origin-id of that reply: unique, and the same when the client sends it again. */
    public String replyOriginId(int conversation, int k) {
        return "chaos-reply-" + runId + "-" + conversation + "-" + k;
    }

    /** The conversation and place of a reply of this run, or null for anything else. */
    public int[] parseReply(String body) {
        return parse(REPLY, body);
    }

    private int[] parse(Pattern pattern, String body) {
        if (body == null) {
            return null;
        }
        Matcher m = pattern.matcher(body);
        if (!m.matches() || !m.group(1).equals(runId)) {
            return null;
        }
        return new int[] {Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))};
    }
}
