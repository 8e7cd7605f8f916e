package io.chatpipe.reliability.corpus;

/**
 * Service behaviour the corpus found wrong, reported to the services' owners and not yet fixed. A case marked
 * with one still runs and still must not get a 5xx, nor reach Kafka twice; only its refusal is not required.
 * Delete the entry (and its uses) once the service is fixed: the cases then hold the service to it.
 */
final class KnownIssues {

    // none at present: the api-service now refuses overlong UTF-8, reads frames strictly and closes idle sockets

    private KnownIssues() {
    }
}
