package io.chatpipe.supervisor;

/** chatpipe's services, by module. */
public enum Service {

    API("api-service"),
    HISTORY("history-service"),
    WORKER("xmpp-delivery-worker"),
    CAPTURE("xmpp-capture");

    private final String module;

    Service(String module) {
        this.module = module;
    }

    public String module() {
        return module;
    }
}
