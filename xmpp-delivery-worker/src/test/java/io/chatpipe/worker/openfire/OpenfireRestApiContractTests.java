package io.chatpipe.worker.openfire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatpipe.events.UserId;
import io.chatpipe.worker.config.WorkerProperties;
import io.chatpipe.worker.dispatch.DeliveryException;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Contract test of the openfire path's accounts and rosters against Openfire's REST API plugin
 * (igniterealtime/openfire-restAPI-plugin), which cannot run here: a MockWebServer answers with the
 * plugin's documented statuses and JSON shapes (its readme's User and RosterItem entities, its
 * ErrorResponse {@code {resource, message, exception}}), and the test checks the requests the worker
 * makes are the documented ones: paths under {@code /plugins/restapi/v1}, the shared secret as the
 * {@code Authorization} header, JSON bodies. docker-compose runs the real plugin.
 */
class OpenfireRestApiContractTests {

    private static final JsonMapper JSON = new JsonMapper();

    private static final String SECRET = "s3cretKey";

    private MockWebServer openfire;

    private OpenfireRestApi api;

    private OpenfireAccounts accounts;

    @BeforeEach
    void start() throws Exception {
        openfire = new MockWebServer();
        openfire.start();
        api = new OpenfireRestApi(properties());
        accounts = new OpenfireAccounts(api);
    }

    private WorkerProperties properties() {
        return new Binder(new MapConfigurationPropertySource(Map.of(
                "chatpipe.worker.backend", "openfire",
                "chatpipe.worker.xmpp-domain", "example.org",
                "chatpipe.worker.openfire.api-url", openfire.url("/plugins/restapi/v1").toString(),
                "chatpipe.worker.openfire.secret", SECRET)))
                .bindOrCreate("chatpipe.worker", WorkerProperties.class);
    }

    @AfterEach
    void stop() throws Exception {
        api.destroy();
        openfire.close();
    }

    @Test
    void createsAUserThatDoesNotExistWithItsPasswordAndDisplayName() throws Exception {
        openfire.enqueue(error(404, "ann\\20o\\27neil", "User not found", "UserNotFoundException"));
        openfire.enqueue(new MockResponse.Builder().code(201).build());

        boolean created = accounts.createIfAbsent(UserId.of("Ann O'Neil"), "derived-password", "ann o'neil");

        assertThat(created).isTrue();
        RecordedRequest lookup = openfire.takeRequest();
        assertThat(lookup.getMethod()).isEqualTo("GET");
        assertThat(lookup.getUrl().encodedPath()).isEqualTo("/plugins/restapi/v1/users/ann%5C20o%5C27neil");
        assertThat(lookup.getHeaders().get("Authorization")).isEqualTo(SECRET);
        assertThat(lookup.getHeaders().get("Accept")).isEqualTo("application/json");
        RecordedRequest create = openfire.takeRequest();
        assertThat(create.getMethod()).isEqualTo("POST");
        assertThat(create.getUrl().encodedPath()).isEqualTo("/plugins/restapi/v1/users");
        assertThat(create.getHeaders().get("Authorization")).isEqualTo(SECRET);
        assertThat(create.getHeaders().get("Content-Type")).startsWith("application/json");
        JsonNode user = JSON.readTree(create.getBody().utf8());
        assertThat(user.path("username").asString()).isEqualTo("ann\\20o\\27neil");
        assertThat(user.path("password").asString()).isEqualTo("derived-password");
        assertThat(user.path("name").asString()).isEqualTo("ann o'neil");
    }

    @Test
    void leavesAnExistingUserAsItIs() throws Exception {
        openfire.enqueue(new MockResponse.Builder().code(200)
                .addHeader("Content-Type", "application/json")
                .body("{\"username\":\"bob\",\"name\":\"Bob\",\"email\":\"bob@example.org\",\"properties\":[]}")
                .build());

        assertThat(accounts.createIfAbsent(UserId.of("bob"), "derived-password", "bob")).isFalse();
        assertThat(openfire.getRequestCount()).isEqualTo(1);
    }

    @Test
    void takesAUserCreatedMeanwhileAsExisting() throws Exception {
        openfire.enqueue(error(404, "bob", "User not found", "UserNotFoundException"));
        openfire.enqueue(error(409, "bob", "User already exists", "UserAlreadyExistsException"));

        assertThat(accounts.createIfAbsent(UserId.of("bob"), "derived-password", "bob")).isFalse();
    }

