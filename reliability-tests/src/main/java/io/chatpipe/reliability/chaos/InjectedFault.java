package io.chatpipe.reliability.chaos;

/**
 * One fault as it happened.
 *
 * @param atMessage   how many messages the driver had started when it began
 * @param startedAtMs since the drive began
 * @param tookMs      until the stack was whole again (for STOP_XMPP, the outage included)
 * @param error       why it could not be completed, or null
 * @param struck      which process it struck (a broker, one of two instances), or empty
 */
public record InjectedFault(Fault fault, long atMessage, long startedAtMs, long tookMs, String error, String struck) {
}
