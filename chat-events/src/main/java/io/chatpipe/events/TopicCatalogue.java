package io.chatpipe.events;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * How every chatpipe topic is created: partitions, replication, {@code min.insync.replicas}, retention and
 * compaction, the same for every service that creates or reads it. The settings are chatpipe's defaults below,
 * overridden per deployment under one property tree, {@code chatpipe.topics}:
 * <pre>
 * chatpipe.topics.default.partitions=4            every topic without its own setting
 * chatpipe.topics.default.replicas=1
 * chatpipe.topics.default.min-insync-replicas     default: replicas - 1, at least 1 (2 of 3)
 * chatpipe.topics.chat.messages.retention=30d     one topic: partitions, replicas, min-insync-replicas,
 * chatpipe.topics.chat.presence.partitions=8        retention (forever, 30d, 12h, 500ms, ISO-8601) and
 *                                                   cleanup-policy (delete or compact)
 * </pre>
 * A topic that exists already keeps what it was created with (Kafka's {@code kafka-configs --alter} changes it);
 * a service asking for more partitions than it has adds them.
 */
public final class TopicCatalogue {

    /** The property tree the overrides come from; {@link #withOverrides} takes keys below it. */
    public static final String PROPERTIES = "chatpipe.topics";

    private static final String DEFAULT = "default";
    /** The outboxes of webhook endpoints, one topic each, all with these settings. */
    private static final String WEBHOOK_OUTBOXES = "chat.webhooks.outbox";
    private static final List<String> SETTINGS =
            List.of("partitions", "replicas", "min-insync-replicas", "retention", "cleanup-policy");
    private static final String FOREVER = "forever";
    private static final String COMPACT = "compact";

    /** chatpipe's own settings: what each topic is for decides how long it is kept. */
    private static final Map<String, String> BUILT_IN = Map.ofEntries(
            Map.entry("default.partitions", "4"),
            Map.entry("default.replicas", "1"),
            Map.entry("default.retention", "7d"),
            Map.entry("default.cleanup-policy", "delete"),
            // replay, audit, redelivery and a rebuild of history read all of it
            Map.entry(Topics.MESSAGES.name() + ".retention", FOREVER),
            // a rebuild of history restores each message's status from it
            Map.entry(Topics.DELIVERIES.name() + ".retention", FOREVER),
            // a rebuild restores unread counts from it
            Map.entry(Topics.READS.name() + ".retention", FOREVER),
            // kept until someone has looked at it
            Map.entry(Topics.DEAD_LETTERS.name() + ".retention", FOREVER),
            Map.entry(Topics.WEBHOOK_DEAD_LETTERS.name() + ".retention", FOREVER),
            // a contact list is the replay of its changes (they are small)
            Map.entry(Topics.CONTACTS.name() + ".retention", FOREVER),
            // only live presence matters
            Map.entry(Topics.PRESENCE.name() + ".retention", "1d"),
            // how long a client message id is remembered: a retry after that is a new message
            Map.entry(Topics.IDEMPOTENCY + ".retention", "7d"),
            // a paused endpoint's events older than this are gone; one partition keeps an endpoint's order
            Map.entry(WEBHOOK_OUTBOXES + ".retention", "30d"),
            Map.entry(WEBHOOK_OUTBOXES + ".partitions", "1"),
            // the latest record of each key is the state
            Map.entry(Topics.USERS.name() + ".cleanup-policy", COMPACT),
            Map.entry(Topics.ACCOUNTS.name() + ".cleanup-policy", COMPACT),
            Map.entry(Topics.ERASURES.name() + ".cleanup-policy", COMPACT),
            Map.entry(Topics.WEBHOOKS.name() + ".cleanup-policy", COMPACT),
            Map.entry(Topics.WEBHOOK_STATES.name() + ".cleanup-policy", COMPACT));

    private static final Set<String> TOPICS = Set.copyOf(List.of(DEFAULT, WEBHOOK_OUTBOXES, Topics.IDEMPOTENCY,
            Topics.MESSAGES.name(), Topics.DELIVERIES.name(), Topics.USERS.name(), Topics.DEAD_LETTERS.name(),
            Topics.READS.name(), Topics.ACCOUNTS.name(), Topics.CONTACTS.name(), Topics.PRESENCE.name(),
            Topics.ERASURES.name(), Topics.WEBHOOKS.name(), Topics.WEBHOOK_DEAD_LETTERS.name(),
            Topics.WEBHOOK_STATES.name()));

    private final Map<String, String> values;

    private TopicCatalogue(Map<String, String> values) {
        this.values = values;
    }

    /** chatpipe's own settings, as a deployment without overrides gets them. */
    public static TopicCatalogue defaults() {
        return withOverrides(Map.of());
    }

    /**
     * chatpipe's settings with a deployment's overrides, keyed below {@value #PROPERTIES}
     * ({@code default.replicas}, {@code chat.messages.retention}). Every topic's settings are checked now, so that
     * a misspelt or impossible override stops the service at its start, not at the first topic it creates.
     *
     * @throws IllegalArgumentException naming the override that is not a setting of a known topic or not valid
     */
    public static TopicCatalogue withOverrides(Map<String, String> overrides) {
        Map<String, String> values = new HashMap<>(BUILT_IN);
        overrides.forEach((key, value) -> {
            int dot = key.lastIndexOf('.');
            String topic = dot < 0 ? "" : key.substring(0, dot).toLowerCase(Locale.ROOT);
            // an environment variable (CHATPIPE_TOPICS_DEFAULT_MININSYNCREPLICAS) has no dashes to keep
            String setting = SETTINGS.stream()
                    .filter(name -> name.replace("-", "").equalsIgnoreCase(key.substring(dot + 1).replace("-", "")))
                    .findFirst().orElse(null);
            if (!TOPICS.contains(topic) || setting == null) {
                throw new IllegalArgumentException(PROPERTIES + "." + key + " is not a topic setting; expected "
                        + PROPERTIES + ".<topic>.<setting>, topic one of " + new TreeSet<>(TOPICS) + ", setting one of "
                        + SETTINGS);
            }
            values.put(topic + "." + setting, value.strip());
        });
        var catalogue = new TopicCatalogue(Map.copyOf(values));
        TOPICS.forEach(catalogue::settings);
        return catalogue;
    }

    /** The settings topics get unless they have their own: Kafka Streams' internal topics, Kafka Connect's. */
    public TopicSettings defaultSettings() {
        return settings(DEFAULT);
    }

    /** The settings of the topic of this name (a webhook endpoint's outbox has those of all outboxes). */
    public TopicSettings settings(String topic) {
        String entry = topic.startsWith(WEBHOOK_OUTBOXES + ".") ? WEBHOOK_OUTBOXES : topic;
        try {
            short replicas = Short.parseShort(value(entry, "replicas"));
            String minInsync = value(entry, "min-insync-replicas");
            return new TopicSettings(Integer.parseInt(value(entry, "partitions")), replicas,
                    minInsync != null ? Integer.parseInt(minInsync) : Math.max(1, replicas - 1),
                    duration(value(entry, "retention")), compacted(value(entry, "cleanup-policy")));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(PROPERTIES + " of " + topic + ": " + e.getMessage(), e);
        }
    }

    /** The topic as it is to be created. */
    public NewTopic newTopic(Topic<?, ?> topic) {
        return newTopic(topic.name());
    }

    /** The topic of this name as it is to be created. */
    public NewTopic newTopic(String name) {
        return settings(name).newTopic(name);
    }

    /** These topics as they are to be created: what a service registers to have them created when absent. */
    public NewTopic[] newTopics(Topic<?, ?>... topics) {
        return Arrays.stream(topics).map(this::newTopic).toArray(NewTopic[]::new);
    }

    private String value(String topic, String setting) {
        String own = values.get(topic + "." + setting);
        return own != null ? own : values.get(DEFAULT + "." + setting);
    }

    private static boolean compacted(String policy) {
        return switch (policy.toLowerCase(Locale.ROOT)) {
            case COMPACT -> true;
            case "delete" -> false;
            default -> throw new IllegalArgumentException("cleanup-policy is delete or compact, not '" + policy + "'");
        };
    }

    /** forever or -1, a number and a unit (ms, s, m, h, d), plain milliseconds, or ISO-8601 (PT12H). */
    static Duration duration(String text) {
        String value = text.toLowerCase(Locale.ROOT);
        if (value.equals(FOREVER) || value.equals("-1")) {
            return Duration.ofMillis(-1);
        }
        try {
            if (value.startsWith("p")) {
                return Duration.parse(text);
            }
            int unit = 0;
            while (unit < value.length() && Character.isDigit(value.charAt(unit))) {
                unit++;
            }
            long amount = Long.parseLong(value.substring(0, unit));
            return switch (value.substring(unit)) {
                case "", "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                case "d" -> Duration.ofDays(amount);
                default -> throw new IllegalArgumentException("unknown unit");
            };
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new IllegalArgumentException("retention is forever, a duration such as 30d, 12h or 500ms, "
                    + "or ISO-8601, not '" + text + "'", e);
        }
    }
}
