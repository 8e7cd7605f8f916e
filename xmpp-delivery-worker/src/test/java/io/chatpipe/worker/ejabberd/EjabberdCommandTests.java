package io.chatpipe.worker.ejabberd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatpipe.worker.dispatch.DeliveryException;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** mod_http_api's argument names and answers, as ejabberd 23.01 defines them. */
class EjabberdCommandTests {

    private static final JsonMapper JSON = new JsonMapper();

    @Test
    void sendsEachCommandsArgumentsByTheirApiNames() {
        assertThat(JSON.writeValueAsString(new SetNickname("bob", "localhost", "Bob")))
                .isEqualTo("{\"user\":\"bob\",\"host\":\"localhost\",\"nickname\":\"Bob\"}");
        assertThat(JSON.writeValueAsString(new Register("bob", "localhost", "s3cret")))
                .isEqualTo("{\"user\":\"bob\",\"host\":\"localhost\",\"password\":\"s3cret\"}");
        assertThat(JSON.writeValueAsString(new SendStanza("a@localhost", "b@localhost", "<message/>")))
                .isEqualTo("{\"from\":\"a@localhost\",\"to\":\"b@localhost\",\"stanza\":\"<message/>\"}");
    }

    @Test
    void readsRescodes() throws DeliveryException {
        assertThat(EjabberdCommand.rescode(JSON.readTree("0"))).isTrue();
        assertThat(EjabberdCommand.rescode(JSON.readTree("1"))).isFalse();
    }

    @Test
    void takesAnAlreadyRegisteredAccountAsExisting() {
        var register = new Register("bob", "localhost", "s3cret");

        assertThat(register.expected(new EjabberdError(409, 10090, "User bob@localhost already registered")))
                .contains(false);
        assertThat(register.expected(new EjabberdError(500, 10001, "Can't register user"))).isEmpty();
    }

    @Test
    void neverShowsThePasswordInLogs() {
        assertThat(new Register("bob", "localhost", "s3cret").toString()).doesNotContain("s3cret");
        assertThat(new SendStanza("a@localhost", "b@localhost", "<message><body>private</body></message>")
                .toString()).doesNotContain("private");
    }

    @Test
    void aStanzaEjabberdDidNotRouteIsPermanent() {
        assertThatThrownBy(() -> new SendStanza("a@localhost", "b@localhost", "<message/>").result(JSON.readTree("1")))
                .isInstanceOf(DeliveryException.Permanent.class);
    }

    @Test
    void classifiesErrorAnswersByWhatCanChange() {
        assertThat(new EjabberdError(400, 0, "JID malformed").toException("send_stanza"))
                .isInstanceOf(DeliveryException.Permanent.class);
        assertThat(new EjabberdError(500, 10001, "Can't register user x@localhost at node n: Malformed username")
                .toException("register")).isInstanceOf(DeliveryException.Permanent.class);
        assertThat(new EjabberdError(500, 10001, "Can't register user x@localhost at node n: Database failure")
                .toException("register")).isInstanceOf(DeliveryException.Transient.class);
        assertThat(new EjabberdError(500, 0, "internal_error").toException("send_stanza"))
                .isInstanceOf(DeliveryException.Transient.class);
        assertThat(new EjabberdError(503, 0, "Service Unavailable").toException("send_stanza"))
                .isInstanceOf(DeliveryException.Transient.class);
        assertThat(new EjabberdError(401, 10, "You are not authorized to call this command.")
                .toException("send_stanza")).isInstanceOf(DeliveryException.Auth.class);
        assertThat(new EjabberdError(403, 32, "AccessRules: Account does not have the right")
                .toException("register")).isInstanceOf(DeliveryException.Auth.class);
        assertThat(new EjabberdError(404, 40, "Endpoint not found.").toException("send_stanza"))
                .isInstanceOf(DeliveryException.Auth.class);
    }

    @Test
    void namesTheCommandAndTheServersReasonInTheFailure() {
        assertThat(new EjabberdError(400, 0, "JID malformed").toException("send_stanza"))
                .hasMessage("send_stanza answered 400: JID malformed");
    }

    @Test
    void tellsASessionThatAnsweredFromOneThatDidNot() throws DeliveryException {
        // as ejabberd 23.01 answers user_sessions_info; "offline" is mod_admin_extra's word for a call that timed out
        var sessions = new UserSessionsInfo("bob", "localhost").result(JSON.readTree("""
                [{"connection":"c2s","ip":"127.0.0.1","port":58734,"priority":0,"node":"nonode@nohost","uptime":7,
                  "status":"available","resource":"phone","statustext":""},
                 {"connection":"c2s","ip":"127.0.0.1","port":46762,"priority":0,"node":"nonode@nohost","uptime":13,
                  "status":"offline","resource":"laptop","statustext":""}]"""));

        assertThat(sessions).extracting(UserSessionsInfo.Session::resource).containsExactly("phone", "laptop");
        assertThat(sessions).extracting(UserSessionsInfo.Session::answered).containsExactly(true, false);
        assertThat(new UserSessionsInfo("bob", "localhost").result(JSON.readTree("[]"))).isEmpty();
        assertThat(JSON.writeValueAsString(new UserSessionsInfo("bob", "localhost")))
                .isEqualTo("{\"user\":\"bob\",\"host\":\"localhost\"}");
    }
}
