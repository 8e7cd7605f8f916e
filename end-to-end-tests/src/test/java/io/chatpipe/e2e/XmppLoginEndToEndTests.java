package io.chatpipe.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatpipe.api.ApiServiceApplication;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserId;
import io.chatpipe.events.UserProvisioned;
import io.chatpipe.testsupport.Ejabberd;
import io.chatpipe.testsupport.KafkaBroker;
import io.chatpipe.testsupport.TopicRecords;
import io.chatpipe.testsupport.XmppTestClient;
import io.chatpipe.worker.DeliveryWorkerApplication;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.jivesoftware.smack.packet.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

/**
 * A person logs into their own XMPP account with an ordinary XMPP client, using the credentials the api-service
 * hands them for their chat login. The delivery worker creates the account when a message first involves its
 * user, with a password derived from a key it shares with the api-service; nothing stores that password.
 */
class XmppLoginEndToEndTests {

    static final Ejabberd ejabberd = Ejabberd.shared();
    static ConfigurableApplicationContext api;
    static ConfigurableApplicationContext worker;

    @BeforeAll
    static void startTheApiAndTheWorkerWithOneKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String passwordKey = Base64.getEncoder().encodeToString(key);
        String kafka = "--spring.kafka.bootstrap-servers=" + KafkaBroker.bootstrapServers();
        api = ApiServiceApplication.application().run("--server.port=0", kafka,
                "--chatpipe.api.xmpp.password-key=" + passwordKey,
                "--chatpipe.api.xmpp.domain=" + ejabberd.domain(),
                "--chatpipe.api.xmpp.host=" + ejabberd.host(),
                "--chatpipe.api.xmpp.port=" + ejabberd.clientPort());
        worker = DeliveryWorkerApplication.application().run("--server.port=0", kafka,
                "--chatpipe.worker.provisioning.password-key=" + passwordKey,
                "--chatpipe.worker.xmpp-domain=" + ejabberd.domain(),
                "--chatpipe.worker.ejabberd.api-url=" + ejabberd.apiUrl());
    }

    @AfterAll
    static void stop() {
        for (var context : new ConfigurableApplicationContext[] {worker, api}) {
            if (context != null) {
                context.close();
            }
        }
    }

    @Test
    void aChatUserLogsIntoTheXmppAccountChatpipeCreatedForThemWithAnyClient() {
        String carla = "carla-" + UUID.randomUUID().toString().substring(0, 8);
        String dan = "dan-" + UUID.randomUUID().toString().substring(0, 8);
        RestClient rest = RestClient.create("http://127.0.0.1:"
                + ((WebServerApplicationContext) api).getWebServer().getPort());
        Map<String, String> carlasLogin = Map.of("username", carla, "password", "carlas chat password");

        // carla logs into the chat (her chatpipe account is made) and writes to dan: the worker creates
        // both XMPP accounts on its way to delivering it
        assertThat(rest.post().uri("/api/v1/sessions").contentType(MediaType.APPLICATION_JSON).body(carlasLogin)
                .retrieve().toBodilessEntity().getStatusCode().value()).isEqualTo(201);
        rest.post().uri("/api/v1/message").contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("fromId", carla, "toId", dan, "message", "hello dan")).retrieve().toBodilessEntity();
        UserProvisioned provisioned = awaitProvisioned(UserId.of(carla));
        assertThat(provisioned.created()).as("chatpipe created the account, with the derived password").isTrue();

        // she asks for her XMPP login, with her chat password in the body
        ResponseEntity<Map> answer = rest.post().uri("/api/v1/xmpp-credentials")
                .contentType(MediaType.APPLICATION_JSON).body(carlasLogin).retrieve().toEntity(Map.class);
        assertThat(answer.getHeaders().getCacheControl()).contains("no-store");
        Map<?, ?> credentials = answer.getBody();
        assertThat(credentials.get("jid")).isEqualTo(provisioned.jid()).isEqualTo(carla + "@" + ejabberd.domain());
        assertThat(credentials.get("server")).isEqualTo(ejabberd.host());
        assertThat(credentials.get("port")).isEqualTo(ejabberd.clientPort());

        // and logs in with a real XMPP client, where messages to her arrive
        String jid = (String) credentials.get("jid");
        try (XmppTestClient client = XmppTestClient.login(ejabberd, jid.substring(0, jid.indexOf('@')),
                (String) credentials.get("password"))) {
            assertThat(client.connection().isAuthenticated()).isTrue();
            assertThat(client.connection().getUser().asBareJid().toString()).isEqualTo(jid);

            Map<?, ?> reply = rest.post().uri("/api/v1/message").contentType(MediaType.APPLICATION_JSON)
                    .body(Map.of("fromId", dan, "toId", carla, "message", "hello carla"))
                    .retrieve().body(Map.class);
            Message received = client.awaitMessage(Duration.ofSeconds(30),
                    message -> reply.get("messageId").equals(message.getStanzaId()));
            assertThat(received.getBody()).isEqualTo("hello carla");
        }
    }

    /** Waits until chat.users maps the user to their XMPP account, as the worker records it once it exists. */
    private static UserProvisioned awaitProvisioned(UserId user) {
        return TopicRecords.await(Topics.USERS, record -> user.equals(record.key()), found -> !found.isEmpty(),
                Duration.ofSeconds(60)).getFirst().value();
    }
}
