package io.chatpipe.supervisor;

/** chatpipe's services, by module, in the order a stack starts them. */
public enum Service {

    /** First: it declares every topic it reads, chat.deliveries among them, which the api-service's live feed follows. */
    HISTORY("history-service"),
    API("api-service"),
    /** Before the worker, which counts a message delivered once capture has seen it in the recipient's archive. */
    CAPTURE("xmpp-capture"),
    WORKER("xmpp-delivery-worker"),
    WEBHOOKS("webhook-dispatcher");

    private final String module;

    Service(String module) {
        this.module = module;
    }

    public String module() {
        return module;
    }
}
