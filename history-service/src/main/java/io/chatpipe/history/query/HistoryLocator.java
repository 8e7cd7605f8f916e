package io.chatpipe.history.query;

import io.chatpipe.events.ChatJson;
import io.chatpipe.events.ConversationId;
import io.chatpipe.events.Topics;
import io.chatpipe.history.config.HistoryProperties;
import io.chatpipe.history.config.InstanceAddress;
import io.chatpipe.history.topology.ConversationStore;
import io.chatpipe.history.topology.HistoryTopology;
import io.chatpipe.history.topology.InboxStore;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import tools.jackson.core.JacksonException;

/**
 * Answers a query where its key lives: Kafka Streams metadata names the instance that owns the key's
 * partition; this instance reads its own stores or forwards the HTTP request to the owner and relays the
 * answer. A forwarded request is never forwarded again: if ownership moved meanwhile the answer is 503.
 * A query with a part in every partition (a user's inbox) is answered from this instance's partitions and each
 * other owner's, asked once each for theirs.
 */
@Component
class HistoryLocator {

    /** Marks a request one instance forwarded to another; its value is the forwarding instance. */
    static final String FORWARDED_BY = "X-Chatpipe-Forwarded-By";

    /** On a forwarded request, the partitions of chat.messages whose part of an answer it asks for: "0,2". */
    static final String PARTITIONS = "X-Chatpipe-Partitions";

    private static final Logger log = LoggerFactory.getLogger(HistoryLocator.class);

    private final LocalStores stores;
    private final InstanceAddress self;
    private final RestClient http;

    HistoryLocator(LocalStores stores, InstanceAddress self, HistoryProperties properties) {
        this.stores = stores;
        this.self = self;
        var factory = new JdkClientHttpRequestFactory(HttpClient.newBuilder()
                .connectTimeout(properties.query().forwardTimeout())
                .build());
        factory.setReadTimeout(properties.query().forwardTimeout());
        this.http = RestClient.builder().requestFactory(factory).build();
    }

    /** Answers from the stores of the conversation's partition, here or at the instance that owns it. */
    ResponseEntity<?> atConversation(ConversationId conversation, HttpServletRequest request, Object body,
            Function<ConversationStore, ResponseEntity<?>> local) {
        // the same key bytes, so the same partition, as the producers of chat.messages use
        return atOwner(HistoryTopology.MESSAGES_STORE, conversation, Topics.MESSAGES.keys().serializer(),
                request, body, partition -> local.apply(stores.conversations(partition)));
    }

    /**
     * Answers from every partition of chat.messages: {@code local} reads one partition's part here, an other
     * instance's parts are its answer to the same request naming its partitions ({@link #PARTITIONS}), read as
     * {@code part}, and {@code merge} makes one answer of the parts (which is also what an instance answers for its
     * partitions). An owner that does not answer 200 has its answer relayed as it is: no partial answer.
     */
    <P> ResponseEntity<?> atEveryPartition(HttpServletRequest request, Class<P> part,
            Function<InboxStore, P> local, Function<List<P>, P> merge) {
        String asked = request.getHeader(PARTITIONS);
        if (asked != null && wasForwarded(request)) {
            List<P> parts = new ArrayList<>();
            for (int partition : partitions(asked)) {
                parts.add(local.apply(stores.inboxes(partition)));
            }
            return ResponseEntity.ok(merge.apply(parts));
        }
        HostInfo me = self.hostInfo();
        List<P> parts = new ArrayList<>();
        for (StreamsMetadata owner : stores.running().streamsMetadataForStore(HistoryTopology.MESSAGES_STORE)) {
            List<Integer> partitions = owner.topicPartitions().stream()
                    .filter(tp -> tp.topic().equals(Topics.MESSAGES.name()))
                    .map(TopicPartition::partition).sorted().toList();
            if (partitions.isEmpty()) {
                continue;
            }
            if (owner.hostInfo().equals(me)) {
                partitions.forEach(partition -> parts.add(local.apply(stores.inboxes(partition))));
                continue;
            }
            ResponseEntity<byte[]> answer = forward(owner.hostInfo(), request, null, Map.of(PARTITIONS,
                    partitions.stream().map(String::valueOf).collect(Collectors.joining(","))));
            if (answer.getStatusCode().value() != 200) {
                return answer;
            }
            try {
                parts.add(ChatJson.MAPPER.readValue(answer.getBody(), part));
            } catch (JacksonException e) {
                throw new HistoryUnavailableException("owner " + owner.hostInfo() + " answered what is not "
                        + part.getSimpleName(), e);
            }
        }
        if (parts.isEmpty()) {
            throw new HistoryUnavailableException("no instance owns any partition of " + Topics.MESSAGES.name()
                    + " yet", null);
        }
        return ResponseEntity.ok(merge.apply(parts));
    }

