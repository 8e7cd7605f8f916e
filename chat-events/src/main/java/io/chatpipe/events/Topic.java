package io.chatpipe.events;

import org.apache.kafka.common.serialization.Serde;

/** A Kafka topic with the serdes of its keys and values. */
public record Topic<K, V>(String name, Serde<K> keys, Serde<V> values) {
}
