package io.chatpipe.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatpipe.testsupport.FreePorts;
import io.chatpipe.testsupport.XmppServer;
import io.chatpipe.testsupport.XmppTestClient;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ejabberd configuration docker-compose.yml mounts (docker/ejabberd/ejabberd.yml), run by the real ejabberd (the
 * distribution's package) with nothing changed but what the container provides: its ports, its certificate, the path of
 * the archive database's password. As in the container, the workers' account is registered once ejabberd runs, and
 * the listeners bind every address, so that a client from an address that is not loopback can be tried too.
 */
class ComposeEjabberdConfigTests {

    static final String ACCOUNT = "chatpipe-api@localhost";
    static final String PASSWORD = UUID.randomUUID().toString();
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    static Path dir;
    static Process ejabberd;
    static int clientPort;
    static int httpPort;

    @BeforeAll
    static void startEjabberdWithTheComposeConfig() throws Exception {
        clientPort = FreePorts.pick();
        httpPort = FreePorts.pick();
        String config = Files.readString(ComposeFile.ofRepository().root().resolve("docker/ejabberd/ejabberd.yml"))
                .replace("port: 5222", "port: " + clientPort)
                .replace("port: 5280", "port: " + httpPort)
                .replace("/opt/ejabberd/conf/tls.pem", dir.resolve("tls.pem").toString())
                .replace("/run/chatpipe-secrets/ejabberd/sql.yml", dir.resolve("sql.yml").toString());
        assertThat(config).contains("port: " + clientPort, "port: " + httpPort, dir.toString());
        Files.writeString(dir.resolve("ejabberd.yml"), config);
        // no archive database here: ejabberd runs without one, only the archive's writes would fail
        Files.writeString(dir.resolve("sql.yml"), "sql_password: \"none\"\n");
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                "-keyout", dir.resolve("tls.key").toString(), "-out", dir.resolve("tls.crt").toString());
        Files.write(dir.resolve("tls.pem"), concat(Files.readAllBytes(dir.resolve("tls.key")),
                Files.readAllBytes(dir.resolve("tls.crt"))));
        Files.createDirectories(dir.resolve("spool"));

        // what docker/ejabberd/start.sh does with ejabberdctl once ejabberd runs: register the workers' account
        String register = "ejabberd_auth:try_register(<<\"chatpipe-api\">>, <<\"localhost\">>, <<\"" + PASSWORD + "\">>)";
        var process = new ProcessBuilder("erl", "+K", "true", "-noinput", "-noshell",
                "-mnesia", "dir", "\"" + dir.resolve("spool") + "\"", "-s", "ejabberd",
                "-eval", "io:format(\"registered: ~p~n\", [" + register + "])")
                .directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve("erl.out").toFile());
        process.environment().put("ERL_LIBS", erlLibs());
        process.environment().put("EJABBERD_CONFIG_PATH", dir.resolve("ejabberd.yml").toString());
        process.environment().put("EJABBERD_LOG_PATH", dir.resolve("ejabberd.log").toString());
        ejabberd = process.start();
        Instant deadline = Instant.now().plusSeconds(60);
        while (!Files.readString(dir.resolve("erl.out")).contains("registered: ok")) {
            if (!ejabberd.isAlive() || Instant.now().isAfter(deadline)) {
                throw new AssertionError("ejabberd did not start with the compose config: "
                        + Files.readString(dir.resolve("erl.out")));
            }
            Thread.sleep(250);
        }
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (ejabberd != null) {
            ejabberd.destroy();
            if (!ejabberd.waitFor(java.util.concurrent.TimeUnit.SECONDS.toMillis(20),
                    java.util.concurrent.TimeUnit.MILLISECONDS)) {
                ejabberd.destroyForcibly();
            }
        }
    }

    @Test
    void theAdminApiAnswersOnlyTheWorkersAccountWithItsPassword() throws Exception {
        String sessions = "{\"user\":\"nobody\",\"host\":\"localhost\"}";
        assertThat(api("user_sessions_info", sessions, null).statusCode()).isEqualTo(403);
        assertThat(api("user_sessions_info", sessions, ACCOUNT + ":wrong").statusCode()).isEqualTo(401);
        assertThat(api("user_sessions_info", sessions, "someone@localhost:" + PASSWORD).statusCode()).isEqualTo(401);
        HttpResponse<String> answered = api("user_sessions_info", sessions, ACCOUNT + ":" + PASSWORD);
        assertThat(answered.statusCode()).isEqualTo(200);
        assertThat(answered.body()).isEqualTo("[]");
    }

    @Test
    void theWorkersAccountMayRunTheWorkersCommandsOnly() throws Exception {
        String user = "zoe-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(api("register", "{\"user\":\"" + user + "\",\"host\":\"localhost\",\"password\":\"zoes\"}",
                ACCOUNT + ":" + PASSWORD).statusCode()).isEqualTo(200);
        assertThat(api("registered_users", "{\"host\":\"localhost\"}", ACCOUNT + ":" + PASSWORD).statusCode())
                .isEqualTo(403);
        assertThat(api("unregister", "{\"user\":\"" + user + "\",\"host\":\"localhost\"}", ACCOUNT + ":" + PASSWORD)
                .statusCode()).isEqualTo(403);
    }

    @Test
    void inBandRegistrationIsRefusedFromTheNetworkAndTakenOnlyInsideTheContainer() {
        InetAddress network = networkAddress();
        assertThatThrownBy(() -> XmppTestClient.register(server(network.getHostAddress()), "mallory-"
                + UUID.randomUUID().toString().substring(0, 8), "mallorys password"))
                .isInstanceOf(IllegalStateException.class)
                .rootCause().hasMessageContaining("forbidden");
        // from the container's own loopback it is taken: the rule is what refuses the network
        try (var client = XmppTestClient.register(server("127.0.0.1"), "local-"
                + UUID.randomUUID().toString().substring(0, 8), "a local password")) {
            assertThat(client.connection().isAuthenticated()).isTrue();
        }
    }

    // -------------------------------------------------------------------------------------------------

    record Server(String domain, String host, int clientPort) implements XmppServer {
    }

    static XmppServer server(String host) {
        return new Server("localhost", host, clientPort);
    }

    static HttpResponse<String> api(String command, String body, String basic) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/api/" + command))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (basic != null) {
            request.header("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** An address of this machine's that is not loopback: what a client on the network connects from. */
    static InetAddress networkAddress() {
        try {
            List<InetAddress> addresses = NetworkInterface.networkInterfaces()
                    .filter(nic -> {
                        try {
                            return nic.isUp() && !nic.isLoopback();
                        } catch (IOException e) {
                            return false;
                        }
                    })
                    .flatMap(NetworkInterface::inetAddresses)
                    .filter(address -> address instanceof Inet4Address && !address.isLoopbackAddress())
                    .toList();
            assertThat(addresses).as("an address of this machine beyond loopback").isNotEmpty();
            return addresses.getFirst();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The Erlang library path of the distribution's ejabberd, as its ejabberdctl sets it. */
    static String erlLibs() throws IOException {
        Matcher libs = Pattern.compile("(?m)^ERL_LIBS='(.*)'$").matcher(Files.readString(Path.of("/usr/sbin/ejabberdctl")));
        assertThat(libs.find()).as("ERL_LIBS in /usr/sbin/ejabberdctl (apt-get install ejabberd)").isTrue();
        return libs.group(1);
    }

    static void run(String... command) throws IOException, InterruptedException {
        var process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(output).isZero();
    }

    static byte[] concat(byte[] first, byte[] second) {
        byte[] both = new byte[first.length + second.length];
        System.arraycopy(first, 0, both, 0, first.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }
}