    private static List<Integer> partitions(String header) {
        try {
            List<Integer> partitions = Arrays.stream(header.split(",")).map(String::strip).map(Integer::valueOf)
                    .distinct().toList();
            if (partitions.stream().anyMatch(partition -> partition < 0)) {
                throw new NumberFormatException("negative");
            }
            return partitions;
        } catch (NumberFormatException e) {
            throw new BadQueryException(PARTITIONS, "must be partition numbers separated by commas");
        }
    }

    /** The other instances of this history application, as its Kafka Streams metadata lists them. */
    List<HostInfo> otherInstances() {
        HostInfo me = self.hostInfo();
        return stores.running().metadataForAllStreamsClients().stream()
                .map(StreamsMetadata::hostInfo)
                .filter(host -> !host.equals(me))
                .distinct()
                .toList();
    }

    static boolean wasForwarded(HttpServletRequest request) {
        return request.getHeader(FORWARDED_BY) != null;
    }

    /** Sends the request as it came to another instance and returns that instance's answer as it is. */
    ResponseEntity<byte[]> forward(HostInfo owner, HttpServletRequest request, Object body) {
        return forward(owner, request, body, Map.of());
    }

    private ResponseEntity<byte[]> forward(HostInfo owner, HttpServletRequest request, Object body,
            Map<String, String> extraHeaders) {
        String query = request.getQueryString();
        URI uri = URI.create("http://" + owner.host() + ":" + owner.port() + request.getRequestURI()
                + (query == null ? "" : "?" + query));
        HostInfo me = self.hostInfo();
        var call = http.method(HttpMethod.valueOf(request.getMethod())).uri(uri)
                .header(FORWARDED_BY, me == null ? "unknown" : me.host() + ":" + me.port())
                .accept(MediaType.APPLICATION_JSON, MediaType.APPLICATION_PROBLEM_JSON, MediaType.ALL);
        // the owner checks the same credentials again: a forwarded request is trusted no more than any other
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization != null) {
            call = call.header(HttpHeaders.AUTHORIZATION, authorization);
        }
        for (var header : extraHeaders.entrySet()) {
            call = call.header(header.getKey(), header.getValue());
        }
        if (body != null) {
            call = call.contentType(MediaType.APPLICATION_JSON).body(ChatJson.MAPPER.writeValueAsBytes(body));
        }
        try {
            return call.exchange((sent, response) -> {
                HttpHeaders headers = new HttpHeaders();
                for (String name : List.of(HttpHeaders.CONTENT_TYPE, HttpHeaders.RETRY_AFTER,
                        HttpHeaders.WWW_AUTHENTICATE)) {
                    List<String> values = response.getHeaders().getOrEmpty(name);
                    if (!values.isEmpty()) {
                        headers.put(name, values);
                    }
                }
                return ResponseEntity.status(response.getStatusCode()).headers(headers)
                        .body(response.getBody().readAllBytes());
            });
        } catch (RestClientException e) {
            log.warn("Instance {} did not answer {}: {}", owner, uri, e.getMessage());
            throw new HistoryUnavailableException("owner " + owner + " did not answer", e);
        }
    }

    private <K> ResponseEntity<?> atOwner(String store, K key, Serializer<K> keys, HttpServletRequest request,
            Object body, IntFunction<ResponseEntity<?>> local) {
        KafkaStreams kafkaStreams = stores.running();
        KeyQueryMetadata owner = kafkaStreams.queryMetadataForKey(store, key, keys);
        if (owner == null || KeyQueryMetadata.NOT_AVAILABLE.equals(owner) || owner.activeHost() == null) {
            throw new HistoryUnavailableException("no instance owns " + key + " in " + store + " yet", null);
        }
        if (owner.activeHost().equals(self.hostInfo())) {
            return local.apply(owner.partition());
        }
        if (wasForwarded(request)) {
            throw new HistoryUnavailableException("forwarded " + key + " but " + owner.activeHost()
                    + " owns it: ownership is moving", null);
        }
        log.debug("Forwarding {} {} to {}, which owns {}", request.getMethod(), request.getRequestURI(),
                owner.activeHost(), key);
        return forward(owner.activeHost(), request, body);
    }
}
