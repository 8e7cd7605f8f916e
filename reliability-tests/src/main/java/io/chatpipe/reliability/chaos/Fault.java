package io.chatpipe.reliability.chaos;

import io.chatpipe.supervisor.LocalStack;
import io.chatpipe.supervisor.Service;
import java.time.Duration;
import java.util.Locale;

/** What the chaos run does to the stack, one after the other, while messages flow. */
public enum Fault {

    /** kill -9 of the api-service, then a start. */
    KILL_API {
        @Override
        void inject(LocalStack stack, Duration outage) {
            restart(stack, Service.API);
        }
    },
    /** kill -9 of the delivery worker, then a start. */
    KILL_WORKER {
        @Override
        void inject(LocalStack stack, Duration outage) {
            restart(stack, Service.WORKER);
        }
    },
    /** kill -9 of the history-service, then a start on the same state directory. */
    KILL_HISTORY {
        @Override
        void inject(LocalStack stack, Duration outage) {
            restart(stack, Service.HISTORY);
        }
    },
    /** kill -9 of xmpp-capture, then a start: it reads the archive on from the position it last stored in Kafka. */
    KILL_CAPTURE {
        @Override
        void inject(LocalStack stack, Duration outage) {
            restart(stack, Service.CAPTURE);
        }
    },
    /** The Kafka broker stopped (SIGTERM) and started again on its data. */
    RESTART_KAFKA {
        @Override
        void inject(LocalStack stack, Duration outage) {
            stack.restartKafka();
        }
    },
    /** The XMPP server stopped for the outage (30 s by default), then started with its data. */
    STOP_XMPP {
        @Override
        void inject(LocalStack stack, Duration outage) {
            stack.stopXmpp();
            try {
                Thread.sleep(outage);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                stack.startXmpp();
            }
        }
    };

    /** Does it, and returns once the stack is whole again. */
    abstract void inject(LocalStack stack, Duration outage);

    private static void restart(LocalStack stack, Service service) {
        stack.kill(service);
        stack.startService(service);
    }

    /** {@code kill-api}, as on the command line. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Fault parse(String label) {
        return valueOf(label.strip().toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}