    @Test
    void aWrongSecretIsTheWorkersProblemNotTheMessages() {
        openfire.enqueue(new MockResponse.Builder().code(401).build());

        assertThatThrownBy(() -> accounts.createIfAbsent(UserId.of("bob"), "derived-password", "bob"))
                .isInstanceOf(DeliveryException.Auth.class)
                .hasMessageContaining("401")
                .hasMessageNotContaining(SECRET);
    }

    @Test
    void aServerErrorIsTransient() {
        openfire.enqueue(new MockResponse.Builder().code(503).build());

        assertThatThrownBy(() -> accounts.createIfAbsent(UserId.of("bob"), "derived-password", "bob"))
                .isInstanceOf(DeliveryException.Transient.class);
    }

    @Test
    void aUsernameThePluginRejectsIsPermanent() {
        openfire.enqueue(error(404, "bob", "User not found", "UserNotFoundException"));
        openfire.enqueue(error(400, "bob", "Username is invalid", "IllegalArgumentException"));

        assertThatThrownBy(() -> accounts.createIfAbsent(UserId.of("bob"), "derived-password", "bob"))
                .isInstanceOf(DeliveryException.Permanent.class)
                .hasMessageContaining("IllegalArgumentException");
    }

    @Test
    void addsAContactToBothRostersWithSubscriptionBoth() throws Exception {
        var rosters = new OpenfireRosters(api, properties());
        openfire.enqueue(new MockResponse.Builder().code(201).build());
        openfire.enqueue(error(409, "bob@example.org", "Roster item already exists", "UserAlreadyExistsException"));
        openfire.enqueue(new MockResponse.Builder().code(200).build());

        rosters.add(UserId.of("alice"), UserId.of("bob"));

        RecordedRequest ownerSide = openfire.takeRequest();
        assertThat(ownerSide.getMethod()).isEqualTo("POST");
        assertThat(ownerSide.getUrl().encodedPath()).isEqualTo("/plugins/restapi/v1/users/alice/roster");
        assertThat(ownerSide.getHeaders().get("Authorization")).isEqualTo(SECRET);
        JsonNode item = JSON.readTree(ownerSide.getBody().utf8());
        assertThat(item.path("jid").asString()).isEqualTo("bob@example.org");
        assertThat(item.path("nickname").asString()).isEqualTo("bob");
        assertThat(item.path("subscriptionType").asInt()).isEqualTo(3);
        RecordedRequest contactSide = openfire.takeRequest();
        assertThat(contactSide.getUrl().encodedPath()).isEqualTo("/plugins/restapi/v1/users/bob/roster");
        // the contact had alice already: the item is replaced
        RecordedRequest replaced = openfire.takeRequest();
        assertThat(replaced.getMethod()).isEqualTo("PUT");
        assertThat(replaced.getUrl().encodedPath()).isEqualTo("/plugins/restapi/v1/users/bob/roster/alice@example.org");
        assertThat(JSON.readTree(replaced.getBody().utf8()).path("subscriptionType").asInt()).isEqualTo(3);
    }

    @Test
    void removesAContactFromTheOwnersRosterAndEndsTheSubscriptions() throws Exception {
        var rosters = new OpenfireRosters(api, properties());
        openfire.enqueue(new MockResponse.Builder().code(200).build());
        openfire.enqueue(new MockResponse.Builder().code(201).build());

        rosters.remove(UserId.of("alice"), UserId.of("bob"));

        RecordedRequest deleted = openfire.takeRequest();
        assertThat(deleted.getMethod()).isEqualTo("DELETE");
        assertThat(deleted.getUrl().encodedPath()).isEqualTo("/plugins/restapi/v1/users/alice/roster/bob@example.org");
        RecordedRequest contactSide = openfire.takeRequest();
        assertThat(contactSide.getUrl().encodedPath()).isEqualTo("/plugins/restapi/v1/users/bob/roster");
        assertThat(JSON.readTree(contactSide.getBody().utf8()).path("subscriptionType").asInt()).isEqualTo(0);
    }

    /** The plugin's ErrorResponse, as JSON. */
    static MockResponse error(int status, String resource, String message, String exception) {
        return new MockResponse.Builder().code(status)
                .addHeader("Content-Type", "application/json")
                .body(JSON.writeValueAsString(Map.of("resource", resource, "message", message, "exception", exception)))
                .build();
    }
}
