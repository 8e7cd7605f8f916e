package io.chatpipe.api.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatpipe.api.ApiServiceApplication;
import io.chatpipe.api.Http;
import io.chatpipe.api.config.ApiProperties;
import io.chatpipe.events.UserId;
import io.chatpipe.events.XmppPassword;
import io.chatpipe.testsupport.KafkaBroker;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /api/v1/xmpp-credentials}: a user who proves their chat password gets the XMPP login the delivery
 * worker gave their account, derived from the key both share; against the real broker.
 */
class XmppCredentialsTests {

    static final byte[] KEY = new byte[32];
    static final String CREDENTIALS = "/api/v1/xmpp-credentials";

    static ConfigurableApplicationContext service;
    static Http http;

    @BeforeAll
    static void start() {
        new SecureRandom().nextBytes(KEY);
        service = start("--spring.kafka.bootstrap-servers=" + KafkaBroker.bootstrapServers(),
                "--chatpipe.api.xmpp.password-key=" + Base64.getEncoder().encodeToString(KEY),
                "--chatpipe.api.xmpp.domain=chat.test",
                "--chatpipe.api.xmpp.host=xmpp.chat.test",
                "--chatpipe.api.xmpp.port=15222");
        http = http(service);
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @Test
    void handsALoggedInUserTheJidAndThePasswordTheWorkerGaveTheAccount() {
        String carla = user("Carla");
        assertThat(login(carla, "carlas chat password").statusCode()).isEqualTo(201);

        HttpResponse<String> response = credentials(carla.toUpperCase(), "carlas chat password");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode credentials = Http.json(response);
        UserId user = UserId.of(carla);
        assertThat(credentials.path("jid").asString()).isEqualTo(carla.toLowerCase() + "@chat.test");
        assertThat(credentials.path("password").asString()).isEqualTo(XmppPassword.derive(KEY, user))
                .isNotEqualTo("carlas chat password");
        assertThat(credentials.path("server").asString()).isEqualTo("xmpp.chat.test");
        assertThat(credentials.path("port").asInt()).isEqualTo(15222);
        assertThat(response.headers().firstValue("Cache-Control")).hasValueSatisfying(
                cacheControl -> assertThat(cacheControl).contains("no-store"));
        assertThat(response.uri().getRawQuery()).isNull();
    }

    @Test
    void refusesAWrongPasswordWithForbidden() {
        String dora = user("dora");
        login(dora, "right");

        HttpResponse<String> response = credentials(dora, "wrong");

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.body()).doesNotContain(XmppPassword.derive(KEY, UserId.of(dora)));
    }

