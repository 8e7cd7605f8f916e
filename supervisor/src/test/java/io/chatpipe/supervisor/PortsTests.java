package io.chatpipe.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatpipe.testsupport.FreePorts;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PortsTests {

    @Test
    void picksSevenDistinctFreePortsBelowTheEphemeralRange() throws Exception {
        for (int i = 0; i < 50; i++) {
            Ports ports = Ports.picked(FreePorts::pick);
            List<Integer> all = List.of(ports.kafka(), ports.kafkaController(), ports.xmppClient(), ports.xmppHttp(),
                    ports.api(), ports.history(), ports.worker());

            assertThat(all).doesNotHaveDuplicates()
                    .allSatisfy(port -> assertThat(port).isBetween(FreePorts.FIRST, FreePorts.LAST));
        }
    }

    @Test
    void skipsAPortSomethingListensOn() throws Exception {
        try (var held = new ServerSocket(FreePorts.FIRST, 1, InetAddress.getLoopbackAddress())) {
            // enough picks that the held port would come up in them were it not skipped
            assertThat(IntStream.range(0, 3000).mapToObj(i -> Ports.picked(FreePorts::pick)).flatMapToInt(p -> IntStream.of(p.kafka(),
                    p.kafkaController(), p.xmppClient(), p.xmppHttp(), p.api(), p.history(), p.worker())))
                    .doesNotContain(FreePorts.FIRST);
        }
    }
}
