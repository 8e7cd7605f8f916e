package io.chatpipe.reliability.chaos;

import io.chatpipe.events.Topics;
import io.chatpipe.supervisor.LocalStack;
import io.chatpipe.supervisor.Service;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;

/**
 * What the chaos run does to the stack, one after the other, while messages flow. On a stack with two instances
 * of each service a kill takes one of them, and the other carries on alone until it is back.
 */
public enum Fault {

    /** kill -9 of (the first) api-service, then a start. */
    KILL_API {
        @Override
        String inject(LocalStack stack, Duration outage) {
            return restart(stack, Service.API, 0);
        }
    },
    /** kill -9 of (the first) delivery worker, then a start. */
    KILL_WORKER {
        @Override
        String inject(LocalStack stack, Duration outage) {
            return restart(stack, Service.WORKER, 0);
        }
    },
    /** kill -9 of (the first) history-service, then a start on the same state directory. */
    KILL_HISTORY {
        @Override
        String inject(LocalStack stack, Duration outage) {
            return restart(stack, Service.HISTORY, 0);
        }
    },
    /**
     * kill -9 of the xmpp-capture that reads the archive's slot, then a start: it reads on from the position it last
     * stored in Kafka, or, with two instances, the other one takes the slot over and the restarted one stands by.
     */
    KILL_CAPTURE {
        @Override
        String inject(LocalStack stack, Duration outage) {
            return restart(stack, Service.CAPTURE, reader(stack));
        }
    },
    /**
     * kill -9 of one instance of every service at the same moment (the last api-service, worker and history-service,
     * the capture that reads the slot), then a start of each: with two instances the others carry on meanwhile.
     */
    KILL_ONE_OF_EACH {
        @Override
        String inject(LocalStack stack, Duration outage) {
            int last = stack.instances() - 1;
            Map<Service, Integer> victims = new EnumMap<>(Map.of(Service.API, last, Service.WORKER, last,
                    Service.HISTORY, last, Service.CAPTURE, reader(stack)));
            victims.forEach(stack::kill);
            try {
                CompletableFuture.allOf(victims.entrySet().stream()
                        .map(victim -> CompletableFuture.runAsync(() -> stack.startService(victim.getKey(),
                                victim.getValue())))
                        .toArray(CompletableFuture[]::new)).join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException cause ? cause : e;
            }
            return victims.entrySet().stream().map(victim -> victim.getKey().module() + " " + (victim.getValue() + 1))
                    .collect(Collectors.joining(", "));
        }
    },
    /** The Kafka broker(s) stopped (SIGTERM, all at once) and started again on their data. */
    RESTART_KAFKA {
        @Override
        String inject(LocalStack stack, Duration outage) {
            stack.restartKafka();
            return stack.brokers() + " broker(s)";
        }
    },
    /**
     * kill -9 of the broker that leads partition 0 of {@code chat.messages}, as the cluster says at that moment; it
     * stays down for the outage (on a cluster the others take its partitions over), then starts on its data.
     */
    KILL_KAFKA_LEADER {
        @Override
        String inject(LocalStack stack, Duration outage) {
            int leader = leaderOf(stack.kafkaBootstrap(), Topics.MESSAGES.name(), 0);
            stack.killBroker(leader);
            pause(outage);
            stack.startBroker(leader);
            return "broker " + leader;
        }
    },
    /** The XMPP server stopped for the outage (30 s by default), then started with its data. */
    STOP_XMPP {
        @Override
        String inject(LocalStack stack, Duration outage) {
            stack.stopXmpp();
            try {
                pause(outage);
            } finally {
                stack.startXmpp();
            }
            return "";
        }
    };

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    /** Does it, and returns once the stack is whole again: which process it struck, for the report. */
    abstract String inject(LocalStack stack, Duration outage);

    private static String restart(LocalStack stack, Service service, int instance) {
        stack.kill(service, instance);
        stack.startService(service, instance);
        return stack.instances() > 1 ? service.module() + " " + (instance + 1) + " of " + stack.instances() : "";
    }

    /** The capture instance that reads the archive's slot now (the first, when none says so). */
    private static int reader(LocalStack stack) {
        return IntStream.range(0, stack.instances()).filter(i -> readsTheSlot(stack, i)).findFirst().orElse(0);
    }

    /** Whether that capture says it reads the slot now ({@code chatpipe_capture_reading 1.0}). */
    private static boolean readsTheSlot(LocalStack stack, int instance) {
        try {
            String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(stack.url(Service.CAPTURE, instance)
                    + "/actuator/prometheus")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            return metrics.lines().anyMatch(line -> line.equals("chatpipe_capture_reading 1.0"));
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The node id of the broker that leads the partition, asked of the cluster now. */
    static int leaderOf(String bootstrapServers, String topic, int partition) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000))) {
            Node leader = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic)
                    .partitions().get(partition).leader();
            if (leader == null) {
                throw new IllegalStateException(topic + "-" + partition + " has no leader now");
            }
            return leader.id();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (Exception e) {
            throw new IllegalStateException("Could not ask the cluster who leads " + topic + "-" + partition, e);
        }
    }

    private static void pause(Duration outage) {
        try {
            Thread.sleep(outage);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code kill-api}, as on the command line. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Fault parse(String label) {
        return valueOf(label.strip().toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}
