package io.chatpipe.reliability.stack;

/** chatpipe's three services, by module. */
public enum Service {

    API("api-service"),
    HISTORY("history-service"),
    WORKER("xmpp-delivery-worker");

    private final String module;

    Service(String module) {
        this.module = module;
    }

    public String module() {
        return module;
    }
}
