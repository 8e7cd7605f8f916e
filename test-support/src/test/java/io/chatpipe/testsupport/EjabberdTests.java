package io.chatpipe.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.MessageBuilder;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;

class EjabberdTests {

    private final Ejabberd ejabberd = Ejabberd.shared();

    @Test
    void registeredUsersExchangeMessages() throws Exception {
        try (var carol = XmppTestClient.register(ejabberd, "carol", "carol-pw");
             var dave = XmppTestClient.register(ejabberd, "dave", "dave-pw")) {
            carol.connection().sendStanza(MessageBuilder.buildMessage("m-1").ofType(Message.Type.chat)
                    .to(JidCreate.entityBareFrom("dave@localhost")).setBody("<b>&amp;").build());

            Message got = dave.awaitMessage(Duration.ofSeconds(10), m -> "m-1".equals(m.getStanzaId()));
            assertThat(got.getBody()).isEqualTo("<b>&amp;");
            assertThat(got.getFrom().asBareJid().toString()).isEqualTo("carol@localhost");
        }
    }

    @Test
    void keepsAccountsAcrossARestart() {
        try (var erin = XmppTestClient.register(ejabberd, "erin", "erin-pw")) {
            assertThat(erin.connection().isAuthenticated()).isTrue();
        }
        ejabberd.stop();
        assertThatThrownBy(() -> XmppTestClient.login(ejabberd, "erin", "erin-pw"))
                .isInstanceOf(IllegalStateException.class);
        ejabberd.start();
        try (var erin = XmppTestClient.login(ejabberd, "erin", "erin-pw")) {
            assertThat(erin.connection().isAuthenticated()).isTrue();
        }
    }
}
