package io.chatpipe.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.MessageBuilder;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;

class ProsodyTests {

    @Test
    void registeredUsersExchangeMessages() throws Exception {
        Prosody prosody = Prosody.shared();
        try (var carol = XmppTestClient.register(prosody, "carol", "carol-pw");
             var dave = XmppTestClient.register(prosody, "dave", "dave-pw")) {
            carol.connection().sendStanza(MessageBuilder.buildMessage("p-1").ofType(Message.Type.chat)
                    .to(JidCreate.entityBareFrom("dave@localhost")).setBody("<b>&amp; \"quoted\" <x/>").build());

            Message got = dave.awaitMessage(Duration.ofSeconds(10), m -> "p-1".equals(m.getStanzaId()));
            assertThat(got.getBody()).isEqualTo("<b>&amp; \"quoted\" <x/>");
        }
    }
}
