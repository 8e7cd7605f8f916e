package io.chatpipe.history.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.apache.kafka.streams.state.HostInfo;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.web.server.autoconfigure.ServerProperties;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.stereotype.Component;

/**
 * Where the other history-service instances reach this one: chatpipe.history.streams.application-server, or
 * server.address and the port the web server actually listens on (which is only known once it started, and
 * server.port=0 picks a free one). The web server starts before Kafka Streams, which advertises this address.
 */
@Component
public class InstanceAddress implements ApplicationListener<WebServerInitializedEvent> {

    private final String configured;
    private final InetAddress serverAddress;
    private volatile HostInfo hostInfo;

    /** Without a web server (./chatpipe redeliver) there are no server properties, and no address to tell. */
    InstanceAddress(HistoryProperties properties, ObjectProvider<ServerProperties> server) {
        this.configured = properties.streams().applicationServer();
        ServerProperties web = server.getIfAvailable();
        this.serverAddress = web == null ? null : web.getAddress();
        if (!configured.isEmpty()) {
            hostInfo = HostInfo.buildFromEndpoint(configured);
        }
    }

    @Override
    public void onApplicationEvent(WebServerInitializedEvent event) {
        if (configured.isEmpty()) {
            hostInfo = new HostInfo(host(), event.getWebServer().getPort());
        }
    }

    /** This instance's host and port, as Kafka Streams metadata names it; null before the web server started. */
    public HostInfo hostInfo() {
        return hostInfo;
    }

    private String host() {
        if (serverAddress == null || serverAddress.isAnyLocalAddress()) {
            // listening everywhere: name this machine; set application-server when others know it otherwise
            try {
                return InetAddress.getLocalHost().getCanonicalHostName();
            } catch (UnknownHostException e) {
                return "localhost";
            }
        }
        return serverAddress.getHostAddress();
    }
}
