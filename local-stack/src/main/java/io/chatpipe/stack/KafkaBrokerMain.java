package io.chatpipe.stack;

/**
 * {@code java -jar local-stack.jar --data-dir=.data/kafka}: runs a real Apache Kafka broker in KRaft mode
 * in the foreground until SIGTERM or Ctrl-C, then shuts it down cleanly. A second run on the same data
 * directory keeps the cluster and its records.
 */
public final class KafkaBrokerMain {

    /** Where logback writes the broker's log; read by logback.xml. */
    static final String LOG_FILE_PROPERTY = "chatpipe.broker.log-file";

    private KafkaBrokerMain() {
    }

    public static void main(String[] args) throws Exception {
        BrokerSettings settings;
        try {
            settings = BrokerSettings.parse(args);
        } catch (IllegalArgumentException e) {
            // no logging yet: the log file is one of the arguments
            System.err.println(e.getMessage());
            System.err.println(BrokerSettings.USAGE);
            System.exit(2);
            return;
        }
        // before the first logger exists, so that logback's configuration sees it
        System.setProperty(LOG_FILE_PROPERTY, settings.logFile().toString());
        new LocalKafkaBroker(settings).runUntilStopped();
    }
}