    @Test
    void refusesAnUnknownUserWithForbiddenAndCreatesNoAccount() {
        String emil = user("emil");

        HttpResponse<String> response = credentials(emil, "a guess");

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).doesNotContain(XmppPassword.derive(KEY, UserId.of(emil)));
        HttpResponse<String> firstLogin = login(emil, "emils own password");
        assertThat(firstLogin.statusCode()).isEqualTo(201);
        assertThat(Http.json(firstLogin).path("created").asBoolean()).as("the account is made by this login").isTrue();
    }

    @Test
    void takesTheCredentialsOnlyFromThePostedBodyNeverFromTheUrl() {
        String fritz = user("fritz");
        login(fritz, "pw");
        String inUrl = CREDENTIALS + "?username=" + fritz + "&password=pw";

        HttpResponse<String> get = http.get(inUrl);
        HttpResponse<String> postWithoutBody = http.postJson(inUrl, "");

        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(postWithoutBody.statusCode()).isEqualTo(400);
        for (HttpResponse<String> response : List.of(get, postWithoutBody)) {
            assertThat(response.body()).doesNotContain(XmppPassword.derive(KEY, UserId.of(fritz)));
        }
    }

    @Test
    void answersABadBodyWith400NamingTheField() {
        assertThat(fields(http.postJson(CREDENTIALS, "{\"username\": \"gina\"}"))).containsExactly("password");
        assertThat(fields(http.postJson(CREDENTIALS, "{\"password\": \"pw\"}"))).containsExactly("username");
        assertThat(fields(credentials("  ", "pw"))).containsExactly("username");
        assertThat(fields(credentials("gina", ""))).containsExactly("password");
    }

    @Test
    void answers503WithRetryAfterWhileTheAccountsCannotBeRead() throws IOException {
        try (ConfigurableApplicationContext offline = start(
                "--spring.kafka.bootstrap-servers=127.0.0.1:" + closedPort(),
                "--spring.kafka.admin.auto-create=false",
                "--chatpipe.api.chat.request-timeout=1s",
                "--chatpipe.api.publish.retry-after=7s",
                "--chatpipe.api.xmpp.password-key=" + Base64.getEncoder().encodeToString(KEY))) {

            HttpResponse<String> response = http(offline).postJson(CREDENTIALS, body("hana", "pw"));

            assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
            assertThat(response.headers().firstValue("Retry-After")).hasValue("7");
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        }
    }

    @Test
    void answers503WithoutRetryAfterWhenNoPasswordKeyIsConfigured() {
        String ivo = user("ivo");
        login(ivo, "pw");
        try (ConfigurableApplicationContext unconfigured =
                start("--spring.kafka.bootstrap-servers=" + KafkaBroker.bootstrapServers())) {

            HttpResponse<String> response = http(unconfigured).postJson(CREDENTIALS, body(ivo, "pw"));

            assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
            assertThat(response.headers().firstValue("Retry-After")).as("waiting will not help").isEmpty();
            assertThat(Http.json(response).path("detail").asString()).contains("chatpipe.api.xmpp.password-key");
        }
    }

    @Test
    void takesThePasswordKeyFromTheEnvironmentAsTheRunCommandPassesIt() {
        String key = Base64.getEncoder().encodeToString(KEY);

        ApiProperties.Xmpp xmpp = bind(Map.of("CHATPIPE_API_XMPP_PASSWORDKEY", key));

        assertThat(xmpp.passwordKeyBytes()).hasValue(KEY);
        assertThat(xmpp.toString()).doesNotContain(key);
        assertThat(xmpp.domain()).isEqualTo("localhost");
        assertThat(xmpp.host()).isEqualTo("127.0.0.1");
        assertThat(xmpp.port()).isEqualTo(5222);
        assertThat(bind(Map.of()).passwordKeyBytes()).isEmpty();
    }

    @Test
    void refusesToStartWithAKeyTheWorkerWouldRefuse() {
        String tooShort = Base64.getEncoder().encodeToString(new byte[16]);

        assertThatThrownBy(() -> bind(Map.of("CHATPIPE_API_XMPP_PASSWORDKEY", tooShort)))
                .isInstanceOf(BindException.class)
                .rootCause().hasMessageContaining("at least 32 bytes").hasMessageNotContaining(tooShort);
        assertThatThrownBy(() -> bind(Map.of("CHATPIPE_API_XMPP_PASSWORDKEY", "not base64!")))
                .isInstanceOf(BindException.class)
                .rootCause().hasMessageContaining("not base64");
    }

    private static ApiProperties.Xmpp bind(Map<String, Object> variables) {
        var environment = new StandardEnvironment();
        environment.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        variables));
        return new Binder(ConfigurationPropertySources.get(environment))
                .bindOrCreate("chatpipe.api", ApiProperties.class).xmpp();
    }

    private static ConfigurableApplicationContext start(String... settings) {
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--chatpipe.api.history.url=http://127.0.0.1:9"));
        args.addAll(List.of(settings));
        return ApiServiceApplication.application().run(args.toArray(String[]::new));
    }

    private static Http http(ConfigurableApplicationContext context) {
        return Http.to(((WebServerApplicationContext) context).getWebServer().getPort());
    }

    /** A user id no other test uses: accounts outlive a test in the shared broker. */
    private static String user(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static HttpResponse<String> login(String username, String password) {
        return http.postJson("/api/v1/sessions", body(username, password));
    }

    private static HttpResponse<String> credentials(String username, String password) {
        return http.postJson(CREDENTIALS, body(username, password));
    }

    private static String body(String username, String password) {
        return "{\"username\": \"" + username + "\", \"password\": \"" + password + "\"}";
    }

    private static List<String> fields(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        return Http.json(response).path("errors").valueStream().map(error -> error.path("field").asString()).toList();
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
